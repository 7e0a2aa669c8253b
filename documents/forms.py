from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    n = forms.CharField(label=_("Document number"), max_length=60, required=False)
    c = forms.CharField(label=_("Verification code"), max_length=40, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("State the reason for revoking the document.")},
    )  # no max_length: the service keeps the first 500 characters rather than refuse a long reason
    next = forms.CharField(required=False, widget=forms.HiddenInput)
