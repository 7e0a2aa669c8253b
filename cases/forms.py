"""Forms of the applicant's side of a case: the submit token, withdrawal, one file."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_REASON_LENGTH


def new_submission_key() -> str:
    """The token of one submit form: a retried or double-clicked POST carries the same one and finds the same case."""
    return uuid.uuid4().hex


class SubmitForm(forms.Form):
    submission_key = forms.CharField(
        max_length=64,
        widget=forms.HiddenInput,
        error_messages={"required": _("The submission could not be identified; reload the page and submit again.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Give a reason for withdrawing."),
            "max_length": _("Keep the reason to at most %(limit_value)d characters."),
        },
    )


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty; choose the file again."),
        },
    )
