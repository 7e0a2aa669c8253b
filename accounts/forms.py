"""Forms for logging in by mobile number and a one-time code (see accounts.otp)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.validators import normalize_mobile, validate_mobile

from .otp import CODE_LENGTH


class MobileForm(forms.Form):
    """Step 1: the mobile number to send a code to."""

    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        validators=[validate_mobile],
        error_messages={"required": _("Enter your mobile number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])


class MobileLoginForm(MobileForm):
    """Step 2: the mobile number and the code received."""

    code = forms.CharField(
        label=_("Verification code"),
        validators=[RegexValidator(rf"^[0-9]{{{CODE_LENGTH}}}$", _("Enter the 6-digit code from the text message."))],
        error_messages={"required": _("Enter the code from the text message.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": CODE_LENGTH}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()
