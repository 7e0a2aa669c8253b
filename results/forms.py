"""Forms of the results pages: verification, the way of receiving results, recording a delivery, archiving.

The forms only collect what was typed; the services decide (and name the field of each refusal, FieldErrors).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.choices import DeliveryMethod

from .choices import DeliveryMode


class VerifyForm(forms.Form):
    n = forms.CharField(label=_("Licence number"), max_length=80, required=False)
    c = forms.CharField(label=_("Verification code"), max_length=40, required=False)


class DeliveryChoiceForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("When"),
        choices=DeliveryMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to receive the results together or one by one.")},
    )
    method = forms.ChoiceField(
        label=_("How"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how to receive the results.")},
    )
    address = forms.CharField(label=_("Postal address"), max_length=200, required=False)
    recipient = forms.CharField(label=_("Recipient"), max_length=50, required=False)
    phone = forms.CharField(label=_("Recipient's mobile"), max_length=20, required=False)

    def __init__(self, *args, methods: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m, DeliveryMethod(m).label) for m in methods]


class RecordDeliveryForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Results handed over"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the results handed over.")},
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=DeliveryMethod.choices,
        error_messages={"required": _("Choose how the results were delivered.")},
    )
    tracking_number = forms.CharField(label=_("Tracking number (post)"), max_length=40, required=False)
    recipient_name = forms.CharField(label=_("Signed for by"), max_length=50, required=False)

    def __init__(self, *args, ready: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(str(i.pk), i.name) for i in ready]
        self.fields["items"].error_messages["invalid_choice"] = _(
            "A ticked result is no longer waiting for delivery; reload the page."
        )


class ArchiveForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
