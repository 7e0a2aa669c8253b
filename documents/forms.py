from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    n = forms.CharField(label=_("Document number"), max_length=60, required=False)
    c = forms.CharField(label=_("Verification code"), max_length=40, required=False)
