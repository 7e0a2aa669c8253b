"""The departments' work on a case's items (后台分类审批): one function per change, as in cases.services.

Each `do_*` locks the case, then the item (always in that order, as withdrawal does, so two changes of one case
never deadlock), checks rules.ITEM_ALLOWED_ACTIONS, writes a CaseEvent for the item, re-derives the case status
and tells the applicant after commit. Two reviewers deciding the same item at once: the second waits for the
first's lock, then finds the item decided and is refused with who decided it.

Prerequisites (前后置): an item whose prerequisites are not all approved is accepted into pre-review (容缺预审);
when the last prerequisite is approved the platform pushes the result (RELEASE) and the item becomes decidable,
due by the next working day at the latest. A prerequisite refused, denied, stopped or withdrawn stops every item
that depends on it, transitively; the other items go on (partial failure), and the applicant is told which.

Clocks in working days (workcalendar): acceptance due 1 working day after distribution; the decision due the item's
promised working days after acceptance, counted from the day after; a supplement request pauses the clock and
resuming adds the working days paused.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import StaffRole
from accounts.models import User
from accounts.permissions import may
from cases import rules as case_rules
from cases.choices import ENDED_ITEM_STATUSES, CaseAction, ItemStatus
from cases.kernel import Actor, lock_case, record_event
from cases.models import Case, CaseEvent, CaseItem, SupplementAnswer
from cases.rules import CASE, MATERIAL
from cases.services import derive_status
from core.errors import ConflictError, UserFacingError
from workcalendar.clocks import clock_state
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from . import rules

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
DECIDING_ROLES = frozenset({StaffRole.REVIEWER, StaffRole.LEAD})

# Hooks other apps register (results: e-licences, delivery), run with the item just decided inside the decision's
# transaction, as cases.services.ON_DISTRIBUTED is run inside the distribution's: whole or nothing — a hook that fails
# undoes the decision, and nothing of it is left half-written (docs/architecture.md, "Whole or nothing").
ON_APPROVED: list[Callable[[CaseItem], None]] = []  # 准予
ON_REFUSED_OR_DENIED: list[Callable[[CaseItem], None]] = []  # 不予受理 / 不予许可 (its dependants may have stopped)


# ---------------------------------------------------------------- who may act


def departments_of(user: User, roles: Iterable[str] = DECIDING_ROLES) -> set[int]:
    """Ids of the departments in which the user holds one of `roles`."""
    if not user.is_authenticated:
        return set()
    return {a.department_id for a in user.roles.all() if a.role in set(roles) and a.department_id is not None}


def _check_decider(user: User | None, item: CaseItem) -> None:
    if not may(user, "task.decide", item):
        raise UserFacingError(_("Only staff of %(department)s can act on this item.") % {"department": item.department})


# ---------------------------------------------------------------- helpers


def _lock(item: CaseItem) -> tuple[Case, CaseItem]:
    case = lock_case(item.case_id, related=("region", "one_thing", "applicant"))
    item = (
        CaseItem.objects.select_for_update(of=("self",))
        .order_by()
        .select_related("department", "decided_by")
        .get(pk=item.pk)
    )
    item.case = case  # the locked row, read once: what the action calls reads it from here
    return case, item


def _record(
    case: Case,
    item: CaseItem,
    action: str,
    actor: Actor,
    before: str,
    *,
    summary: str,
    internal_note: str = "",
    detail: dict | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """An item's event: from `before` to the item's status now, with the item's name in the detail."""
    return record_event(
        case,
        action,
        actor,
        item=item,
        from_status=before,
        to_status=item.status,
        summary=summary,
        internal_note=internal_note,
        detail={"item": item.name, **(detail or {})},
        at=at,
    )


def _refresh_case_status(case: Case, actor: Actor) -> None:
    items = list(case.items.all())
    status = derive_status(case, items)
    if status == case.status:
        return
    before = CASE.move(case, CaseAction.ITEM, status)
    case.save(update_fields=["status", "updated_at"])
    record_event(
        case,
        CaseAction.ITEM,
        actor,
        from_status=before,
        to_status=status,
        summary=_("Case status: %(status)s.") % {"status": case.get_status_display()},
    )


def _tell(case: Case, kind: str, item: CaseItem | None = None) -> None:
    from . import notify

    notify.tell_applicant(case, kind, item)  # in the change's transaction: the outbox row is part of it


def _text(value: str) -> str:
    return (value or "").strip()[:MAX_TEXT]


def _decision_due(calendar: WorkingCalendar, start: dt.date, days: int | None) -> dt.date | None:
    try:
        return calendar.add_workdays(start, days or 0)
    except CalendarNotConfigured:
        logger.warning("Decision deadline unknown: working calendar not configured")
        return None


def _start(item: CaseItem, action: str, acting_user: User | None, *, check_user: bool = True) -> tuple[Case, CaseItem]:
    case, item = _lock(item)
    case_rules.check_allowed(case.status, CaseAction.ITEM)
    if check_user:
        _check_decider(acting_user, item)
    if item.status in ENDED_ITEM_STATUSES and item.decided_by is not None:
        raise ConflictError(
            _("%(who)s already decided this item (%(status)s) at %(when)s.")
            % {
                "who": item.decided_by,
                "status": item.get_status_display(),
                "when": timezone.localtime(item.decided_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    rules.check_allowed(item.status, action)
    return case, item


# ---------------------------------------------------------------- distribution


def on_case_distributed(case: Case) -> None:
    """After a case reached the departments' queues (cases.services.ON_DISTRIBUTED): tell each department."""
    from . import notify

    notify.tell_departments(case.pk)


# ---------------------------------------------------------------- acceptance


@transaction.atomic
def do_accept_item(item: CaseItem, *, acting_user: User, ip: str | None = None) -> CaseItem:
    """受理: the item's clock starts; an item whose prerequisites are pending goes to pre-review (容缺预审)."""
    case, item = _start(item, CaseAction.ACCEPT_ITEM, acting_user)
    now = timezone.now()
    calendar = WorkingCalendar()
    pending = [p for p in item.prerequisites.all() if p.status != ItemStatus.APPROVED]
    before = item.status
    item.accepted_at = now
    item.decision_due_on = _decision_due(calendar, timezone.localtime(now).date(), item.promised_days)
    if item.assignee_id is None:
        item.assignee = acting_user
    if pending:
        rules.ITEM.move(item, CaseAction.ACCEPT_ITEM, ItemStatus.PRE_REVIEW)
        action = CaseAction.PRE_REVIEW_ITEM
        summary = _("%(item)s accepted; pre-review while waiting for %(prerequisites)s.") % {
            "item": item.name,
            "prerequisites": "、".join(p.name for p in pending),
        }
    else:
        rules.ITEM.move(item, CaseAction.ACCEPT_ITEM, ItemStatus.ACCEPTED)
        action = CaseAction.ACCEPT_ITEM
        summary = _("%(item)s accepted by %(department)s; decision due %(due)s.") % {
            "item": item.name,
            "department": item.department,
            "due": item.decision_due_on.isoformat() if item.decision_due_on else "—",
        }
    item.clock_flag = ""
    item.save()
    due = item.decision_due_on.isoformat() if item.decision_due_on else None
    actor = Actor(acting_user, ip, "department")
    _record(case, item, action, actor, before, summary=summary, detail={"decision_due": due}, at=now)
    _refresh_case_status(case, Actor(acting_user, ip, "department"))
    _tell(case, "item.accepted", item)
    return item


@transaction.atomic
def do_refuse_item(item: CaseItem, reasons: str, *, acting_user: User, ip: str | None = None) -> CaseItem:
    """不予受理 with the reasons (不予受理决定书); items depending on it stop."""
    reasons = _text(reasons)
    if not reasons:
        raise UserFacingError(_("State the reasons for not accepting."))
    case, item = _start(item, CaseAction.REFUSE_ITEM, acting_user)
    return _end(case, item, ItemStatus.REFUSED, CaseAction.REFUSE_ITEM, reasons, "", acting_user, ip)


# ---------------------------------------------------------------- decision


class ApprovalNeedsConfirmation(UserFacingError):
    """Approving now skips something the item was waiting for; the reviewer confirms with a reason."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(
            _("Approve anyway? %(warnings)s Give the reason to approve now; it is recorded.")
            % {"warnings": "；".join(warnings) + "。"}
        )
        self.warnings = warnings


def approval_warnings(item: CaseItem) -> list[str]:
    """What approving the item now would skip: a joint inspection of it booked but not held, a 容缺 material it
    needs that is still to be supplied."""
    from cases.choices import MaterialState

    from .choices import InspectionStatus
    from .models import JointInspection

    warnings = [
        _("the joint inspection of %(when)s at %(place)s has not been held")
        % {"when": timezone.localtime(i.scheduled_at).strftime("%Y-%m-%d %H:%M"), "place": i.place}
        for i in JointInspection.objects.filter(items=item, status=InspectionStatus.PLANNED).order_by("scheduled_at")
    ]
    for material in item.case.materials.filter(state=MaterialState.DEFERRED).order_by("order", "id"):
        if item.name in (material.items or []):
            warnings.append(
                _("the material “%(name)s” (容缺) is still to be supplied by %(due)s")
                % {"name": material.name, "due": material.deferred_until or "—"}
            )
    return warnings


class ProducedValuesInvalid(UserFacingError):
    """A value the item's result produces is missing or not valid; `errors` by data element key."""

    def __init__(self, errors: dict[str, str], labels: dict[str, str]) -> None:
        super().__init__("；".join(f"{labels.get(key, key)}：{message}" for key, message in errors.items()))
        self.errors = errors


def produced_fields(item: CaseItem) -> list:
    """The values the item's result produces (ServiceItem.result_produces, e.g. 出生医学证明编号), which the
    department enters when it approves: the applicant was not asked for them, the case's other items use them."""
    from catalog.models import DataElement
    from oneform.services import element_field

    keys = list(item.service_item.result_produces or [])
    if not keys:
        return []
    elements = {e.key: e for e in DataElement.objects.filter(key__in=keys)}
    return [element_field(elements[k], produced_by=item.name) for k in keys if k in elements]


def _produced_values(fields: list, given: Mapping[str, Any]) -> dict[str, str]:
    """The produced values as entered, each checked like a form field; ProducedValuesInvalid when not all are."""
    from oneform.services import check_value

    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for f in fields:
        value = str(given.get(f.key) or "").strip()
        message = check_value(f, value) if value else str(_("This field is required."))
        if message:
            errors[f.key] = message
        values[f.key] = value
    if errors:
        raise ProducedValuesInvalid(errors, {f.key: str(f.label) for f in fields})
    return values


def _users_of(case: Case, keys: Iterable[str]) -> list[str]:
    """The case's items that use these values (as filed: requirements.fields), in the case's order."""
    wanted = set(keys)
    names: list[str] = []
    for f in (case.requirements or {}).get("fields", []):
        if f.get("key") in wanted:
            names.extend(n for n in f.get("used_by") or [] if n not in names)
    return names


@transaction.atomic
def do_approve_item(
    item: CaseItem,
    *,
    result_number: str = "",
    valid_until: dt.date | None = None,
    confirm_reason: str = "",
    produced_values: Mapping[str, Any] | None = None,
    acting_user: User,
    ip: str | None = None,
) -> CaseItem:
    """准予: the result (licence number, validity); items waiting for this result are released. When approving
    now skips a booked joint inspection or an outstanding 容缺 material (approval_warnings), the reviewer must
    confirm with a reason (ApprovalNeedsConfirmation otherwise); the event records both. The values the result
    produces (produced_fields) are required and go into the case's values, for the items that use them."""
    case, item = _start(item, CaseAction.APPROVE_ITEM, acting_user)
    now = timezone.now()
    if valid_until is not None and valid_until <= timezone.localdate(now):
        raise UserFacingError(_("The validity must end after today."))
    to_produce = produced_fields(item)
    produced = _produced_values(to_produce, produced_values or {})
    warnings = approval_warnings(item)
    confirm_reason = _text(confirm_reason)
    if warnings and not confirm_reason:
        raise ApprovalNeedsConfirmation(warnings)
    if produced:
        case.values = {**(case.values or {}), **produced}
        case.save(update_fields=["values"])
    before = rules.ITEM.move(item, CaseAction.APPROVE_ITEM, ItemStatus.APPROVED)
    item.decided_at, item.decided_by = now, acting_user
    item.result_number = _text(result_number)[:60]
    item.result_valid_until = valid_until
    item.save()
    actor = Actor(acting_user, ip, "department")
    _record(
        case,
        item,
        CaseAction.APPROVE_ITEM,
        actor,
        before,
        summary=_("%(item)s approved.") % {"item": item.name}
        + (_(" Result number %(number)s.") % {"number": item.result_number} if item.result_number else "")
        + (
            _(" Approved although %(warnings)s, because: %(reason)s")
            % {"warnings": "；".join(warnings), "reason": confirm_reason}
            if warnings
            else ""
        )
        + (
            _(" Entered %(fields)s, for %(items)s.")
            % {
                "fields": "、".join(str(f.label) for f in to_produce),
                "items": "、".join(_users_of(case, produced)) or _("the case's record"),
            }
            if produced
            else ""
        ),
        detail={
            "result_number": item.result_number,
            "valid_until": valid_until.isoformat() if valid_until else None,
            **({"confirmed_despite": warnings, "confirm_reason": confirm_reason} if warnings else {}),
            **({"produced": sorted(produced)} if produced else {}),  # the keys: the values stay in the case
        },
        at=now,
    )
    _release_dependants(case, item, now)
    _refresh_case_status(case, actor)
    _tell(case, "item.approved", item)
    for hook in ON_APPROVED:
        hook(item)  # in the same transaction: the e-licence and the result announcement stand or fall with it
    return item


@transaction.atomic
def do_deny_item(
    item: CaseItem, reasons: str, *, remedies: str = "", acting_user: User, ip: str | None = None
) -> CaseItem:
    """不予许可, with the reasons and the remedies (行政复议、行政诉讼); items depending on it stop."""
    reasons = _text(reasons)
    if not reasons:
        raise UserFacingError(_("State the reasons for the denial."))
    case, item = _start(item, CaseAction.DENY_ITEM, acting_user)
    return _end(
        case, item, ItemStatus.DENIED, CaseAction.DENY_ITEM, reasons, _text(remedies) or str(rules.DEFAULT_REMEDIES),
        acting_user, ip,
    )  # fmt: skip


def _end(
    case: Case,
    item: CaseItem,
    status: str,
    action: str,
    reasons: str,
    remedies: str,
    acting_user: User,
    ip: str | None,
) -> CaseItem:
    now = timezone.now()
    before = rules.ITEM.move(item, action, status)
    item.decided_at, item.decided_by = now, acting_user
    item.reasons, item.remedies = reasons, remedies
    item.paused_at = None
    item.save()
    actor = Actor(acting_user, ip, "department")
    verb = _("not accepted") if status == ItemStatus.REFUSED else _("denied")
    _record(
        case,
        item,
        action,
        actor,
        before,
        summary=_("%(item)s %(verb)s: %(reasons)s") % {"item": item.name, "verb": verb, "reasons": reasons},
        detail={"reasons": reasons, "remedies": remedies},
        at=now,
    )
    stopped = _stop_dependants(case, item, now)
    _release_deferrals(case, actor, now)
    _refresh_case_status(case, actor)
    _tell(case, "item.refused" if status == ItemStatus.REFUSED else "item.denied", item)
    if stopped:
        _tell(case, "item.stopped", item)
    for hook in ON_REFUSED_OR_DENIED:
        hook(item)  # in the same transaction
    return item


# An item that ended without a result no longer needs the 容缺 materials it was waiting for.
_ENDED_WITHOUT_RESULT = frozenset({ItemStatus.REFUSED, ItemStatus.DENIED, ItemStatus.STOPPED, ItemStatus.WITHDRAWN})


def _release_deferrals(case: Case, actor: Actor, now) -> None:
    """A 容缺 obligation ends when every item the material served ended without a result (refused, denied,
    stopped): the material is no longer owed, and the timeline says so."""
    from cases.choices import MaterialState

    ended = {i.name for i in case.items.all() if i.status in _ENDED_WITHOUT_RESULT}
    for material in case.materials.filter(state=MaterialState.DEFERRED).order_by("order", "id"):
        served = set(material.items or [])
        if served and served <= ended:
            MATERIAL.move(material, CaseAction.RELEASE_DEFERRAL, MaterialState.RELEASED, attr="state")
            material.save(update_fields=["state", "updated_at"])
            record_event(
                case,
                CaseAction.RELEASE_DEFERRAL,
                actor,
                from_status=case.status,
                to_status=case.status,
                summary=_("“%(material)s” is no longer to be supplied: %(items)s ended.")
                % {"material": material.name, "items": "、".join(sorted(served))},
                detail={"material": material.material_type.key},
                at=now,
            )


def _dependants(case: Case) -> dict[int, list[CaseItem]]:
    """prerequisite id -> the case's items that depend on it (locked)."""
    items = {i.pk: i for i in case.items.select_for_update().order_by()}
    through = CaseItem.prerequisites.through.objects.filter(from_caseitem__case=case)
    result: dict[int, list[CaseItem]] = {}
    for row in through:
        result.setdefault(row.to_caseitem_id, []).append(items[row.from_caseitem_id])
    return result


def _stop_dependants(case: Case, failed: CaseItem, now: dt.datetime) -> list[CaseItem]:
    """Stop every open item that depends on `failed`, transitively; the others go on."""
    by_prerequisite = _dependants(case)
    stopped: list[CaseItem] = []
    frontier = [failed]
    system = Actor(None, None, "system")
    while frontier:
        current = frontier.pop()
        for dependant in by_prerequisite.get(current.pk, []):
            if dependant.status in ENDED_ITEM_STATUSES:
                continue
            before = rules.ITEM.move(dependant, CaseAction.STOP_ITEM, ItemStatus.STOPPED)
            dependant.decided_at = now
            dependant.reasons = _("Its prerequisite “%(item)s” did not go through.") % {"item": failed.name}
            dependant.paused_at = None
            dependant.save()
            _record(
                case,
                dependant,
                CaseAction.STOP_ITEM,
                system,
                before,
                summary=_("%(item)s stopped: its prerequisite “%(prerequisite)s” did not go through.")
                % {"item": dependant.name, "prerequisite": failed.name},
                at=now,
            )
            stopped.append(dependant)
            frontier.append(dependant)
    return stopped


def _release_dependants(case: Case, approved: CaseItem, now: dt.datetime) -> None:
    """Push the result to items in pre-review whose prerequisites are now all approved (审批结果互通)."""
    calendar = WorkingCalendar()
    system = Actor(None, None, "system")
    for dependant in _dependants(case).get(approved.pk, []):
        if dependant.status != ItemStatus.PRE_REVIEW:
            continue
        if any(p.status != ItemStatus.APPROVED for p in dependant.prerequisites.all()):
            continue
        before = rules.ITEM.move(dependant, CaseAction.RELEASE_ITEM, ItemStatus.ACCEPTED)
        soon = _decision_due(calendar, timezone.localtime(now).date(), rules.DECISION_AFTER_RELEASE_WORKDAYS)
        if soon is not None and (dependant.decision_due_on is None or dependant.decision_due_on < soon):
            dependant.decision_due_on = soon
        dependant.save()
        _record(
            case,
            dependant,
            CaseAction.RELEASE_ITEM,
            system,
            before,
            summary=_("The result of “%(prerequisite)s” reached %(item)s; it can now be decided.")
            % {"prerequisite": approved.name, "item": dependant.name},
            detail={
                "prerequisite": approved.name,
                "result_number": approved.result_number,
                "decision_due": dependant.decision_due_on.isoformat() if dependant.decision_due_on else None,
            },
            at=now,
        )


# ---------------------------------------------------------------- inside the department


@transaction.atomic
def do_request_supplement(item: CaseItem, reason: str, *, acting_user: User, ip: str | None = None) -> CaseItem:
    """Ask the applicant for a supplement: the clock pauses, with the reason (补充材料，暂停计时)."""
    reason = _text(reason)
    if not reason:
        raise UserFacingError(_("Say what the applicant must supply."))
    case, item = _start(item, CaseAction.PAUSE_ITEM, acting_user)
    now = timezone.now()
    before = rules.ITEM.move(item, CaseAction.PAUSE_ITEM, ItemStatus.SUPPLEMENT)
    item.paused_at, item.pause_reason = now, reason
    item.save()
    _record(
        case,
        item,
        CaseAction.PAUSE_ITEM,
        Actor(acting_user, ip, "department"),
        before,
        summary=_("%(item)s: please supply %(reason)s; the time limit is paused.")
        % {"item": item.name, "reason": reason},
        at=now,
    )
    _refresh_case_status(case, Actor(acting_user, ip, "department"))
    _tell(case, "item.supplement", item)
    return item


@transaction.atomic
def do_resume_item(item: CaseItem, *, acting_user: User, ip: str | None = None) -> CaseItem:
    """The supplement arrived: the clock resumes and the deadline moves by the working days paused."""
    case, item = _start(item, CaseAction.RESUME_ITEM, acting_user)
    return _resume(case, item, Actor(acting_user, ip, "department"))


MAX_REPLY = 2000


@transaction.atomic
def do_answer_supplement(
    item: CaseItem, reply: str, uploaded_file=None, *, acting_user: User, ip: str | None = None
) -> SupplementAnswer:
    """The applicant answers a request for a supplement (补充材料) from their case page, with a reply, a file or
    both: the answer is kept for the department and the item's clock resumes at once (as do_resume_item)."""
    from materials.services import check_file

    reply = " ".join((reply or "").split())[:MAX_REPLY] if reply else ""
    checked = check_file(uploaded_file) if uploaded_file is not None else None  # refused before anything is written
    if not reply and checked is None:
        raise UserFacingError(_("Write a reply or choose a file: the department needs one of them."))
    case, item = _start(item, CaseAction.RESUME_ITEM, acting_user, check_user=False)
    if acting_user is None or acting_user.pk != case.applicant_id:
        raise UserFacingError(_("Only the applicant can answer this request."))
    answer = SupplementAnswer(
        item=item,
        request_reason=item.pause_reason,
        reply=reply,
        answered_at=timezone.now(),
        answered_by=acting_user,
    )
    if checked is not None:
        answer.file = checked.as_file()
        answer.original_name, answer.content_type = checked.name, checked.content_type
        answer.size, answer.sha256 = checked.size, checked.sha256
    answer.save()
    _resume(case, item, Actor(acting_user, ip, "online"), answer=answer)
    from . import notify

    notify.tell_department_supplement(item.pk)  # a site message: a row of this same change
    return answer


def _resume(case: Case, item: CaseItem, actor: Actor, *, answer: SupplementAnswer | None = None) -> CaseItem:
    now = timezone.now()
    calendar = WorkingCalendar()
    paused_from = timezone.localtime(item.paused_at).date()
    try:
        paused_days = calendar.workdays_between(paused_from, timezone.localtime(now).date())
    except CalendarNotConfigured:
        paused_days = 0
    before_due = item.decision_due_on
    if item.decision_due_on is not None and paused_days:
        item.decision_due_on = _decision_due(calendar, item.decision_due_on, paused_days) or item.decision_due_on
    before = rules.ITEM.move(item, CaseAction.RESUME_ITEM, ItemStatus.ACCEPTED)
    item.paused_workdays += paused_days
    item.paused_at = None
    item.clock_flag = ""
    item.save()
    summary = _("%(item)s: supplement received; paused %(days)d working day(s), decision now due %(due)s.") % {
        "item": item.name,
        "days": paused_days,
        "due": item.decision_due_on or "—",
    }
    if answer is not None:
        summary = _("The applicant answered the request for a supplement. ") + summary
    _record(
        case,
        item,
        CaseAction.RESUME_ITEM,
        actor,
        before,
        summary=summary,
        detail={
            "paused_workdays": paused_days,
            "due_before": before_due.isoformat() if before_due else None,
            "due_after": item.decision_due_on.isoformat() if item.decision_due_on else None,
            **({"answer": answer.pk, "file": answer.has_file} if answer is not None else {}),
        },
        at=now,
    )
    _refresh_case_status(case, actor)
    return item


@transaction.atomic
def do_assign_item(item: CaseItem, assignee: User, *, acting_user: User, ip: str | None = None) -> CaseItem:
    """分派 / 改派 to a reviewer of the item's department."""
    case, item = _start(item, CaseAction.ASSIGN_ITEM, acting_user)
    if item.department_id not in departments_of(assignee):
        raise UserFacingError(
            _("%(user)s does not work in %(department)s.") % {"user": assignee, "department": item.department}
        )
    before_assignee = str(item.assignee) if item.assignee_id else ""
    item.assignee = assignee
    item.save(update_fields=["assignee", "updated_at"])
    _record(
        case,
        item,
        CaseAction.ASSIGN_ITEM,
        Actor(acting_user, ip, "department"),
        item.status,
        summary=_("%(item)s assigned.") % {"item": item.name},
        internal_note=_("From %(before)s to %(after)s.") % {"before": before_assignee or "—", "after": assignee},
        detail={"before": before_assignee, "after": str(assignee)},
    )
    return item


@transaction.atomic
def do_urge_item(item: CaseItem, note: str, *, acting_user: User, ip: str | None = None) -> CaseItem:
    """催办 by a supervisor, the lead department or the window: recorded and sent to the department."""
    case, item = _lock(item)
    if not may(acting_user, "task.urge", item):
        raise UserFacingError(_("Only supervisors, the lead department or the window can urge."))
    rules.check_allowed(item.status, CaseAction.URGE_ITEM)
    now = timezone.now()
    item.urged_at = now
    item.save(update_fields=["urged_at", "updated_at"])
    _record(
        case,
        item,
        CaseAction.URGE_ITEM,
        Actor(acting_user, ip, "supervision"),
        item.status,
        summary="",
        internal_note=_text(note) or _("Please decide within the time limit."),
        at=now,
    )
    from . import notify

    notify.tell_department_urged(item.pk, _text(note))
    return item


# ---------------------------------------------------------------- deadline scan


def acceptance_warning() -> dt.timedelta:
    """How long before the acceptance limit an item turns 预警 (settings.CLOCK_WARNING_ACCEPTANCE_WORKING_MINUTES)."""
    return dt.timedelta(minutes=settings.CLOCK_WARNING_ACCEPTANCE_WORKING_MINUTES)


def item_clock(item: CaseItem, now: dt.datetime, calendar: WorkingCalendar):
    """The clock that matters for the item now: acceptance while queued, the decision once accepted."""
    if item.status == ItemStatus.QUEUED:
        return clock_state(item.acceptance_due_at, now=now, warn_before=acceptance_warning(), calendar=calendar)
    if item.status in (ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW):
        return clock_state(item.decision_due_on, now=now, calendar=calendar)
    if item.status == ItemStatus.SUPPLEMENT:
        return clock_state(item.decision_due_on, now=item.paused_at or now, paused=True, calendar=calendar)
    return None


def scan_deadlines(now: dt.datetime | None = None) -> dict[str, int]:
    """Record each open item turning 预警 or 超期 once (an event and a notice to its department): approvals.scans,
    which selects in SQL what may need a flag and locks only the items it flags, skipping those a reviewer holds."""
    from .scans import scan_deadlines as scan

    return scan(now)


# ---------------------------------------------------------------- joint inspection (联合勘验/评审)


def _check_organiser(user: User | None, case: Case) -> None:
    if not may(user, "inspection.organise", case):
        raise UserFacingError(
            _("Only the lead department (%(department)s) can organise a joint inspection of this case.")
            % {"department": case.one_thing.lead_department or "—"}
        )


def _check_inspection_time(scheduled_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """In the future, on a working day, within office hours (the inspection is done in working time)."""
    if scheduled_at is None:
        raise UserFacingError(_("Choose the date and time of the inspection."))
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    scheduled_at = timezone.localtime(scheduled_at)
    if scheduled_at <= now:
        raise UserFacingError(_("The inspection must be scheduled in the future."))
    calendar = WorkingCalendar()
    day = scheduled_at.date()
    if not calendar.is_workday(day):  # CalendarNotConfigured is a UserFacingError too
        raise UserFacingError(_("%(day)s is not a working day.") % {"day": day.isoformat()})
    spans = calendar.office_spans(day)
    if not any(opens <= scheduled_at < closes for opens, closes in spans):
        hours = "、".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in spans)
        raise UserFacingError(_("Schedule the inspection within office hours (%(hours)s).") % {"hours": hours})
    return scheduled_at


@transaction.atomic
def do_book_inspection(
    case: Case,
    items: Iterable[CaseItem],
    scheduled_at: dt.datetime | None,
    place: str,
    *,
    note: str = "",
    acting_user: User,
    ip: str | None = None,
):
    """联合勘验/评审: the lead department books one on-site inspection for several open items of the case."""
    from .models import JointInspection

    case = lock_case(case)
    _check_organiser(acting_user, case)
    case_rules.check_allowed(case.status, CaseAction.ITEM)
    wanted = {i if isinstance(i, int) else i.pk for i in items}
    if not wanted:
        raise UserFacingError(_("Choose the items to inspect."))
    chosen = list(case.items.filter(pk__in=wanted).order_by("order", "id"))
    if len(chosen) != len(wanted):
        raise UserFacingError(_("Only items of this case can be inspected."))
    ended = [i.name for i in chosen if i.status in ENDED_ITEM_STATUSES or i.status == ItemStatus.AWAITING_RECEIPT]
    if ended:
        raise ConflictError(
            _("These items are not open, so they cannot be inspected: %(items)s.") % {"items": "、".join(ended)}
        )
    place = _text(place)[:200]
    if not place:
        raise UserFacingError(_("State where the inspection takes place."))
    now = timezone.now()
    scheduled_at = _check_inspection_time(scheduled_at, now)
    lead = case.one_thing.lead_department
    assert lead is not None  # _check_organiser: only a lead department organises
    inspection = JointInspection.objects.create(
        case=case,
        organised_by=lead,
        scheduled_at=scheduled_at,
        place=place,
        note=_text(note),
        created_by=acting_user,
        created_at=now,
    )
    inspection.items.set(chosen)
    names = "、".join(i.name for i in chosen)
    when = scheduled_at.strftime("%Y-%m-%d %H:%M")
    record_event(
        case,
        CaseAction.BOOK_INSPECTION,
        Actor(acting_user, ip, "department"),
        at=now,
        from_status=case.status,
        to_status=case.status,
        summary=_("Joint inspection of %(items)s on %(when)s at %(place)s.")
        % {"items": names, "when": when, "place": place},
        internal_note=inspection.note,
        detail={
            "inspection": inspection.pk,
            "items": [i.name for i in chosen],
            "scheduled_at": scheduled_at.isoformat(),
        },
    )
    from . import notify

    notify.tell_applicant_inspection(inspection.pk)
    return inspection


def _lock_inspection(inspection):
    """The inspection's case, then the inspection, locked in that order (as every case change locks)."""
    from .models import JointInspection

    case = lock_case(inspection.case_id)
    return case, JointInspection.objects.select_for_update().order_by().get(pk=inspection.pk)


@transaction.atomic
def do_record_inspection_outcome(
    inspection,
    outcomes: dict[int, tuple[str, str]],
    *,
    acting_user: User,
    ip: str | None = None,
):
    """The result of a joint inspection for every one of its items at once ({item pk: (result, note)}); it is done.

    A failed item or one needing rectification needs a note saying why; the departments then decide their items."""
    from .choices import InspectionResult, InspectionStatus
    from .models import InspectionOutcome

    case, inspection = _lock_inspection(inspection)
    _check_organiser(acting_user, case)
    if inspection.status != InspectionStatus.PLANNED:
        raise ConflictError(
            _("This inspection is “%(status)s”; its outcome cannot be recorded now.")
            % {"status": inspection.get_status_display()}
        )
    now = timezone.now()
    if now < inspection.scheduled_at:
        raise ConflictError(
            _("The inspection is scheduled for %(when)s; record its outcome once it has taken place.")
            % {"when": timezone.localtime(inspection.scheduled_at).strftime("%Y-%m-%d %H:%M")}
        )
    items = list(inspection.items.order_by("order", "id"))
    given = {int(pk): value for pk, value in outcomes.items()}
    unknown = set(given) - {i.pk for i in items}
    if unknown:
        raise UserFacingError(_("Only the items of this inspection can be given a result."))
    problems = []
    rows = []
    for item in items:
        result, note = given.get(item.pk, ("", ""))
        note = _text(note)
        if result not in InspectionResult.values:
            problems.append(_("%(item)s: choose a result.") % {"item": item.name})
        elif result != InspectionResult.PASS and not note:
            problems.append(_("%(item)s: say what failed or must be put right.") % {"item": item.name})
        else:
            rows.append(InspectionOutcome(inspection=inspection, item=item, result=result, note=note))
    if problems:
        raise UserFacingError(" ".join(problems))
    InspectionOutcome.objects.bulk_create(rows)
    rules.INSPECTION.move(inspection, CaseAction.RECORD_INSPECTION, InspectionStatus.DONE)
    inspection.recorded_by, inspection.recorded_at = acting_user, now
    inspection.save(update_fields=["status", "recorded_by", "recorded_at"])
    summary = "；".join(
        f"{row.item.name}：{InspectionResult(row.result).label}" + (f"（{row.note}）" if row.note else "")
        for row in rows
    )
    record_event(
        case,
        CaseAction.RECORD_INSPECTION,
        Actor(acting_user, ip, "department"),
        at=now,
        from_status=case.status,
        to_status=case.status,
        summary=_("Joint inspection outcome: %(outcome)s.") % {"outcome": summary},
        detail={"inspection": inspection.pk, "outcomes": {row.item.name: [row.result, row.note] for row in rows}},
    )
    return inspection


@transaction.atomic
def do_cancel_inspection(
    inspection,
    reason: str,
    *,
    acting_user: User | None,
    ip: str | None = None,
    channel: str = "department",
):
    """Call off a planned joint inspection, with the reason; the applicant is told. The lead department does it,
    or the system when the case is withdrawn (acting_user None). A held or cancelled inspection stays as it is."""
    from .choices import InspectionStatus

    case, inspection = _lock_inspection(inspection)
    if acting_user is not None:
        _check_organiser(acting_user, case)
    if inspection.status != InspectionStatus.PLANNED:
        raise ConflictError(
            _("This inspection is “%(status)s”; it can no longer be cancelled.")
            % {"status": inspection.get_status_display()}
        )
    reason = _text(reason)
    if not reason:
        raise UserFacingError(_("Say why the inspection is cancelled."))
    now = timezone.now()
    rules.INSPECTION.move(inspection, CaseAction.CANCEL_INSPECTION, InspectionStatus.CANCELLED)
    inspection.cancelled_at, inspection.cancel_reason, inspection.cancelled_by = now, reason, acting_user
    inspection.save(update_fields=["status", "cancelled_at", "cancel_reason", "cancelled_by"])
    when = timezone.localtime(inspection.scheduled_at).strftime("%Y-%m-%d %H:%M")
    record_event(
        case,
        CaseAction.CANCEL_INSPECTION,
        Actor(acting_user, ip, channel),
        at=now,
        from_status=case.status,
        to_status=case.status,
        summary=_("Joint inspection of %(when)s cancelled: %(reason)s") % {"when": when, "reason": reason},
        detail={"inspection": inspection.pk, "scheduled_at": inspection.scheduled_at.isoformat()},
    )
    from . import notify

    notify.tell_applicant_inspection_cancelled(inspection.pk)
    return inspection


def on_case_withdrawn(case: Case) -> None:
    """cases.services.ON_WITHDRAWN: inspections still planned for a withdrawn case are called off."""
    from .choices import InspectionStatus

    for inspection in case.inspections.filter(status=InspectionStatus.PLANNED).order_by("pk"):
        do_cancel_inspection(inspection, _("The application was withdrawn."), acting_user=None, channel="system")
