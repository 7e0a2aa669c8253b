"""Forms of the hall window (综合窗口): identifying a walk-in applicant, and reading the review page's posts.

WalkInApplicantForm checks the numbers with the same validators as the User model (core.validators: GB 11643
citizen ID numbers, GB 32100 unified social credit codes, mainland mobiles), one Chinese message per field, and
normalizes them as the account stores them. Which fields are required depends on the kind of applicant.

The review page's correction, receipt and scanning forms are per material and per field, so they are read by
small functions here rather than Django forms: `read_correction` and `read_deferrals`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.choices import AccountKind
from catalog.models import OneThing
from core.validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

REQUIRED_FOR_KIND = {
    AccountKind.NATURAL_PERSON: ("name", "id_number", "mobile"),
    AccountKind.LEGAL_PERSON: (
        "org_name",
        "credit_code",
        "legal_representative",
        "agent_name",
        "agent_id_number",
        "mobile",
    ),
}


WALK_IN_REASONS = [
    ("asked", _("The applicant asked for help at the counter (帮办代办)")),
    ("elderly_or_disabled", _("Elderly or disabled applicant (优先帮办)")),
    ("no_online", _("The applicant cannot file online")),
    ("paper", _("Paper originals brought to the hall")),
]


class WalkInApplicantForm(forms.Form):
    """Who is at the counter (自然人 or 法人 with its 经办人), and which one-thing they want handled."""

    kind = forms.ChoiceField(
        label=_("Applicant"),
        choices=[
            (AccountKind.NATURAL_PERSON, _("Natural person")),
            (AccountKind.LEGAL_PERSON, _("Legal person")),
        ],
        widget=forms.RadioSelect,
        initial=AccountKind.NATURAL_PERSON,
    )
    # natural persons
    name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("Citizen ID number"), max_length=30, required=False)
    # legal persons
    org_name = forms.CharField(label=_("Name of the enterprise or organisation"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50, required=False)
    agent_name = forms.CharField(label=_("Agent's name"), max_length=50, required=False)
    agent_id_number = forms.CharField(label=_("Agent's citizen ID number"), max_length=30, required=False)
    # both
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    one_thing = forms.ChoiceField(label=_("One-thing to handle"))
    # why the window files it (recorded in the applicant's shared-data trail with who and when)
    reason = forms.ChoiceField(label=_("Why the window files it"), choices=WALK_IN_REASONS, required=False)

    def __init__(self, *args, one_things: list[OneThing], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.one_things = {ot.code: ot for ot in one_things}
        self.fields["one_thing"].choices = [("", _("— choose —"))] + [
            (ot.code, f"{ot.name}（{ot.get_subject_display()}）") for ot in one_things
        ]

    def _check(self, name: str, validator, normalize) -> None:
        value = self.cleaned_data.get(name, "")
        if not value:
            return
        try:
            validator(value)
        except ValidationError as exc:
            self.add_error(name, exc)
        else:
            self.cleaned_data[name] = normalize(value)

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind not in REQUIRED_FOR_KIND:
            return data
        for name in ("name", "org_name", "legal_representative", "agent_name"):
            data[name] = " ".join((data.get(name) or "").split())  # no stray or doubled spaces in names
        for name in REQUIRED_FOR_KIND[kind]:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        if kind == AccountKind.NATURAL_PERSON:
            self._check("id_number", validate_id_number, normalize_id_number)
        else:
            self._check("credit_code", validate_credit_code, normalize_credit_code)
            self._check("agent_id_number", validate_id_number, normalize_id_number)
        self._check("mobile", validate_mobile, normalize_mobile)
        one_thing = self.one_things.get(data.get("one_thing", ""))
        if one_thing is not None and one_thing.subject != kind:
            self.add_error(
                "one_thing",
                _("“%(name)s” is for %(subject)s; choose the matching kind of applicant or another one-thing.")
                % {"name": one_thing.name, "subject": one_thing.get_subject_display()},
            )
        data["one_thing_obj"] = one_thing
        data["reason"] = data.get("reason") or "asked"
        return data

    def reason_label(self) -> str:
        return str(dict(WALK_IN_REASONS)[self.cleaned_data["reason"]])

    def identity(self) -> dict[str, str]:
        """The cleaned identity as do_register_walk_in_applicant takes it."""
        data = self.cleaned_data
        if data["kind"] == AccountKind.NATURAL_PERSON:
            return {
                "kind": data["kind"],
                "name": data["name"],
                "id_number": data["id_number"],
                "mobile": data["mobile"],
            }
        return {
            "kind": data["kind"],
            "name": data["org_name"],
            "credit_code": data["credit_code"],
            "legal_representative": data["legal_representative"],
            "agent_name": data["agent_name"],
            "agent_id_number": data["agent_id_number"],
            "mobile": data["mobile"],
        }

    def field_for(self, identity_field: str) -> str | None:
        """The form field showing a message the service gave about one of the identity's fields (None: the form)."""
        if identity_field == "name" and self.cleaned_data.get("kind") == AccountKind.LEGAL_PERSON:
            return "org_name"
        return identity_field if identity_field in self.fields else None


# ---------------------------------------------------------------- review page


def point_token(kind: str, key: str) -> str:
    """The value of a correction checkbox, e.g. "material:food_safety_rules" or "field:premises.area"."""
    return f"{kind}:{key}"


@dataclass
class CorrectionInput:
    """What was posted on the correction form: ticked points, every reason typed, and the messages per point."""

    flagged: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    points: list[dict] = field(default_factory=list)


def read_correction(data: QueryDict, tokens: list[str]) -> CorrectionInput:
    """The points ticked on the review page, each with its reason; a tick without a reason, or a reason without
    a tick, is a message beside that point (and then nothing is issued)."""
    known = set(tokens)
    result = CorrectionInput(flagged={t for t in data.getlist("flag") if t in known})
    for token in tokens:
        reason = " ".join(data.get(f"reason-{token}", "").split())
        if reason:
            result.reasons[token] = reason
        if token in result.flagged and not reason:
            result.errors[token] = _("Say what is wrong or missing.")
        elif reason and token not in result.flagged:
            result.errors[token] = _("Tick “Not conforming / missing” as well, or clear the reason.")
    for token in tokens:  # in the page's order
        if token in result.flagged and token not in result.errors:
            kind, key = token.split(":", 1)
            result.points.append({"kind": kind, "key": key, "reason": result.reasons[token]})
    if not result.flagged and not result.errors:
        result.errors[""] = _("Tick at least one material or field to correct.")
    return result


def read_deferrals(data: QueryDict, keys: list[str]) -> tuple[dict[str, dt.date], dict[str, str], dict[str, str]]:
    """(key -> date, key -> the value as typed, key -> message) for the 补齐期限 inputs of the missing materials.

    An empty input is left out of the dates, so that the receiving service names it; a value that is not a date
    is left out with a message here (the service then refuses too, so nothing is written).
    """
    dates: dict[str, dt.date] = {}
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key in keys:
        raw = (data.get(f"defer-{key}") or "").strip()[:20]
        typed[key] = raw
        if not raw:
            continue
        try:
            dates[key] = dt.date.fromisoformat(raw)
        except ValueError:
            errors[key] = _("Enter a date as YYYY-MM-DD, for example 2026-03-07.")
    return dates, typed, errors
