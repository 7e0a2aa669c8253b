"""The one form (一表申请): the selected items' form fields merged by data element, its validation, and drafts.

merge_form
    One field per data element over the selected items, feeding every item that asks for it. Its label is the
    element's name unless every item asking for it uses the same item-specific label; it is required when any
    item requires it. An element that a selected item's result produces (ServiceItem.result_produces: the
    出生医学证明编号 of 《出生医学证明》办理, the newborn's 公民身份号码 of 户口登记) is not asked: it goes to
    `produced`, and the department enters it when it approves the producing item. Sections follow DataElement.section: who applies first (choices.LEADING_SECTIONS), then the
    subject's sections in the order the items ask for them, delivery last (choices.TRAILING_SECTIONS).
    fields_before counts the items' fields as if filed one by one (duplicates counted), fields_after the merged
    fields.

validate_values
    Field-level messages in Chinese by data element key; never raises. Empty optional fields are not checked.

Drafts
    do_save_draft keeps every value as typed, valid or not, so bad input loses nothing; values of fields no longer
    on the form (an item deselected since) are kept too. Each change writes a DraftEvent with the keys that
    changed, before and after. do_report_wrong_value records that a value supplied by a shared source is wrong.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may
from catalog.choices import ElementType
from catalog.models import ItemFormField, OneThing, OneThingItem
from core.errors import UserFacingError
from core.validators import validate_credit_code, validate_id_number, validate_mobile

from .choices import (
    BOOLEAN_VALUES,
    LEADING_SECTIONS,
    SECTION_FALLBACK,
    SECTION_TITLES,
    TRAILING_SECTIONS,
    DraftEventAction,
)
from .models import ApplicationDraft, DraftEvent

DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INTEGER_RE = re.compile(r"^-?[0-9]+$")
MAX_VALUE_LENGTH = 2000  # per value; a draft is not a place for more
MAX_COMMENT_LENGTH = 1000


@dataclass
class MergedField:
    key: str  # DataElement.key: the name of the input
    label: str
    name: str  # the element's name
    type: str  # ElementType
    required: bool
    used_by: list[str]  # names of the items that ask for it
    section: str
    source: str  # DataSource
    authoritative: bool
    choices: list[str] = field(default_factory=list)
    max_length: int | None = None
    pattern: str = ""
    other_labels: list[str] = field(default_factory=list)  # the items' own labels when they differ
    produced_by: str = ""  # the selected item whose result produces this value: not asked, filled when it is decided


@dataclass
class FormSection:
    key: str
    title: str
    fields: list[MergedField]


@dataclass
class MergedForm:
    one_thing: OneThing
    items: list[str]  # names of the selected items, in the one-thing's order
    sections: list[FormSection]
    fields_before: int
    fields_after: int
    # elements another selected item's result produces (出生医学证明编号): not asked of the applicant; the department
    # enters them when it approves that item, and the items that use them read them from the case
    produced: list[MergedField] = field(default_factory=list)

    @property
    def fields(self) -> list[MergedField]:
        return [f for s in self.sections for f in s.fields]

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]


def section_title(section: str) -> str:
    return str(SECTION_TITLES.get(section, SECTION_FALLBACK))


def settled_by(one_thing: OneThing, answers: Mapping[str, str]) -> list[Mapping]:
    """The form-value rules of the one-thing that hold for these questionnaire answers (OneThing.form_values): what
    `prefill_for(settled=…)` fills so that the form does not ask again what the one-thing or an answer settled."""
    from shareddata.derived import applicable_rules

    return applicable_rules(one_thing.form_values or [], answers)


def merge_form(one_thing: OneThing, selected_items: Iterable[OneThingItem | Any]) -> MergedForm:
    """The one form for these items of the one-thing (OneThingItems, or anything with their `pk`, e.g. ItemLine)."""
    pks: set[Any] = {getattr(it, "pk", it) for it in selected_items}
    items = list(
        OneThingItem.objects.filter(one_thing=one_thing, pk__in=pks)
        .select_related("service_item")
        .order_by("order", "pk")
    )
    position = {it.service_item_id: i for i, it in enumerate(items)}
    names = {it.service_item_id: it.service_item.name for it in items}
    producer_of = produced_elements(it.service_item for it in items)
    rows = sorted(
        ItemFormField.objects.filter(item_id__in=position).select_related("data_element"),
        key=lambda f: (position[f.item_id], f.order, f.pk),
    )
    merged: dict[str, MergedField] = {}
    labels: dict[str, list[str]] = {}
    for row in rows:
        element = row.data_element
        labels.setdefault(element.key, []).append(row.label)
        current = merged.get(element.key)
        if current is None:
            merged[element.key] = MergedField(
                key=element.key,
                label=element.name,
                name=element.name,
                type=element.type,
                required=row.required,
                used_by=[names[row.item_id]],
                section=element.section,
                source=element.source,
                authoritative=element.authoritative,
                choices=[str(c) for c in element.choices or []],
                max_length=element.max_length,
                pattern=element.pattern,
            )
            continue
        current.required = current.required or row.required
        if names[row.item_id] not in current.used_by:
            current.used_by.append(names[row.item_id])
    for key, producer in producer_of.items():
        if key in merged:
            merged[key].produced_by = producer
    for key, item_labels in labels.items():
        distinct = set(item_labels)
        if len(distinct) == 1 and item_labels[0]:
            merged[key].label = item_labels[0]
        else:
            merged[key].other_labels = list(dict.fromkeys(lb for lb in item_labels if lb and lb != merged[key].name))
    by_section: dict[str, list[MergedField]] = {}
    for f in merged.values():
        if not f.produced_by:
            by_section.setdefault(f.section, []).append(f)

    def rank(section: str) -> tuple[int, int]:
        if section in LEADING_SECTIONS:
            return (0, LEADING_SECTIONS.index(section))
        if section in TRAILING_SECTIONS:
            return (2, TRAILING_SECTIONS.index(section))
        return (1, 0)  # sorted() is stable: the subject's sections keep the order the items ask for them

    sections = [FormSection(key=s, title=section_title(s), fields=by_section[s]) for s in sorted(by_section, key=rank)]
    return MergedForm(
        one_thing=one_thing,
        items=[it.service_item.name for it in items],
        sections=sections,
        fields_before=len(rows),
        fields_after=len(merged) - sum(1 for f in merged.values() if f.produced_by),
        produced=[f for f in merged.values() if f.produced_by],
    )


def produced_elements(service_items: Iterable[Any]) -> dict[str, str]:
    """Data element key -> the name of the item (among these) whose result produces it; the first one wins."""
    found: dict[str, str] = {}
    for item in service_items:
        for key in item.result_produces or []:
            found.setdefault(key, item.name)
    return found


# ---------------------------------------------------------------- validation


def element_field(element: Any, *, required: bool = True, produced_by: str = "") -> MergedField:
    """A form field for one data element on its own (e.g. a value a department enters when it decides)."""
    return MergedField(
        key=element.key,
        label=element.name,
        name=element.name,
        type=element.type,
        required=required,
        used_by=[],
        section=element.section,
        source=element.source,
        authoritative=element.authoritative,
        choices=[str(c) for c in element.choices or []],
        max_length=element.max_length,
        pattern=element.pattern,
        produced_by=produced_by,
    )


def check_value(f: MergedField, value: str) -> str:
    """The Chinese message for one non-empty value of this field, or '' when it is valid; never raises."""
    try:
        return _check(f, value)
    except Exception:  # never raise at the person typing
        return _("This value could not be checked; please check it.")


def _check(f: MergedField, value: str) -> str:
    """The message for one non-empty value, or ''."""
    if f.max_length and len(value) > f.max_length:
        return _("Enter at most %(max)d characters; %(length)d were entered.") % {
            "max": f.max_length,
            "length": len(value),
        }
    kind = f.type
    if kind == ElementType.DATE:
        try:
            if not DATE_RE.match(value):
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            return _("Enter a date as YYYY-MM-DD, for example 2026-03-07.")
    elif kind == ElementType.INTEGER:
        if not INTEGER_RE.match(value):
            return _("Enter a whole number.")
    elif kind == ElementType.DECIMAL:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            return _("Enter a number, for example 12.5.")
    elif kind == ElementType.BOOLEAN:
        if value not in BOOLEAN_VALUES:
            return _("Choose yes or no.")
    elif kind == ElementType.CHOICE:
        if f.choices and value not in f.choices:
            return _("Choose one of: %(choices)s.") % {"choices": "、".join(f.choices)}
    elif kind in (ElementType.ID_NUMBER, ElementType.CREDIT_CODE, ElementType.PHONE, ElementType.EMAIL):
        validators: dict[str, Callable[[str], Any]] = {
            ElementType.ID_NUMBER: validate_id_number,
            ElementType.CREDIT_CODE: validate_credit_code,
            ElementType.PHONE: validate_mobile,
            ElementType.EMAIL: validate_email,
        }
        validator = validators[kind]
        try:
            validator(value)
        except ValidationError as exc:
            if kind == ElementType.EMAIL:
                return _("Enter an e-mail address such as name@example.com.")
            return " ".join(exc.messages)
    if f.pattern:
        try:
            matches = re.fullmatch(f.pattern, value) is not None
        except re.error:
            matches = True  # a broken pattern in the dictionary is not the applicant's fault
        if not matches:
            return _("The format of %(name)s is not valid; please check it.") % {"name": f.label}
    return ""


def validate_values(merged_form: MergedForm, values: Mapping[str, Any]) -> dict[str, str]:
    """Data element key -> a Chinese message for each field that is missing or not valid; never raises."""
    errors: dict[str, str] = {}
    for f in merged_form.fields:
        raw = values.get(f.key)
        value = "" if raw is None else str(raw).strip()
        if not value:
            if f.required:
                errors[f.key] = _("This field is required.")
            continue
        message = check_value(f, value)
        if message:
            errors[f.key] = message
    return errors


def effective_values(
    keys: Iterable[str],
    saved: Mapping[str, Any],
    prefill: Mapping[str, Any],
    fallback: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, Any]]:
    """The value each field takes, and where each pre-filled one came from (key -> PrefilledValue).

    A value from an authoritative source wins (it is shown locked); otherwise what was saved; otherwise the pre-filled
    value; otherwise `fallback` (e.g. the identity typed at the window), else "". A field saved empty counts as not
    typed: a save posts every field of the form, so an empty one must not hide a value pre-filled later (a consent
    granted after the first save).
    """
    values: dict[str, str] = {}
    origin: dict[str, Any] = {}
    for key in keys:
        pre = prefill.get(key)
        if pre is not None and (pre.authoritative or not str(saved.get(key) or "").strip()):
            values[key], origin[key] = pre.value, pre
        elif key in saved:
            values[key] = str(saved[key])
        else:
            values[key] = (fallback or {}).get(key, "")
    return values, origin


# ---------------------------------------------------------------- drafts


def find_draft(user: User, one_thing: OneThing, channel: str = ApplicationDraft.ONLINE) -> ApplicationDraft | None:
    """The user's own open draft for this one-thing version (online: the applicant's own; window: the one staff
    prepare for them at the counter); there is no way to read another applicant's."""
    if not user.is_authenticated:
        return None
    return ApplicationDraft.objects.filter(
        user=user, one_thing=one_thing, channel=channel, submitted_at__isnull=True
    ).first()


def draft_channel(user: User, acting_user: User) -> str:
    """The channel of the draft `acting_user` works on for `user`: their own online one, or the window's."""
    return ApplicationDraft.ONLINE if acting_user.pk == user.pk else ApplicationDraft.WINDOW


def _check_self(user: User, acting_user: User, one_thing: OneThing | None = None) -> None:
    if not user.is_applicant or acting_user is None:
        raise UserFacingError(_("Only the applicant can change their own application."))
    if acting_user.pk != user.pk and not (one_thing is not None and may(acting_user, "case.file_walk_in", one_thing)):
        raise UserFacingError(_("Only the applicant can change their own application."))


def _clean_values(values: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): ("" if v is None else str(v))[:MAX_VALUE_LENGTH] for k, v in values.items()}


def _record(draft: ApplicationDraft, action: str, *, acting_user: User, **kwargs) -> DraftEvent:
    return DraftEvent.objects.create(
        draft=draft, action=action, actor=acting_user, actor_label=str(acting_user), at=timezone.now(), **kwargs
    )


@transaction.atomic
def do_save_draft(
    user: User, one_thing: OneThing, answers: dict, values: Mapping[str, Any], *, acting_user: User
) -> ApplicationDraft:
    """Save what the applicant entered, valid or not, merged over what the draft held; returns the draft."""
    _check_self(user, acting_user, one_thing)
    User.objects.select_for_update().filter(pk=user.pk).first()  # one save at a time per applicant
    draft, created = ApplicationDraft.objects.get_or_create(
        user=user, one_thing=one_thing, channel=draft_channel(user, acting_user), submitted_at=None
    )
    entered = _clean_values(values)
    after: dict[str, Any] = {k: v for k, v in entered.items() if draft.values.get(k, "") != v}
    before: dict[str, Any] = {k: draft.values.get(k) for k in after}
    answers = dict(answers or {})
    if not created and not after and answers == draft.answers:
        return draft
    if answers != draft.answers:
        before["_answers"], after["_answers"] = draft.answers, answers
    draft.values = {**draft.values, **entered}
    draft.answers = answers
    draft.save()
    _record(draft, DraftEventAction.SAVE_DRAFT, acting_user=acting_user, before=before, after=after)
    return draft


@transaction.atomic
def do_report_wrong_value(
    user: User, one_thing: OneThing, key: str, shown_value: str, comment: str, *, acting_user: User
) -> DraftEvent:
    """Record the applicant's report that a value a shared source supplied (shown locked) is wrong."""
    _check_self(user, acting_user, one_thing)
    comment = (comment or "").strip()[:MAX_COMMENT_LENGTH]
    if not comment:
        raise UserFacingError(_("Say what is wrong, so the department holding the data can correct it."))
    draft, _created = ApplicationDraft.objects.get_or_create(user=user, one_thing=one_thing, submitted_at=None)
    return _record(
        draft,
        DraftEventAction.REPORTED_WRONG,
        acting_user=acting_user,
        field_key=key[:80],
        comment=comment,
        before={key: shown_value},
    )
