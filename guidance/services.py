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
    A use of a material by an item is active when the item lists it as required, or as situational and a chosen
    option requires that material type. A chosen option's `exempt_materials` removes the type altogether.
    A type with active uses is needed; it is exempt when the applicant holds an e-licence that replaces it
    (MaterialType.licence_type or ItemMaterial.licence_type) or when a shared-data source that supplies it is
    connected (MaterialType.shared_source); otherwise it is to be submitted.
    A type whose uses are all situational and not triggered is "not needed" when an answered question has an
    option that would have required it (the answer decided), else "conditional": the notice lists it with the
    items' notes (e.g. 委托他人办理时提供).
    容缺 (deferrable) and 告知承诺 (commitment) hold for a merged material only when every item needing it
    allows it; the items that allow it are listed either way.

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

from catalog.choices import DataSource, DeliveryMethod, MaterialRequirement
from catalog.models import ItemMaterial, OneThing, OneThingItem, Option, Question
from core.errors import UserFacingError
from core.graphs import critical_path_days

from .choices import ExemptionKind, ItemState, MaterialStatus


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
        return ItemState(self.state).label

    @property
    def state_colour(self) -> str:
        return ItemState.colour(self.state)


@dataclass
class MaterialUse:
    """One item's requirement of a material."""

    item: str
    name: str
    requirement: str  # MaterialRequirement
    basis: str
    form: str  # display label
    copies: int
    standard: str
    note: str
    deferrable: bool
    commitment_allowed: bool


@dataclass(frozen=True)
class Exemption:
    kind: str  # ExemptionKind
    detail: str  # the e-licence type, or the label of the shared-data source

    @property
    def label(self) -> str:
        return ExemptionKind(self.kind).label


@dataclass
class MaterialLine:
    key: str
    name: str  # the material type's name
    status: str  # MaterialStatus
    required: bool  # an item requires it (必要), as opposed to needed because of the situation (情形要件)
    uses: list[MaterialUse]  # the active uses; every use for conditional and not-needed materials
    because: list[str] = field(default_factory=list)  # labels of the chosen options that require / remove it
    exemption: Exemption | None = None
    licence_types: list[str] = field(default_factory=list)  # e-licences that can replace it
    shared_source: str = ""  # DataSource value that can supply it

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(u.name for u in self.uses))

    @property
    def title(self) -> str:
        """The items' own name when they agree on one (户外招牌安全管理承诺书), else the type's (申请表)."""
        names = self.names
        return names[0] if len(names) == 1 else self.name

    @property
    def other_names(self) -> list[str]:
        return [n for n in self.names if n != self.title] if len(self.names) > 1 else []

    @property
    def items(self) -> list[str]:
        return list(dict.fromkeys(u.item for u in self.uses))

    @property
    def deferrable(self) -> bool:
        return bool(self.uses) and all(u.deferrable for u in self.uses)

    @property
    def deferrable_for(self) -> list[str]:
        return list(dict.fromkeys(u.item for u in self.uses if u.deferrable))

    @property
    def commitment_allowed(self) -> bool:
        return bool(self.uses) and all(u.commitment_allowed for u in self.uses)

    @property
    def commitment_for(self) -> list[str]:
        return list(dict.fromkeys(u.item for u in self.uses if u.commitment_allowed))

    @property
    def forms(self) -> list[str]:
        """Form and paper copies, each combination once (原件 ×1, 电子材料)."""
        return list(dict.fromkeys(f"{u.form} ×{u.copies}" if u.copies else u.form for u in self.uses))

    @property
    def notes(self) -> list[str]:
        return list(dict.fromkeys(u.note for u in self.uses if u.note))

    @property
    def shared_source_label(self) -> str:
        return DataSource(self.shared_source).label if self.shared_source in DataSource.values else ""

    @property
    def status_colour(self) -> str:
        return MaterialStatus.colour(self.status)


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
        return [m for m in self.materials if m.status == MaterialStatus.SUBMIT]

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
            if m.status in (MaterialStatus.SUBMIT, MaterialStatus.EXEMPT):
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

    materials, uses_before = _material_lines(selected, questions, chosen, held, sources)

    durations = {it.pk: it.effective_promised_days or 0 for it in selected}
    edges = {it.pk: [p.pk for p in it.prerequisites.all() if p.pk in selected_pks] for it in selected}
    combined = critical_path_days(durations, edges)

    fees = [FeeLine(it.service_item.name, it.service_item.fee_amount, it.service_item.fee_basis) for it in selected]
    needed = [m for m in materials if m.status in (MaterialStatus.SUBMIT, MaterialStatus.EXEMPT)]
    figures = Figures(
        items=len(selected),
        departments=len({it.department_id for it in selected}),
        materials_before=uses_before,
        materials_after=len(needed),
        materials_to_submit=sum(1 for m in needed if m.status == MaterialStatus.SUBMIT),
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
            DeliveryMethod(m).label if m in DeliveryMethod.values else str(m) for m in one_thing.delivery_methods
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


def _use(item: OneThingItem, m: ItemMaterial) -> MaterialUse:
    return MaterialUse(
        item=item.service_item.name,
        name=m.name,
        requirement=m.requirement,
        basis=m.basis,
        form=m.get_form_display(),
        copies=m.paper_copies,
        standard=m.standard,
        note=m.note,
        deferrable=m.deferrable,
        commitment_allowed=m.commitment_allowed,
    )


def _material_lines(
    selected: list[OneThingItem],
    questions: list[Question],
    chosen: dict[str, Option],
    held: frozenset[str],
    sources: frozenset[str],
) -> tuple[list[MaterialLine], int]:
    """The one set of materials over the selected items, and the count of active uses (materials before)."""
    requiring: dict[int, list[str]] = {}  # material type pk -> labels of chosen options requiring it
    removing: dict[int, list[str]] = {}
    for o in chosen.values():
        for mt in o.require_materials.all():
            requiring.setdefault(mt.pk, []).append(o.label)
        for mt in o.exempt_materials.all():
            removing.setdefault(mt.pk, []).append(o.label)
    decided: dict[int, list[str]] = {}  # type pk -> chosen labels of answered questions that could have required it
    for q in questions:
        if q.key not in chosen:
            continue
        for o in q.options.all():
            for mt in o.require_materials.all():
                decided.setdefault(mt.pk, []).append(chosen[q.key].label)

    grouped: dict[int, list[tuple[OneThingItem, ItemMaterial]]] = {}
    for it in selected:
        for m in it.service_item.materials.all():
            grouped.setdefault(m.material_type_id, []).append((it, m))

    lines: list[MaterialLine] = []
    uses_before = 0
    for type_pk, pairs in grouped.items():
        mtype = pairs[0][1].material_type
        licence_types = list(dict.fromkeys(t for t in [mtype.licence_type, *(m.licence_type for _i, m in pairs)] if t))
        line = MaterialLine(
            key=mtype.key,
            name=mtype.name,
            status=MaterialStatus.SUBMIT,
            required=any(m.requirement == MaterialRequirement.REQUIRED for _i, m in pairs),
            uses=[],
            licence_types=licence_types,
            shared_source=mtype.shared_source,
        )
        all_uses = [_use(it, m) for it, m in pairs]
        active = [
            _use(it, m) for it, m in pairs if m.requirement == MaterialRequirement.REQUIRED or type_pk in requiring
        ]
        if type_pk in removing:
            line.status, line.uses, line.because = MaterialStatus.NOT_NEEDED, all_uses, removing[type_pk]
        elif active:
            uses_before += len(active)
            line.uses = active
            line.because = requiring.get(type_pk, [])
            held_here = [t for t in licence_types if t in held]
            if held_here:
                line.status, line.exemption = MaterialStatus.EXEMPT, Exemption(ExemptionKind.E_LICENCE, held_here[0])
            elif mtype.shared_source and mtype.shared_source in sources:
                line.status = MaterialStatus.EXEMPT
                line.exemption = Exemption(ExemptionKind.SHARED_DATA, str(line.shared_source_label))
        elif type_pk in decided:
            line.status, line.uses, line.because = (
                MaterialStatus.NOT_NEEDED,
                all_uses,
                list(dict.fromkeys(decided[type_pk])),
            )
        else:
            line.status, line.uses = MaterialStatus.CONDITIONAL, all_uses
        lines.append(line)
    order = list(MaterialStatus.values)
    lines.sort(key=lambda m: (order.index(m.status), not m.required))  # stable: first appearance within a group
    return lines, uses_before
