"""Forms of the consents page: only what was typed; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PartyConsentForm(forms.Form):
    """共同申请: let the named applicant's form for one one-thing use my data."""

    one_thing = forms.ChoiceField(
        label=_("Applying together for"),
        error_messages={"required": _("Choose the one-thing you apply for together."),
                        "invalid_choice": _("Choose the one-thing you apply for together.")},
    )  # fmt: skip
    applicant_name = forms.CharField(
        label=_("The applicant's name"), max_length=100, error_messages={"required": _("Give the applicant's name.")}
    )
    applicant_id_number = forms.CharField(
        label=_("The applicant's citizen ID number"),
        max_length=20,
        error_messages={"required": _("Give the applicant's citizen ID number.")},
    )

    def __init__(self, *args, one_things: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["one_thing"].choices = [(ot.code, f"{ot.name}（{ot.region.name}）") for ot in one_things]
