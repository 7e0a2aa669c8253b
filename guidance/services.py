"""Situational guidance (情形引导): from a one-thing and the applicant's answers to a personal one-time notice.

`build_notice` is a pure computation: it reads the one-thing and its prefetched rows
(`queries.get_guide_one_thing`) and writes nothing. The rules, in the order they are applied:

Questions
    A question without `show_if` is always visible; one with `show_if` is visible when any of those options is
    chosen. Only answers to visible questions count; answers to hidden questions, unknown questions and unknown
    options are ignored (and listed in `ignored_answers`). Visible questions without an answer are `unanswered`.

Items
    A mandatory item is always handled and cannot be deselected (UserFacingError).
    An optional item is out when a chosen option excludes it (exclusion wins over inclusion).
    An optional item that some option includes is in only when such an option is chosen; while such an option
    belongs to a visible unanswered question the item is pending.
    An optional item that no option includes is in by default.
    The applicant may deselect optional items that are in.

Materials (one set: each material type once, over the selected items)
    One status per material type, decided by guidance.materials.material_lines (the one rule, see there): to
    submit, 容缺 allowed, if it applies, exempt (e-licence, shared data), generated from the one form, produced by
    another item of the case, pushed by a department, or not needed in this situation.

Time limit, fees, figures
    The combined promised limit is the critical path over prerequisites among the selected items only
    (a prerequisite on an item not handled is ignored). Fees are summed over the selected items.
    Figures compare filing the selected items one by one (materials counted per item, days summed) with the
    merged one-thing (each material type once, critical path).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from catalog.choices import DeliveryMethod
from catalog.models import OneThing, OneThingItem, Option, Question
from core.errors import UserFacingError
from core.graphs import critical_path_days

from .choices import ItemState, MaterialStatus
from .materials import NEEDED, TO_UPLOAD, Exemption, MaterialLine, MaterialUse, material_lines

__all__ = ["Exemption", "MaterialLine", "MaterialUse", "PersonalNotice", "build_notice"]


@dataclass(frozen=True)
class OptionView:
    key: str
    label: str


@dataclass
class QuestionView:
    key: str
    text: str
    options: list[OptionView]
    chosen: str | None  # option key; None while unanswered

    @property
    def chosen_label(self) -> str:
        return next((o.label for o in self.options if o.key == self.chosen), "")


@dataclass
class ItemLine:
    pk: int
    code: str  # ServiceItem.code: stable across versions, used in URLs
    name: str
    department: str
    supporting_departments: list[str]
    mandatory: bool
    state: str  # ItemState
    because: list[str]  # labels of the chosen options that decided it, or texts of the questions it waits for
    promised_days: int | None
    legal_days: int | None
    fee_amount: Decimal | None
    fee_basis: str
    result_name: str
    prerequisites: list[str] = field(default_factory=list)  # selected items that must finish first
    outside_prerequisites: list[str] = field(default_factory=list)  # prerequisites not handled this time

    @property
    def selected(self) -> bool:
        return self.state == ItemState.SELECTED

    @property
    def deselectable(self) -> bool:
        return not self.mandatory and self.state in (ItemState.SELECTED, ItemState.DESELECTED)

    @property
    def state_label(self) -> str:
        return str(ItemState(self.state).label)

    @property
    def state_colour(self) -> str:
        return ItemState.colour(self.state)


@dataclass(frozen=True)
class FeeLine:
    item: str
    amount: Decimal | None
    basis: str


@dataclass(frozen=True)
class Figures:
    """Before (the selected items filed one by one) and after (the merged one-thing)."""

    items: int
    departments: int
    materials_before: int  # active material uses summed over the items, duplicates counted
    materials_after: int  # needed material types, each once
    materials_to_submit: int  # of those, the ones not replaced by an e-licence or shared data
    days_before: int  # promised limits summed
    days_after: int  # critical path


@dataclass
class PersonalNotice:
    one_thing: OneThing
    questions: list[QuestionView]  # the visible ones, in order
    answers: dict[str, str]  # the answers that count: question key -> option key
    ignored_answers: dict[str, str]
    items: list[ItemLine]
    materials: list[MaterialLine]
    combined_days: int
    fees: list[FeeLine]
    fee_total: Decimal
    fee_unknown: bool  # some selected item does not state its fee
    delivery_methods: list[str]  # labels
    figures: Figures
    held_licence_types: frozenset[str]
    shared_sources: frozenset[str]

    @property
    def unanswered(self) -> list[QuestionView]:
        return [q for q in self.questions if q.chosen is None]

    @property
    def selected_items(self) -> list[ItemLine]:
        return [it for it in self.items if it.selected]

    @property
    def to_submit(self) -> list[MaterialLine]:
        """What the applicant supplies: to submit, and 容缺 allowed."""
        return [m for m in self.materials if m.status in TO_UPLOAD]

    @property
    def uploadable(self) -> list[MaterialLine]:
        """What the materials page offers an upload for: to submit, 容缺 allowed, and 'if it applies'."""
        return [m for m in self.materials if m.uploadable]

    @property
    def provided(self) -> list[MaterialLine]:
        """Needed but not from the applicant: generated, produced in the case, pushed (exempt ones: `exempt`)."""
        return [
            m
            for m in self.materials
            if m.status in (MaterialStatus.GENERATED, MaterialStatus.PRODUCED, MaterialStatus.PUSHED)
        ]

    @property
    def exempt(self) -> list[MaterialLine]:
        return [m for m in self.materials if m.status == MaterialStatus.EXEMPT]

    @property
    def conditional(self) -> list[MaterialLine]:
        return [m for m in self.materials if m.status == MaterialStatus.CONDITIONAL]

    @property
    def not_needed(self) -> list[MaterialLine]:
        return [m for m in self.materials if m.status == MaterialStatus.NOT_NEEDED]

    @property
    def deselected_codes(self) -> list[str]:
        return [it.code for it in self.items if it.state == ItemState.DESELECTED]

    @property
    def licence_choices(self) -> list[str]:
        """E-licence types that would replace a needed material: what the page offers to tick."""
        found: dict[str, None] = {}
        for m in self.materials:
            if m.status in (*TO_UPLOAD, MaterialStatus.EXEMPT):
                found.update(dict.fromkeys(m.licence_types))
        return list(found)


def build_notice(
    one_thing: OneThing,
    answers: dict[str, str],
    *,
    deselected_items: Iterable[int] = frozenset(),
    held_licence_types: Iterable[str] = frozenset(),
    shared_sources: Iterable[str] = frozenset(),
) -> PersonalNotice:
    """The personal one-time notice (一次告知) for these answers; see the module docstring for the rules."""
    held = frozenset(held_licence_types)
    sources = frozenset(shared_sources)
    questions = list(one_thing.questions.all())
    items = list(one_thing.items.all())

    chosen = _effective_answers(questions, answers)
    chosen_pks = {o.pk for o in chosen.values()}
    visible = [q for q in questions if _is_visible(q, chosen_pks)]
    unanswered_pks = {q.pk for q in visible if q.key not in chosen}
    ignored = {k: v for k, v in answers.items() if k not in chosen}

    deselected = set(deselected_items)
    _check_deselection(items, deselected)
    lines = _item_lines(items, questions, chosen, unanswered_pks, deselected)
    selected = [it for it in items if lines[it.pk].selected]
    selected_pks = {it.pk for it in selected}
    for it in selected:
        line = lines[it.pk]
        for p in it.prerequisites.all():
            (line.prerequisites if p.pk in selected_pks else line.outside_prerequisites).append(p.service_item.name)

    materials, uses_before = material_lines(selected, questions, chosen, held, sources)

    durations = {it.pk: it.effective_promised_days or 0 for it in selected}
    edges = {it.pk: [p.pk for p in it.prerequisites.all() if p.pk in selected_pks] for it in selected}
    combined = critical_path_days(durations, edges)

    fees = [FeeLine(it.service_item.name, it.service_item.fee_amount, it.service_item.fee_basis) for it in selected]
    needed = [m for m in materials if m.status in NEEDED]
    figures = Figures(
        items=len(selected),
        departments=len({it.department_id for it in selected}),
        materials_before=uses_before,
        materials_after=len(needed),
        materials_to_submit=sum(1 for m in needed if m.status in TO_UPLOAD),
        days_before=sum(durations.values()),
        days_after=combined,
    )
    return PersonalNotice(
        one_thing=one_thing,
        questions=[
            QuestionView(
                key=q.key,
                text=q.text,
                options=[OptionView(o.key, o.label) for o in q.options.all()],
                chosen=chosen[q.key].key if q.key in chosen else None,
            )
            for q in visible
        ],
        answers={q.key: chosen[q.key].key for q in visible if q.key in chosen},  # in question order
        ignored_answers=ignored,
        items=[lines[it.pk] for it in items],
        materials=materials,
        combined_days=combined,
        fees=fees,
        fee_total=sum((f.amount for f in fees if f.amount is not None), Decimal("0")),
        fee_unknown=any(f.amount is None for f in fees),
        delivery_methods=[
            str(DeliveryMethod(m).label) if m in DeliveryMethod.values else str(m) for m in one_thing.delivery_methods
        ],
        figures=figures,
        held_licence_types=held,
        shared_sources=sources,
    )


def _is_visible(question: Question, chosen_pks: set[int]) -> bool:
    conditions = question.show_if.all()
    return not conditions or any(o.pk in chosen_pks for o in conditions)


def _effective_answers(questions: list[Question], answers: dict[str, str]) -> dict[str, Option]:
    """The chosen option of each visible question. Choosing only ever reveals more, so this reaches a fixpoint
    whatever order `show_if` refers in."""
    chosen: dict[str, Option] = {}
    changed = True
    while changed:
        changed = False
        chosen_pks = {o.pk for o in chosen.values()}
        for q in questions:
            if q.key in chosen or not _is_visible(q, chosen_pks):
                continue
            option = next((o for o in q.options.all() if o.key == answers.get(q.key)), None)
            if option is not None:
                chosen[q.key] = option
                changed = True
    return chosen


def _check_deselection(items: list[OneThingItem], deselected: set[int]) -> None:
    mandatory = [it.service_item.name for it in items if it.pk in deselected and it.mandatory]
    if mandatory:
        raise UserFacingError(
            _("“%(names)s” must be handled in this one-thing and cannot be removed.") % {"names": "、".join(mandatory)}
        )


def _item_lines(
    items: list[OneThingItem],
    questions: list[Question],
    chosen: dict[str, Option],
    unanswered_pks: set[int],
    deselected: set[int],
) -> dict[int, ItemLine]:
    included_by: dict[int, list[tuple[Question, Option]]] = {}
    for q in questions:
        for o in q.options.all():
            for it in o.include_items.all():
                included_by.setdefault(it.pk, []).append((q, o))
    chosen_options = list(chosen.values())
    lines: dict[int, ItemLine] = {}
    for it in items:
        because: list[str] = []
        if it.mandatory:
            state = ItemState.SELECTED
        elif excluding := [o.label for o in chosen_options if any(x.pk == it.pk for x in o.exclude_items.all())]:
            state, because = ItemState.EXCLUDED, excluding
        elif it.pk in included_by:
            including = [o.label for q, o in included_by[it.pk] if chosen.get(q.key) == o]
            waiting = list(dict.fromkeys(q.text for q, _o in included_by[it.pk] if q.pk in unanswered_pks))
            if including:
                state, because = ItemState.SELECTED, including
            elif waiting:
                state, because = ItemState.PENDING, waiting
            else:
                state = ItemState.NOT_INCLUDED
        else:
            state = ItemState.SELECTED
        if state == ItemState.SELECTED and not it.mandatory and it.pk in deselected:
            state = ItemState.DESELECTED
        service_item = it.service_item
        lines[it.pk] = ItemLine(
            pk=it.pk,
            code=service_item.code,
            name=service_item.name,
            department=it.department.name,
            supporting_departments=[d.name for d in it.supporting_departments.all()],
            mandatory=it.mandatory,
            state=state,
            because=because,
            promised_days=it.effective_promised_days,
            legal_days=service_item.legal_days,
            fee_amount=service_item.fee_amount,
            fee_basis=service_item.fee_basis,
            result_name=service_item.result_name,
        )
    return lines
