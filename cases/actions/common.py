"""What the case actions share (cases/actions/): limits, the hooks other apps register, who may act, the
review and scanning clocks, the applicant's notices."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may
from core.errors import UserFacingError
from guidance.choices import MaterialStatus
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from .. import rules
from ..choices import (
    MaterialState,
)
from ..kernel import Actor, lock_case
from ..models import Case

logger = logging.getLogger(__name__)


MAX_REASON_LENGTH = 500
MAX_POINTS = 100


# the materials the applicant does not supply (guidance.materials) and how the case keeps them
NOT_FROM_APPLICANT = {
    MaterialStatus.EXEMPT: MaterialState.EXEMPT,
    MaterialStatus.GENERATED: MaterialState.GENERATED,
    MaterialStatus.PRODUCED: MaterialState.PRODUCED,
    MaterialStatus.PUSHED: MaterialState.PUSHED,
}


# Hooks other apps register, run inside the transaction that distributes a case (issue 4: department notices).
ON_DISTRIBUTED: list[Callable[[Case], None]] = []


# ... and inside a withdrawal's transaction (results: a 统一领取 case may now have its decided results ready;
# approvals: planned joint inspections are called off).
ON_WITHDRAWN: list[Callable[[Case], None]] = []


def _actor(acting_user: User | None, ip: str | None, channel: str = "") -> Actor:
    return Actor(acting_user, ip, channel)


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _lock(case: Case) -> Case:
    return lock_case(case)


def _check_applicant_or_window(case: Case, user: User | None) -> None:
    """The applicant themself, or window staff of the case's region for a case filed at the window."""
    if not may(user, "case.change_application", case):
        raise UserFacingError(_("Only the applicant can change their own application."))


def _check_window(case: Case, user: User | None, action: str = "case.review") -> None:
    if not may(user, action, case):
        raise UserFacingError(_("Only window staff of this region can do this."))


def review_limit_of(region) -> rules.ReviewLimit:
    """The formal review limit the region's rule sets (its own, else its city's or province's)."""
    return rules.review_limit_for(region.code, region.ancestor_codes)


def _review_due(case: Case, start: dt.datetime) -> dt.datetime | None:
    limit = rules.review_limit_for(case.region.code, case.region.ancestor_codes)
    try:
        return rules.review_due(start, limit, WorkingCalendar())
    except CalendarNotConfigured:
        logger.warning("Formal review deadline of %s unknown: working calendar not configured", case.number)
        return None


def _scan_due(start: dt.datetime) -> dt.datetime | None:
    try:
        return WorkingCalendar().add_working_hours(start, rules.SCAN_LIMIT_HOURS)
    except CalendarNotConfigured:
        return None


def _notify(case: Case, kind: str) -> None:
    """The applicant's notice, written to the outbox in the change's transaction (an SMS leaves after commit)."""
    from .. import notify

    notify.tell_applicant(case.pk, kind)


class SubmissionIncomplete(UserFacingError):
    """The application cannot go in yet: every field message and every missing material, at once."""

    def __init__(self, field_errors: Mapping[str, str], missing_materials: Mapping[str, str]) -> None:
        parts = []
        if field_errors:
            parts.append(_("%(count)d form field(s) need attention") % {"count": len(field_errors)})
        if missing_materials:
            parts.append(_("materials still missing: %(names)s") % {"names": "、".join(missing_materials.values())})
        super().__init__(_("The application cannot be submitted yet: %(what)s.") % {"what": "；".join(parts)})
        self.field_errors = dict(field_errors)
        self.missing_materials = dict(missing_materials)


class DeferralsRefused(UserFacingError):
    """收件 refused because of the 容缺 due dates: one message per material key ("" for the form as a whole)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = dict(problems)
