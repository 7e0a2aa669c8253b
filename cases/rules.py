"""The rules of a case in one place: which actions each state allows, and the formal-review time limits.

Seed clauses (../shared/seeds):
- 收件 online, formal review within 2 working hours: 西峡 (003, 通用流程) and 新乡县 (004, 四(二)2 线上提交).
  民权 (000, 第十三条) and 红旗区 (001, 第十四条) give the window 1 working day to confirm an online submission.
- 收件 at the window: review on the spot, one notice of everything to correct, receipt on the spot; the paper is
  turned into electronic materials within 2 hours of intake (003; 004 四(二)2 线下提交).
- Withdrawal before the decisions (004 四(二)4): the departments end their open work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import ConflictError

from .choices import CaseAction, CaseStatus

# state -> actions allowed in it; anything else is refused with a message (STYLE.md §5)
ALLOWED_ACTIONS: dict[str, frozenset[str]] = {
    CaseStatus.SUBMITTED: frozenset(
        {CaseAction.REQUEST_CORRECTION, CaseAction.RECEIVE, CaseAction.WITHDRAW, CaseAction.ATTACH_SCAN}
    ),
    CaseStatus.CORRECTION: frozenset(
        {CaseAction.CORRECT_VALUES, CaseAction.REPLACE_MATERIAL, CaseAction.RESUBMIT, CaseAction.WITHDRAW}
    ),
    CaseStatus.RECEIVED: frozenset(
        {
            CaseAction.ATTACH_SCAN,
            CaseAction.DISTRIBUTE,
            CaseAction.SUPPLY_DEFERRED,
            CaseAction.WITHDRAW,
            CaseAction.ITEM,
        }
    ),
    CaseStatus.IN_PROGRESS: frozenset(
        {CaseAction.ATTACH_SCAN, CaseAction.SUPPLY_DEFERRED, CaseAction.WITHDRAW, CaseAction.ITEM}
    ),
    CaseStatus.COMPLETED: frozenset(),
    CaseStatus.PARTIALLY_COMPLETED: frozenset(),
    CaseStatus.NOT_ACCEPTED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}


def is_allowed(status: str, action: str) -> bool:
    return action in ALLOWED_ACTIONS.get(status, frozenset())


def check_allowed(status: str, action: str) -> None:
    """Refuse, with the state named, an action the case's state does not allow."""
    if not is_allowed(status, action):
        raise ConflictError(
            _("This cannot be done now: the case is “%(status)s”; “%(action)s” is not possible in that state.")
            % {"status": CaseStatus(status).label, "action": CaseAction(action).label}
        )


@dataclass(frozen=True)
class ReviewLimit:
    hours: int = 0  # working hours
    days: int = 0  # working days
    clause: str = ""

    @property
    def label(self) -> str:
        if self.hours:
            return _("%(hours)d working hours") % {"hours": self.hours}
        return _("%(days)d working day(s)") % {"days": self.days}


DEFAULT_REVIEW_LIMIT = ReviewLimit(hours=2, clause="003 通用流程；004 四(二)2 线上提交")
REVIEW_LIMITS: dict[str, ReviewLimit] = {
    "411421": ReviewLimit(days=1, clause="000 第十三条"),  # 民权县
    "410702": ReviewLimit(days=1, clause="001 第十四条"),  # 红旗区
}
SCAN_LIMIT_HOURS = 2  # window intake: paper to electronic within 2 hours (003; 004 四(二)2 线下提交)
MAX_DEFERRAL_WORKING_DAYS = 30  # a 容缺 due date further away than this is refused as a likely typo


def review_limit_for(region_code: str, ancestors: list[str]) -> ReviewLimit:
    for code in [region_code, *ancestors]:
        if code in REVIEW_LIMITS:
            return REVIEW_LIMITS[code]
    return DEFAULT_REVIEW_LIMIT


def review_due(submitted_at: dt.datetime, limit: ReviewLimit, calendar) -> dt.datetime:
    """When formal review of an online submission is due (raises CalendarNotConfigured for unconfigured years)."""
    if limit.hours:
        return calendar.add_working_hours(submitted_at, limit.hours)
    from django.utils import timezone

    day = calendar.add_workdays(timezone.localtime(submitted_at).date(), limit.days)
    return calendar.closing_time(day)  # the end of that working day's office hours
