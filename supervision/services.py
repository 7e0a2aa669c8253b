"""督办 (escalation): every change is one do_* function, atomic, writing its case event in the same transaction and
its messages to the outbox (notifications.services.do_queue_message).

- `do_escalate_item` — a supervisor demands action on one open, late item with a note (监察人员督办). Beside
  催办 (approvals.services.do_urge_item: a reminder, no answer expected), a 督办 is a record that stays open until
  the department answers it;
- `escalate_automatically` — the scan's (scans.py) 督办 of an item overdue by settings.SUPERVISION_ESCALATE_AFTER_
  WORKDAYS working days (default 2), to the department's head and the region's supervisors;
- `do_answer_escalation` — the department gives the reason and the date it commits to (from its task page);
- `do_close_escalation` — the supervisor closes it; `end_escalation` — the platform closes it once the item ended.

Everyone told: the item's department (its reviewers and lead role), its head (部门负责人), and the supervisors of
the case's region and the regions above it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import StaffRole
from accounts.models import User
from accounts.permissions import may
from cases.choices import CaseAction
from cases.kernel import Actor, lock_case, record_event, system_actor
from cases.models import Case, CaseItem
from cases.rules import ITEM_WAITING
from core.errors import ConflictError, UserFacingError
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from .choices import EscalationAction, EscalationSource, EscalationStatus
from .models import Escalation
from .rules import ESCALATION

MAX_TEXT = 1000
MAX_NEW_DATE_WORKDAYS = 30  # a new date further away than this is refused as a likely typo


def escalate_after_workdays() -> int:
    """Working days an item may be overdue before the automatic 督办 (settings.SUPERVISION_ESCALATE_AFTER_WORKDAYS)."""
    return int(getattr(settings, "SUPERVISION_ESCALATE_AFTER_WORKDAYS", 2))


def _text(value: str | None) -> str:
    return " ".join((value or "").split())[:MAX_TEXT]


def due_of(item: CaseItem) -> dt.datetime | dt.date | None:
    """The clock that runs for the item now: acceptance while queued, the decision once accepted."""
    from cases.choices import ItemStatus

    return item.acceptance_due_at if item.status == ItemStatus.QUEUED else item.decision_due_on


def overdue_workdays(item: CaseItem, now: dt.datetime, calendar: WorkingCalendar | None = None) -> int:
    """Whole working days the item's running clock is past (0 when not past; paused items are not late)."""
    due = due_of(item)
    if due is None:
        return 0
    calendar = calendar or WorkingCalendar()
    due_day = timezone.localtime(due).date() if isinstance(due, dt.datetime) else due
    try:
        return calendar.workdays_between(due_day, timezone.localtime(now).date())
    except CalendarNotConfigured:
        return 0


def _lock(item: CaseItem) -> tuple[Case, CaseItem]:
    case = lock_case(item.case_id, related=("region",))
    item = CaseItem.objects.select_for_update(of=("self",)).select_related("department").get(pk=item.pk)
    return case, item


def _raise(case: Case, item: CaseItem, note: str, source: str, actor: Actor, now: dt.datetime, days: int) -> Escalation:
    if item.status not in ITEM_WAITING:
        raise ConflictError(
            _("“%(item)s” is “%(status)s”: only an item still with its department can be escalated.")
            % {"item": item.name, "status": item.get_status_display()}
        )
    if Escalation.objects.filter(item=item, status=EscalationStatus.OPEN).exists():
        raise ConflictError(
            _("A 督办 of “%(item)s” is already waiting for the department's answer.") % {"item": item.name}
        )
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                item=item,
                case=case,
                source=source,
                note=note,
                overdue_workdays=days,
                raised_at=now,
                raised_by=actor.user,
            )
    except IntegrityError as exc:  # a second open one raced this one in
        raise ConflictError(
            _("A 督办 of “%(item)s” is already waiting for the department's answer.") % {"item": item.name}
        ) from exc
    record_event(
        case,
        CaseAction.ESCALATE_ITEM,
        actor,
        item=item,
        from_status=item.status,
        to_status=item.status,
        internal_note=note,
        detail={"item": item.name, "escalation": escalation.pk, "source": source, "overdue_workdays": days},
        at=now,
    )
    _tell_escalated(escalation)
    return escalation


@transaction.atomic
def do_escalate_item(item: CaseItem, note: str, *, acting_user: User, ip: str | None = None) -> Escalation:
    """督办 by a supervisor: the note says what is demanded; the item must still be with its department."""
    note = _text(note)
    if not note:
        raise UserFacingError(_("Say what the department must do (the 督办 note)."))
    case, item = _lock(item)
    if not may(acting_user, "supervision.escalate", item):
        raise UserFacingError(_("Only the supervisors of this region can raise a 督办."))
    now = timezone.now()
    return _raise(
        case, item, note, EscalationSource.SUPERVISOR, Actor(acting_user, ip, "supervision"), now,
        overdue_workdays(item, now),
    )  # fmt: skip


def escalate_automatically(item: CaseItem, now: dt.datetime, days: int) -> Escalation:
    """The scan's 督办 of an item overdue by `days` working days, in the caller's transaction (item and case locked)."""
    note = _("Overdue by %(days)d working day(s): raised automatically.") % {"days": days}
    return _raise(item.case, item, note, EscalationSource.AUTOMATIC, system_actor(), now, days)


def _check_new_date(new_due_on: dt.date | None) -> dict[str, str]:
    if new_due_on is None:
        return {"new_due_on": _("Give the date by which the item will be decided.")}
    today = timezone.localdate()
    if new_due_on <= today:
        return {"new_due_on": _("The new date must be after today.")}
    calendar = WorkingCalendar()
    try:
        if not calendar.is_workday(new_due_on):
            return {"new_due_on": _("%(date)s is not a working day.") % {"date": new_due_on.isoformat()}}
        if calendar.workdays_between(today, new_due_on) > MAX_NEW_DATE_WORKDAYS:
            return {
                "new_due_on": _("The new date is more than %(days)d working days away.")
                % {"days": MAX_NEW_DATE_WORKDAYS}
            }
    except CalendarNotConfigured as exc:
        return {"new_due_on": exc.message}
    return {}


class AnswerRefused(UserFacingError):
    """The answer's fields, each with its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _lock_escalation(escalation: Escalation) -> tuple[Case, CaseItem, Escalation]:
    case, item = _lock(escalation.item)
    locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
    locked.item = item
    return case, item, locked


@transaction.atomic
def do_answer_escalation(
    escalation: Escalation, reason: str, new_due_on: dt.date | None, *, acting_user: User, ip: str | None = None
) -> Escalation:
    """The department answers the 督办: why the item is late and the working day by which it will be decided."""
    reason = _text(reason)
    errors = {} if reason else {"reason": _("Give the reason for the delay.")}
    errors.update(_check_new_date(new_due_on))
    if errors:
        raise AnswerRefused(errors)
    case, item, escalation = _lock_escalation(escalation)
    if not may(acting_user, "supervision.answer", item):
        raise UserFacingError(_("Only staff of %(department)s can answer this 督办.") % {"department": item.department})
    ESCALATION.move(escalation, EscalationAction.ANSWER, EscalationStatus.ANSWERED)
    now = timezone.now()
    escalation.answer, escalation.new_due_on = reason, new_due_on
    escalation.answered_at, escalation.answered_by = now, acting_user
    escalation.save()
    assert new_due_on is not None
    record_event(
        case,
        CaseAction.ANSWER_ESCALATION,
        Actor(acting_user, ip, "department"),
        item=item,
        from_status=item.status,
        to_status=item.status,
        internal_note=_("Reason: %(reason)s; to be decided by %(date)s.")
        % {"reason": reason, "date": new_due_on.isoformat()},
        detail={"item": item.name, "escalation": escalation.pk, "new_due_on": new_due_on.isoformat()},
        at=now,
    )
    _tell_supervisors(
        escalation,
        "supervision.answered",
        _("督办 answered: “%(item)s” of case %(number)s, to be decided by %(date)s. %(reason)s")
        % {"item": item.name, "number": case.number, "date": new_due_on.isoformat(), "reason": reason},
    )
    return escalation


@transaction.atomic
def do_close_escalation(
    escalation: Escalation, note: str = "", *, acting_user: User, ip: str | None = None
) -> Escalation:
    """The supervisor closes a 督办 (answered, or no longer needed)."""
    case, item, escalation = _lock_escalation(escalation)
    if not may(acting_user, "supervision.escalate", item):
        raise UserFacingError(_("Only the supervisors of this region can close a 督办."))
    return _close(case, item, escalation, EscalationAction.CLOSE, Actor(acting_user, ip, "supervision"), _text(note))


def end_escalation(escalation: Escalation) -> Escalation:
    """The platform closes a 督办 whose item has ended (in the caller's transaction: item and case locked)."""
    return _close(escalation.case, escalation.item, escalation, EscalationAction.END, system_actor(), "")


def _close(case: Case, item: CaseItem, escalation: Escalation, action: str, actor: Actor, note: str) -> Escalation:
    ESCALATION.move(escalation, action, EscalationStatus.CLOSED)
    now = timezone.now()
    escalation.closed_at = now
    escalation.save(update_fields=["status", "closed_at"])
    record_event(
        case,
        CaseAction.CLOSE_ESCALATION,
        actor,
        item=item,
        from_status=item.status,
        to_status=item.status,
        internal_note=note or (_("The item has ended.") if action == EscalationAction.END else ""),
        detail={"item": item.name, "escalation": escalation.pk, "how": str(action)},
        at=now,
    )
    return escalation


# ---------------------------------------------------------------- who is told


def _queue(user: User, kind: str, subject: str, body: str, case_number: str) -> None:
    from notifications.services import do_queue_message

    do_queue_message(recipient=user, channel="site", kind=kind, subject=subject, body=body, case_number=case_number)


def _ancestors(region) -> list[int]:
    ids = []
    while region is not None:
        ids.append(region.pk)
        region = region.parent
    return ids


def supervisors_of(case: Case):
    return User.objects.filter(
        roles__role=StaffRole.SUPERVISOR, roles__region_id__in=_ancestors(case.region)
    ).distinct()


def department_people(item: CaseItem):
    """The item's department: its reviewers, lead role and head."""
    return User.objects.filter(
        roles__department=item.department,
        roles__role__in=[StaffRole.REVIEWER, StaffRole.LEAD, StaffRole.DEPARTMENT_HEAD],
    ).distinct()


def _tell_escalated(escalation: Escalation) -> None:
    item, case = escalation.item, escalation.case
    body = _(
        "督办: “%(item)s” of case %(number)s is overdue by %(days)d working day(s). %(note)s Answer it on the task page with the reason and a new date."
    ) % {
        "item": item.name,
        "number": case.number,
        "days": escalation.overdue_workdays,
        "note": escalation.note,
    }
    for user in department_people(item):
        _queue(user, "supervision.escalated", item.name, body, case.number)
    if escalation.source == EscalationSource.AUTOMATIC:
        _tell_supervisors(escalation, "supervision.escalated", body)


def _tell_supervisors(escalation: Escalation, kind: str, body: str) -> None:
    for user in supervisors_of(escalation.case):
        _queue(user, kind, escalation.item.name, body, escalation.case.number)
