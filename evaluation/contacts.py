"""The contacts of a case an applicant may rate (一次一评, 一事一评), derived from the case's events.

| contact | key | happened | responsible department (谁办理、谁负责) |
|---|---|---|---|
| formal review and intake at the window | intake | the receipt (RECEIVE) | the region's centre (ADMIN_APPROVAL: the window's department), else the lead department |
| each department's acceptance and decision | item:<pk> | the item's decision (APPROVE_ITEM, DENY_ITEM, REFUSE_ITEM) | the item's department |
| delivery of the results | delivery | the first DELIVER | the region's centre (the certificate window), else the lead department |
| the whole one-thing (一事一评) | whole | the case ended (completed, partly completed, not accepted, withdrawn) | the one-thing's lead department |

A contact that has not happened yet is not offered and cannot be rated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.choices import OPEN_CASE_STATUSES, CaseAction
from cases.models import Case, CaseEvent
from regions.models import Department

from .choices import ContactKind

CENTRE_CODE = "ADMIN_APPROVAL"  # the 政务服务中心 / 行政审批服务局 the window and the certificate window work in
DECISIONS = (CaseAction.APPROVE_ITEM, CaseAction.DENY_ITEM, CaseAction.REFUSE_ITEM)
INTAKE, DELIVERY, WHOLE = "intake", "delivery", "whole"


@dataclass(frozen=True)
class Contact:
    key: str
    kind: str
    label: str  # what the applicant is told they rate
    at: dt.datetime
    item_id: int | None = None
    department: Department | None = None

    @property
    def kind_label(self) -> str:
        return str(ContactKind(self.kind).label)


def item_key(item_id: int) -> str:
    return f"item:{item_id}"


def centre_of(case: Case) -> Department | None:
    return Department.objects.filter(region_id=case.region_id, code=CENTRE_CODE).first()


def contacts_of(case: Case, events: list[CaseEvent] | None = None) -> list[Contact]:
    """Every contact of `case` that has happened, in the order it happened."""
    if events is None:
        events = list(case.events.order_by("at", "id"))
    lead = case.one_thing.lead_department
    centre = centre_of(case) or lead
    items = {i.pk: i for i in case.items.select_related("department")}
    found: list[Contact] = []
    seen: set[str] = set()
    for e in events:
        if e.action == CaseAction.RECEIVE and INTAKE not in seen:
            seen.add(INTAKE)
            found.append(Contact(INTAKE, ContactKind.INTAKE, _("Formal review and intake at the window"), e.at,
                                 department=centre))  # fmt: skip
        elif e.action in DECISIONS and e.item_id in items and item_key(e.item_id) not in seen:
            item = items[e.item_id]
            seen.add(item_key(item.pk))
            label = _("%(department)s: acceptance and decision of “%(item)s”") % {
                "department": item.department,
                "item": item.name,
            }
            found.append(Contact(item_key(item.pk), ContactKind.ITEM, label, e.at, item.pk, item.department))
        elif e.action == CaseAction.DELIVER and DELIVERY not in seen:
            seen.add(DELIVERY)
            found.append(Contact(DELIVERY, ContactKind.DELIVERY, _("Delivery of the results"), e.at,
                                 department=centre))  # fmt: skip
    if case.status not in OPEN_CASE_STATUSES:
        ended = [e for e in events if e.item_id is None and e.to_status == case.status != e.from_status]
        at = ended[-1].at if ended else case.updated_at
        found.append(Contact(WHOLE, ContactKind.WHOLE, _("The whole one-thing: %(name)s") % {"name": case.one_thing.name},
                             at, department=lead))  # fmt: skip
    found.sort(key=lambda c: c.at)
    return found


def find_contact(case: Case, key: str) -> Contact | None:
    return next((c for c in contacts_of(case) if c.key == key), None)
