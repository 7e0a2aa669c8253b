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


def filing_delivery_form(one_thing, values: dict, data=None) -> DeliveryChoiceForm:
    """How the applicant wants the results, asked when filing (online or at the window; it can be changed on the
    case page until delivery starts): everything together at the window if offered, and the postal address typed in
    the one form's 送达 section, if it had one. Prefixed "delivery" to sit beside the filing form's own fields."""
    from .queries import methods_offered_by

    methods = methods_offered_by(one_thing)
    initial = {
        "mode": DeliveryMode.UNIFIED,
        "method": DeliveryMethod.WINDOW if DeliveryMethod.WINDOW in methods else methods[0],
        "address": values.get("delivery.address", ""),
        "recipient": values.get("delivery.recipient", ""),
        "phone": values.get("delivery.recipient_mobile", ""),
    }
    return DeliveryChoiceForm(data, initial=initial, methods=methods, prefix="delivery")


def choose_delivery_from(form: DeliveryChoiceForm, case, *, acting_user, ip) -> None:
    """do_choose_delivery with what the (valid) filing form holds; FieldErrors go back beside its fields."""
    from .services import FieldErrors, do_choose_delivery

    data = form.cleaned_data
    try:
        do_choose_delivery(
            case, data["mode"], data["method"], data["address"], data["recipient"], data["phone"],
            acting_user=acting_user, ip=ip,
        )  # fmt: skip
    except FieldErrors as exc:
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, message)
        raise


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
