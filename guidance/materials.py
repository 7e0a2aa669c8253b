"""The one materials rule (一套材料): which material the applicant supplies, and why not where they do not.

`material_lines` decides, for the items handled and the answers that count, one status per material type; the notice
(guidance.services.build_notice), the materials page and the submission check (materials.services.notice_for_draft)
and the case (cases.services.do_submit_case: CaseMaterial rows and the `requirements` snapshot that the window review
and the receipt read) all take it from there. Nothing else decides a material's status.

A use (one item's requirement of a material) is active when the item lists it as required, or as situational and a
chosen option requires that material type (授权委托书 when someone else files). A chosen option's `exempt_materials`
removes the type altogether (NOT_NEEDED). Over the active uses of a type, in this order:

PRODUCED   every active use is by an item other than one handled in the same case whose result is this material
           (ServiceItem.result_material): "由本件事中的「X」办结后共享", not asked.
PUSHED     every active use is marked `provided_by: push` (e.g. 疫苗接种记录 from the hospital): not asked.
GENERATED  every active use is `provided_by: form` (申请表 from the one form): signed, not uploaded.
           (Active uses covered by different ones of these three: the first that covers any of them, in this order.)
EXEMPT     the applicant holds an e-licence that replaces it, or a shared-data source that supplies it is connected.
DEFERRABLE every item needing it allows 容缺: to upload, or supplied after acceptance; labelled, never starred.
SUBMIT     otherwise: to upload, starred; submission is refused without it (or a commitment where allowed).

A type without active uses is NOT_NEEDED when an answered question has an option that would have required it (the
answer decided), else CONDITIONAL ("to upload if it applies": offered, not required, never starred).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from catalog.choices import DataSource, MaterialProvider, MaterialRequirement
from catalog.models import ItemMaterial, OneThingItem, Option, Question

from .choices import ExemptionKind, MaterialStatus

# what the applicant does about a status
TO_UPLOAD = (MaterialStatus.SUBMIT, MaterialStatus.DEFERRABLE)  # supplies it (or 容缺 / commitment)
UPLOADABLE = (*TO_UPLOAD, MaterialStatus.CONDITIONAL)  # the materials page offers an upload
PROVIDED = (  # needed, and not from the applicant
    MaterialStatus.EXEMPT,
    MaterialStatus.GENERATED,
    MaterialStatus.PRODUCED,
    MaterialStatus.PUSHED,
)
NEEDED = (*TO_UPLOAD, *PROVIDED)  # a case keeps a CaseMaterial row for these


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
    provided_by: str = MaterialProvider.APPLICANT
    item_pk: int | None = None


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
    produced_by: list[str] = field(default_factory=list)  # PRODUCED: the items of the case whose result it is

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
    def standards(self) -> list[str]:
        return list(dict.fromkeys(u.standard for u in self.uses if u.standard))

    @property
    def shared_source_label(self) -> str:
        return DataSource(self.shared_source).label if self.shared_source in DataSource.values else ""

    @property
    def status_label(self) -> str:
        return MaterialStatus(self.status).label

    @property
    def status_colour(self) -> str:
        return MaterialStatus.colour(self.status)

    @property
    def starred(self) -> bool:
        """Marked required (*): only what submission refuses to go without. 容缺 and 'if it applies' never are."""
        return self.status == MaterialStatus.SUBMIT

    @property
    def to_upload(self) -> bool:
        return self.status in TO_UPLOAD

    @property
    def uploadable(self) -> bool:
        return self.status in UPLOADABLE

    @property
    def detail(self) -> str:
        """Why the applicant does (not) supply it, in the words every page shows."""
        if self.status == MaterialStatus.GENERATED:
            return _("Generated from your one form (一表申请); you sign it, nothing to upload")
        if self.status == MaterialStatus.PRODUCED:
            return _("Shared when “%(items)s” of this one-thing is done") % {"items": "」「".join(self.produced_by)}
        if self.status == MaterialStatus.PUSHED:
            return _("Pushed by the department or institution concerned; nothing to upload")
        if self.status == MaterialStatus.EXEMPT and self.exemption is not None:
            detail = self.exemption.detail
            if self.exemption.kind == ExemptionKind.SHARED_DATA:
                detail = self.shared_source_label or detail
            return f"{self.exemption.label}：{detail}"
        if self.status == MaterialStatus.DEFERRABLE:
            return _("May be supplied after acceptance (容缺), by the date the window sets")
        if self.status == MaterialStatus.CONDITIONAL:
            return "；".join(self.notes) or _("Upload it if it applies to you")
        if self.status == MaterialStatus.NOT_NEEDED:
            return "；".join(self.because)
        return ""


def use_of(item: OneThingItem, m: ItemMaterial) -> MaterialUse:
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
        provided_by=m.provided_by,
        item_pk=item.pk,
    )


def material_lines(
    selected: list[OneThingItem],
    questions: list[Question],
    chosen: dict[str, Option],
    held: frozenset[str],
    sources: frozenset[str],
) -> tuple[list[MaterialLine], int]:
    """The one set of materials over the selected items with one status each (see the module doc), and the count
    of active uses (materials before merging)."""
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
    producers: dict[str, list[OneThingItem]] = {}  # material type key -> selected items whose result it is
    for it in selected:
        if it.service_item.result_material:
            producers.setdefault(it.service_item.result_material, []).append(it)

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
        all_uses = [use_of(it, m) for it, m in pairs]
        active = [
            use_of(it, m) for it, m in pairs if m.requirement == MaterialRequirement.REQUIRED or type_pk in requiring
        ]
        if type_pk in removing:
            line.status, line.uses, line.because = MaterialStatus.NOT_NEEDED, all_uses, removing[type_pk]
        elif active:
            uses_before += len(active)
            line.uses = active
            line.because = requiring.get(type_pk, [])
            _decide(line, active, producers.get(mtype.key, []), held, sources)
        elif type_pk in decided:
            line.status, line.uses, line.because = (
                MaterialStatus.NOT_NEEDED,
                all_uses,
                list(dict.fromkeys(decided[type_pk])),
            )
        else:
            line.status, line.uses = MaterialStatus.CONDITIONAL, all_uses
        lines.append(line)
    lines.sort(key=lambda m: (_rank(m.status), not m.required))  # stable: first appearance within a group
    return lines, uses_before


def _rank(status: str) -> int:
    """Page order: what the applicant supplies, what is supplied for them, what only some need, what nobody does."""
    if status in TO_UPLOAD:
        return 0
    if status in PROVIDED:
        return 1
    return 2 if status == MaterialStatus.CONDITIONAL else 3


def _decide(
    line: MaterialLine,
    active: list[MaterialUse],
    producers: list[OneThingItem],
    held: frozenset[str],
    sources: frozenset[str],
) -> None:
    """The status of a material with active uses: who covers each use, else exemption, 容缺, to submit."""
    covers: list[str | None] = []
    for use in active:
        if any(p.pk != use.item_pk for p in producers):
            covers.append(MaterialStatus.PRODUCED)
        elif use.provided_by == MaterialProvider.PUSH:
            covers.append(MaterialStatus.PUSHED)
        elif use.provided_by == MaterialProvider.FORM:
            covers.append(MaterialStatus.GENERATED)
        else:
            covers.append(None)
    if all(covers):
        for status in (MaterialStatus.PRODUCED, MaterialStatus.PUSHED, MaterialStatus.GENERATED):
            if status in covers:
                line.status = status
                break
        if line.status == MaterialStatus.PRODUCED:
            using = {u.item_pk for u in active}
            line.produced_by = [p.service_item.name for p in producers if p.pk not in using] or [
                p.service_item.name for p in producers
            ]
        return
    held_here = [t for t in line.licence_types if t in held]
    if held_here:
        line.status, line.exemption = MaterialStatus.EXEMPT, Exemption(ExemptionKind.E_LICENCE, held_here[0])
    elif line.shared_source and line.shared_source in sources:
        line.status = MaterialStatus.EXEMPT
        line.exemption = Exemption(ExemptionKind.SHARED_DATA, str(line.shared_source_label))
    elif line.deferrable:
        line.status = MaterialStatus.DEFERRABLE
    else:
        line.status = MaterialStatus.SUBMIT
