"""The elements of a service guide (办事指南基本要素, seed 003 附件2 一) and the builder of a guide's content.

`ELEMENTS` is the one ordered table: which element the full guide (完整版) and the simple guide (简版) carry, and which
the completeness check requires before a one-thing may be published. `build_guide` turns a one-thing version into a
JSON-able dict (frozen in a GuideSnapshot when the version is published); templates render it generically, block by
block, so a published guide never depends on the live catalog.

Content of each element is a list of blocks:
  {"type": "text", "text": str}                         a paragraph (line breaks kept)
  {"type": "list", "items": [str]}                      a bulleted list
  {"type": "steps", "items": [str]}                     a numbered list
  {"type": "fields", "rows": [[label, value]]}          a definition list
  {"type": "table", "title": str, "columns": [str], "rows": [[str]]}
  {"type": "records", "records": [{"title": str, "rows": [[label, value]]}]}
  {"type": "qa", "items": [{"q": str, "a": str}]}
  {"type": "svg", "svg": str}                           the flowchart (markup from guides.flowchart)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from catalog.choices import DeliveryMethod
from catalog.models import OneThing, OneThingItem
from core.qr import public_url
from workcalendar.services import office_hours_text

GUIDE_FORMAT = 1  # bump when the content's shape changes; templates can tell old snapshots apart


@dataclass(frozen=True)
class Element:
    key: str
    label: Promise  # the label in the standard (gettext_lazy, English msgid)
    in_full: bool
    in_simple: bool
    required: bool  # the full guide may not be published without it
    simple_label: Promise | None = None  # where the simple guide's element is named differently

    def label_for(self, variant: str) -> str:
        return str(self.simple_label if variant == "simple" and self.simple_label else self.label)


E = Element

# Element labels carry the translation context "guide element": they are the standard's wording.
ELEMENTS: tuple[Element, ...] = (
    E(
        "name",
        pgettext_lazy("guide element", "One-thing name and code"),
        True,
        True,
        True,
        pgettext_lazy("guide element", "One-thing name"),
    ),
    E(
        "items",
        pgettext_lazy("guide element", "Co-handled items and codes"),
        True,
        True,
        True,
        pgettext_lazy("guide element", "Co-handled items"),
    ),
    E("lead", pgettext_lazy("guide element", "Lead department"), True, False, True),
    E("departments", pgettext_lazy("guide element", "Co-handling departments"), True, False, True),
    E("service_object", pgettext_lazy("guide element", "Service object"), True, True, True),
    E("legal_basis", pgettext_lazy("guide element", "Legal basis"), True, False, True),
    E("level", pgettext_lazy("guide element", "Level of exercise"), True, True, True),
    E("conditions", pgettext_lazy("guide element", "Acceptance conditions"), True, False, True),
    E("materials", pgettext_lazy("guide element", "Application materials"), True, True, True),
    E("intermediary", pgettext_lazy("guide element", "Intermediary services"), True, False, True),
    E("method", pgettext_lazy("guide element", "How to apply"), True, True, True),
    E(
        "process",
        pgettext_lazy("guide element", "Procedure (including special steps)"),
        True,
        True,
        True,
        pgettext_lazy("guide element", "Procedure"),
    ),
    E(
        "results",
        pgettext_lazy("guide element", "Results (names and samples)"),
        True,
        True,
        True,
        pgettext_lazy("guide element", "Result names"),
    ),
    E("time_limit", pgettext_lazy("guide element", "Promised time limit"), True, True, True),
    E(
        "fees",
        pgettext_lazy("guide element", "Fees (standard and basis)"),
        True,
        True,
        True,
        pgettext_lazy("guide element", "Fee information"),
    ),
    E("delivery", pgettext_lazy("guide element", "How results are delivered"), True, True, True),
    E("remedies", pgettext_lazy("guide element", "Administrative remedies"), True, False, True),
    E("consultation", pgettext_lazy("guide element", "Consultation"), True, True, True),
    E("complaints", pgettext_lazy("guide element", "Supervision and complaints"), True, True, True),
    E("enquiry", pgettext_lazy("guide element", "Progress and result enquiry"), True, True, True),
    E("special_notes", pgettext_lazy("guide element", "Special notes"), True, True, True),
    E(
        "application_form",
        pgettext_lazy("guide element", "Application form (sample) and model text"),
        True,
        False,
        True,
    ),
    E("commitment", pgettext_lazy("guide element", "Commitment letter (sample) and model text"), True, False, False),
    E("flowchart", pgettext_lazy("guide element", "Flowchart"), True, False, True),
    E("common_mistakes", pgettext_lazy("guide element", "Common mistakes"), True, False, True),
    E("faq", pgettext_lazy("guide element", "Frequently asked questions"), True, False, True),
    E(
        "form_download",
        pgettext_lazy("guide element", "Where to download the application form (sample) and model text"),
        False,
        True,
        True,
    ),
)
del E
ELEMENT_BY_KEY = {e.key: e for e in ELEMENTS}


def elements_for(variant: str) -> list[Element]:
    """The elements of the full ("full") or simple ("simple") guide, in the standard's order."""
    if variant == "simple":
        return [e for e in ELEMENTS if e.in_simple]
    return [e for e in ELEMENTS if e.in_full]


# ---------------------------------------------------------------------------------------------------------- helpers


def _text(text: str) -> list[dict]:
    text = (text or "").strip()
    return [{"type": "text", "text": text}] if text else []


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _days(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return _("On the spot")
    return _("%(d)s working days") % {"d": days}


def _fee(amount: Decimal | None, basis: str) -> str:
    if amount is None:
        return _("Free of charge") if "不收费" in (basis or "") else ""
    if amount == 0:
        return _("Free of charge")
    return _("%(amount)s yuan") % {"amount": f"{amount:.2f}".rstrip("0").rstrip(".")}


def _guide_path(one_thing: OneThing, variant: str = "full") -> str:
    name = "guides:version" if variant == "full" else "guides:version_simple"
    return reverse(name, kwargs={"code": one_thing.code, "version": one_thing.version})


EXAMPLES = {
    # 填写示范 by data element type (the values are the demo applicants' fictional data, see README)
    "id_number": gettext_lazy("18-digit citizen ID number, e.g. 410721199003070010"),
    "credit_code": gettext_lazy("18-character unified social credit code, e.g. 91410721MA44XJ2R3B"),
    "phone": gettext_lazy("11-digit mobile number, e.g. 13800000001"),
    "date": gettext_lazy("Year-month-day, e.g. 2026-03-07"),
    "address": gettext_lazy("Province, city, county, township, street and number"),
    "integer": gettext_lazy("A whole number in Arabic numerals"),
    "decimal": gettext_lazy("A number in Arabic numerals"),
    "boolean": gettext_lazy("Tick yes or no"),
    "email": gettext_lazy("E-mail address, e.g. name@example.com"),
    "text": gettext_lazy("Write it out in full"),
    "string": gettext_lazy("As on the certificate or document"),
}


# ---------------------------------------------------------------------------------------------------------- builder


class _Builder:
    def __init__(self, one_thing: OneThing) -> None:
        self.ot = one_thing
        self.items: list[OneThingItem] = list(
            one_thing.items.select_related("service_item", "department")
            .prefetch_related("prerequisites__service_item", "supporting_departments", "service_item__materials")
            .order_by("order", "pk")
        )
        self.missing: list[str] = []
        self.full: dict[str, list[dict]] = {}
        self.simple: dict[str, list[dict]] = {}

    def need(self, key: str, ok: bool) -> None:
        if not ok and key not in self.missing:
            self.missing.append(key)

    # -- the elements, in the standard's order
    def name(self) -> None:
        ot = self.ot
        self.full["name"] = [
            {
                "type": "fields",
                "rows": [
                    [_("Name"), ot.name],
                    [_("Code"), ot.code],
                    [_("Version"), f"v{ot.version}"],
                    [_("Region"), ot.region.full_name],
                ],
            }
        ] + _text(ot.summary)
        self.simple["name"] = [{"type": "text", "text": ot.name}]
        self.need("name", bool(ot.name and ot.code))

    def items_(self) -> None:
        rows = [
            [
                str(i),
                it.service_item.name,
                it.service_item.code,
                it.service_item.get_kind_display() or "—",
                it.department.name,
                _("Yes") if it.mandatory else _("Depending on the situation"),
            ]
            for i, it in enumerate(self.items, 1)
        ]
        columns = [_("No."), _("Item"), _("Item code"), _("Kind"), _("Department"), _("Mandatory")]
        self.full["items"] = [{"type": "table", "columns": columns, "rows": rows}] if rows else []
        self.simple["items"] = (
            [{"type": "list", "items": [f"{it.service_item.name}（{it.department.name}）" for it in self.items]}]
            if self.items
            else []
        )
        self.need("items", bool(self.items))

    def lead(self) -> None:
        lead = self.ot.lead_department
        self.full["lead"] = _text(lead.name if lead else "")
        self.need("lead", lead is not None)

    def departments(self) -> None:
        names: list[str] = []
        for it in self.items:
            for d in [it.department, *it.supporting_departments.all()]:
                if d.name not in names:
                    names.append(d.name)
        self.full["departments"] = [{"type": "list", "items": names}] if names else []
        self.need("departments", bool(names))

    def service_object(self) -> None:
        self.full["service_object"] = _text(self.ot.service_object)
        self.need("service_object", bool(self.ot.service_object.strip()))

    def legal_basis(self) -> None:
        basis = [str(b) for b in self.ot.legal_basis or [] if str(b).strip()]
        blocks: list[dict] = [{"type": "list", "items": basis}] if basis else []
        rows = [[it.service_item.name, it.service_item.legal_basis] for it in self.items if it.service_item.legal_basis]
        if rows:
            blocks.append(
                {
                    "type": "table",
                    "title": _("Basis of each item"),
                    "columns": [_("Item"), _("Legal basis")],
                    "rows": rows,
                }
            )
        self.full["legal_basis"] = blocks
        self.need("legal_basis", bool(basis))

    def level(self) -> None:
        levels = [
            (it.service_item.name, it.get_level_display() or it.service_item.get_level_display()) for it in self.items
        ]
        distinct = list(dict.fromkeys(level for _name, level in levels if level))
        blocks: list[dict] = _text("、".join(distinct))
        if len(distinct) > 1:
            blocks.append({"type": "list", "items": [f"{name}：{level or '—'}" for name, level in levels]})
        self.full["level"] = blocks
        self.need("level", bool(levels) and all(level for _name, level in levels))

    def conditions(self) -> None:
        blocks = _text(self.ot.conditions)
        rows = [[it.service_item.name, it.service_item.conditions] for it in self.items if it.service_item.conditions]
        if rows:
            blocks.append(
                {
                    "type": "table",
                    "title": _("Conditions of each item"),
                    "columns": [_("Item"), _("Conditions")],
                    "rows": rows,
                }
            )
        self.full["conditions"] = blocks
        self.need("conditions", bool(self.ot.conditions.strip()))

    def materials(self) -> None:
        records = []
        simple: dict[int, dict] = {}  # one set of materials: each material type once
        for it in self.items:
            for m in it.service_item.materials.all():
                copies = (
                    _("%(n)s paper copies, A4") % {"n": m.paper_copies}
                    if m.paper_copies
                    else _("No paper copy (the original is checked, or the electronic version is used)")
                )
                notes = [m.note] if m.note else []
                if m.licence_type:
                    notes.append(
                        _("Not needed when the e-licence “%(licence)s” is found") % {"licence": m.licence_type}
                    )
                records.append(
                    {
                        "title": f"{m.name}（{it.service_item.name}）",
                        "rows": [
                            [_("Necessity"), m.get_requirement_display()],
                            [_("Basis"), m.basis or "—"],
                            [_("Type and format"), f"{m.get_form_display()}"],
                            [_("Source"), m.get_source_display()],
                            [_("Acceptance standard"), m.standard or "—"],
                            [_("Paper copies and size"), copies],
                            [_("Accepted while missing (容缺)"), _("Yes") if m.deferrable else _("No")],
                            [_("Written commitment instead (告知承诺)"), _("Yes") if m.commitment_allowed else _("No")],
                            [_("Further notes"), "；".join(notes) or "—"],
                        ],
                    }
                )
                entry = simple.setdefault(m.material_type_id, {"name": m.name, "required": False})
                entry["required"] = entry["required"] or m.requirement == "required"
        self.full["materials"] = [{"type": "records", "records": records}] if records else []
        self.simple["materials"] = (
            [
                {
                    "type": "steps",
                    "items": [
                        e["name"] + ("" if e["required"] else _("(depending on the situation)"))
                        for e in sorted(simple.values(), key=lambda e: not e["required"])
                    ],
                },
                {
                    "type": "text",
                    "text": _("One set of materials: a material needed by several items is handed in once."),
                },
            ]
            if simple
            else []
        )
        self.need("materials", bool(records))

    def intermediary(self) -> None:
        self.full["intermediary"] = _text(self.ot.intermediary_services)
        self.need("intermediary", bool(self.ot.intermediary_services.strip()))

    def method(self) -> None:
        ot = self.ot
        online = _("Online: the “one-thing” column of this platform, %(url)s") % {"url": public_url("/")}
        offline = _("In person: %(address)s") % {"address": ot.address} if ot.address else ""
        rows = [
            [_("Ways to apply"), "；".join(x for x in [online, offline] if x)],
            [_("Address"), ot.address],
            # the hours the clocks count (settings.OFFICE_HOURS); the one-thing's own text as a note beside them
            [_("Office hours"), office_hours_text()],
        ]
        if ot.hours.strip():
            rows.append([_("Notes on office hours"), ot.hours])
        self.full["method"] = [{"type": "fields", "rows": rows}]
        self.need("method", bool(ot.address.strip()))

    def process(self) -> None:
        steps = [
            _("Consultation: ask at the hall's consultation desk, by phone or through the platform's assistant."),
            _(
                "Submission: apply online or at the one-thing window with one form and one set of materials; "
                "materials that are incomplete are told to you all at once, and a receipt is issued once they are "
                "complete."
            ),
            _("Acceptance and review: the window forwards the case to every co-handling department at the same time."),
        ]
        order = self._order_text()
        if order:
            steps.append(order)
        steps.append(_("Completion: the results are delivered together in the way you chose."))
        blocks: list[dict] = [{"type": "steps", "items": steps}]
        special = self.ot.special_steps.strip()
        if special:
            blocks.append({"type": "fields", "rows": [[_("Special steps"), special]]})
        self.full["process"] = blocks
        headings = [step.split("：")[0].split(": ")[0] for step in steps if step != order]
        self.simple["process"] = [{"type": "text", "text": "→".join(headings)}] + _text(order)
        self.need("process", bool(self.items) and bool(special))

    def _order_text(self) -> str:
        parts = []
        for it in self.items:
            pres = [p.service_item.name for p in it.prerequisites.all()]
            if pres:
                parts.append(
                    _("“%(item)s” starts once “%(pre)s” is done")
                    % {"item": it.service_item.name, "pre": "”“".join(pres)}
                )
        if not parts:
            return _("Departments handle every item in parallel.") if self.items else ""
        return _("Departments handle the items in parallel, except: %(order)s.") % {"order": "；".join(parts)}

    def results(self) -> None:
        rows = [
            [
                it.service_item.name,
                it.service_item.result_name,
                it.service_item.get_result_kind_display() or "—",
                it.service_item.result_sample,
            ]
            for it in self.items
        ]
        columns = [_("Item"), _("Result"), _("Kind"), _("Sample")]
        self.full["results"] = [{"type": "table", "columns": columns, "rows": rows}] if rows else []
        names = [r[1] for r in rows if r[1]]
        self.simple["results"] = [{"type": "text", "text": "；".join(names)}] if names else []
        self.need("results", bool(rows) and all(r[1] and r[3] for r in rows))

    def time_limit(self) -> None:
        from catalog.services import combined_promised_days

        days = [it.effective_promised_days for it in self.items]
        ok = bool(days) and all(d is not None for d in days)
        blocks: list[dict] = []
        if ok:
            total = combined_promised_days(self.ot)
            blocks.append(
                {
                    "type": "text",
                    "text": _("%(days)s in all, counted from acceptance (items without prerequisites run in parallel).")
                    % {"days": _days(total)},
                }
            )
            self.simple["time_limit"] = list(blocks)
        rows = [
            [it.service_item.name, _days(it.service_item.legal_days) or "—", _days(it.effective_promised_days) or "—"]
            for it in self.items
        ]
        if rows:
            blocks.append(
                {"type": "table", "columns": [_("Item"), _("Legal limit"), _("Promised limit")], "rows": rows}
            )
        self.full["time_limit"] = blocks
        self.need("time_limit", ok)

    def fees(self) -> None:
        rows = [
            [
                it.service_item.name,
                _fee(it.service_item.fee_amount, it.service_item.fee_basis),
                it.service_item.fee_basis,
            ]
            for it in self.items
        ]
        ok = bool(rows) and all(r[1] for r in rows)
        blocks: list[dict] = []
        if ok and all(r[1] == _("Free of charge") for r in rows):
            blocks.append({"type": "text", "text": _("Every item is free of charge.")})
            self.simple["fees"] = list(blocks)
        else:
            self.simple["fees"] = [{"type": "list", "items": [f"{r[0]}：{r[1] or '—'}" for r in rows]}]
        if rows:
            blocks.append({"type": "table", "columns": [_("Item"), _("Fee"), _("Basis")], "rows": rows})
        self.full["fees"] = blocks
        self.need("fees", ok)

    def delivery(self) -> None:
        labels = [
            str(DeliveryMethod(m).label) if m in DeliveryMethod.values else str(m) for m in self.ot.delivery_methods
        ]
        self.full["delivery"] = [{"type": "text", "text": "、".join(labels)}] if labels else []
        self.need("delivery", bool(labels))

    def remedies(self) -> None:
        self.full["remedies"] = _text(self.ot.remedies)
        self.need("remedies", bool(self.ot.remedies.strip()))

    def consultation(self) -> None:
        ot = self.ot
        rows = [[_("Phone"), ot.phone]] if ot.phone else []
        if ot.address:
            rows.append([_("At the hall"), ot.address])
        rows.append([_("Online consultation"), public_url(reverse("guidance:guide", kwargs={"code": ot.code}))])
        rows.append([_("Hotline"), _("12345 government service hotline")])
        self.full["consultation"] = [{"type": "fields", "rows": rows}]
        self.need("consultation", bool(ot.phone.strip()))

    def complaints(self) -> None:
        ot = self.ot
        rows = [[_("Complaints phone"), ot.complaint_phone]] if ot.complaint_phone else []
        rows.append([_("Hotline"), _("12345 government service hotline")])
        rows.append([_("On site"), _("The “difficulties” window (办不成事反映窗口) of the government service centre")])
        self.full["complaints"] = [{"type": "fields", "rows": rows}]
        self.need("complaints", bool(ot.complaint_phone.strip()))

    def enquiry(self) -> None:
        self.full["enquiry"] = _text(self.ot.enquiry)
        self.need("enquiry", bool(self.ot.enquiry.strip()))

    def special_notes(self) -> None:
        ot = self.ot
        rows = [
            [_("Appointment required"), _yes_no(ot.appointment_required)],
            [_("Applicant must come in person"), _yes_no(ot.in_person_required)],
            [_("All parties must be present"), _yes_no(ot.all_parties_present)],
            [_("Photos"), ot.photo_note or _("No photo is needed.")],
        ]
        if ot.special_notes:
            rows.append([_("Other notes"), ot.special_notes])
        stated = None not in (ot.appointment_required, ot.in_person_required, ot.all_parties_present)
        self.full["special_notes"] = [{"type": "fields", "rows": rows}] if stated else []
        self.need("special_notes", stated)

    def application_form(self) -> None:
        from oneform.services import merge_form

        form = merge_form(self.ot, self.items) if self.items else None
        blocks: list[dict] = []
        for section in form.sections if form else []:
            rows = []
            for f in section.fields:
                example = EXAMPLES.get(f.type, EXAMPLES["string"])
                if f.choices:
                    example = _("One of: %(choices)s") % {"choices": "、".join(f.choices)}
                rows.append([f.label, _("Required field") if f.required else _("Optional field"), str(example)])
            blocks.append(
                {
                    "type": "table",
                    "title": str(section.title),
                    "columns": [_("Field"), _("Required or optional"), _("How to fill it in")],
                    "rows": rows,
                }
            )
        if blocks:
            blocks.insert(
                0,
                {
                    "type": "text",
                    "text": _(
                        "One form for every item (一表申请): each piece of information is asked once; fields the "
                        "platform can fill from shared data are filled in for you online."
                    ),
                },
            )
        self.full["application_form"] = blocks
        self.need("application_form", bool(blocks))

    def commitment(self) -> None:
        from materials.services import COMMITMENT_CONSEQUENCES

        commit, defer = [], []
        for it in self.items:
            for m in it.service_item.materials.all():
                if m.commitment_allowed:
                    commit.append(f"{m.name}（{it.service_item.name}）")
                if m.deferrable:
                    defer.append(f"{m.name}（{it.service_item.name}）")
        blocks: list[dict] = []
        if commit:
            blocks.append(
                {
                    "type": "table",
                    "title": _("Materials a written commitment may replace"),
                    "columns": [_("Material")],
                    "rows": [[c] for c in commit],
                }
            )
            blocks.append(
                {
                    "type": "text",
                    "text": _(
                        "Model text: I, ____________ (ID number ____________________), have been told what "
                        "“____________” must prove, and I commit that I meet that condition."
                    ),
                }
            )
        if defer:
            blocks.append(
                {
                    "type": "table",
                    "title": _("Materials that may be handed in later (容缺受理)"),
                    "columns": [_("Material")],
                    "rows": [[d] for d in defer],
                }
            )
            blocks.append(
                {
                    "type": "text",
                    "text": _(
                        "Model text: I, ____________, apply to be accepted while “____________” is missing and commit "
                        "to hand it in by ____ (the date on the receipt); if I do not, the case stops and I bear the "
                        "consequences."
                    ),
                }
            )
        if blocks:
            blocks.append(
                {
                    "type": "steps",
                    "title": _("Consequences of an untrue commitment, told before you sign"),
                    "items": [str(c) for c in COMMITMENT_CONSEQUENCES],
                }
            )
            blocks.append({"type": "text", "text": _("Signature: ____________    Date: ______ year ___ month ___ day")})
        else:
            blocks.append(
                {
                    "type": "text",
                    "text": _(
                        "Not applicable: no material of this one-thing is accepted while missing or replaced by a commitment."
                    ),
                }
            )
        self.full["commitment"] = blocks

    def flowchart(self) -> None:
        from .flowchart import flowchart_svg

        svg = str(flowchart_svg(self.ot)) if self.items else ""
        self.full["flowchart"] = [{"type": "svg", "svg": svg}] if svg.strip() else []
        self.need("flowchart", bool(svg.strip()))

    def common_mistakes(self) -> None:
        rows = [
            [str(m.get("wrong") or ""), str(m.get("right") or "")]
            for m in self.ot.common_mistakes or []
            if isinstance(m, dict)
        ]
        self.full["common_mistakes"] = (
            [{"type": "table", "columns": [_("Common mistake"), _("What to do instead")], "rows": rows}] if rows else []
        )
        self.need("common_mistakes", bool(rows))

    def faq(self) -> None:
        qa = [{"q": f.question, "a": f.answer} for f in self.ot.faqs.all()]
        self.full["faq"] = [{"type": "qa", "items": qa}] if qa else []
        self.need("faq", bool(qa))

    def form_download(self) -> None:
        path = _guide_path(self.ot)
        pdf = reverse("guides:version_pdf", kwargs={"code": self.ot.code, "version": self.ot.version})
        self.simple["form_download"] = [
            {
                "type": "fields",
                "rows": [
                    [_("Web page"), public_url(path) + "#application_form"],
                    [_("PDF"), public_url(pdf)],
                ],
            }
        ]

    def build(self) -> dict[str, Any]:
        for e in ELEMENTS:
            getattr(self, "items_" if e.key == "items" else e.key)()
        for key, blocks in self.full.items():
            if ELEMENT_BY_KEY[key].in_simple:
                self.simple.setdefault(key, blocks)
        required = [e.key for e in ELEMENTS if e.required and e.in_full]
        ot = self.ot
        return {
            "format": GUIDE_FORMAT,
            "code": ot.code,
            "version": ot.version,
            "name": ot.name,
            "region": ot.region.full_name,
            "published_at": ot.published_at.isoformat() if ot.published_at else None,
            "full": self.full,
            "simple": self.simple,
            "missing": [k for k in required if k in self.missing],
        }


def build_guide(one_thing: OneThing) -> dict[str, Any]:
    """The guide content of a one-thing version, in the site language (what a GuideSnapshot freezes)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _Builder(one_thing).build()


def missing_keys(one_thing: OneThing) -> list[str]:
    return build_guide(one_thing)["missing"]


def missing_elements(one_thing: OneThing) -> list[str]:
    """Labels of the required elements the one-thing's full guide lacks (the completeness check); [] if complete."""
    return [str(ELEMENT_BY_KEY[k].label) for k in missing_keys(one_thing)]
