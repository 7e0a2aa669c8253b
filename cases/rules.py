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
from django.utils.translation import gettext_lazy

from core.statemachine import STAYS, StateMachine, action

from .choices import CaseAction, CaseStatus, ItemStatus, MaterialState

S = CaseStatus
A = CaseAction
OPEN = (S.RECEIVED, S.IN_PROGRESS)  # received, items with the departments
BEFORE_RECEIPT = (S.SUBMITTED, S.CORRECTION)
ENDED = (S.COMPLETED, S.PARTIALLY_COMPLETED, S.NOT_ACCEPTED, S.WITHDRAWN)
EVERY = (*BEFORE_RECEIPT, *OPEN, *ENDED)
ACTION_LABELS = {str(a): a.label for a in CaseAction}  # what a refusal calls an action

# The case (办件): every action, the platform's own included (system=True), with the states it starts in and may
# end in (STAYS: unchanged). Filing (SUBMIT, FILE_WALK_IN) creates the case in SUBMITTED. The results actions
# (choose the way of receiving, deliver, archive: results/services.py) are here too: one table for the case.
CASE = StateMachine(
    "case",
    CaseStatus,
    (
        action(A.REQUEST_CORRECTION, [S.SUBMITTED], [S.CORRECTION]),
        action(A.CORRECT_VALUES, [S.CORRECTION]),
        action(A.REPLACE_MATERIAL, [S.CORRECTION]),
        action(A.RESUBMIT, [S.CORRECTION], [S.SUBMITTED]),
        action(A.RECEIVE, [S.SUBMITTED], [S.RECEIVED]),
        action(A.ATTACH_SCAN, [S.SUBMITTED, *OPEN]),
        action(A.DISTRIBUTE, [S.RECEIVED], system=True),
        action(A.SUPPLY_DEFERRED, OPEN),
        action(A.RELEASE_DEFERRAL, [*OPEN, *ENDED], system=True),
        # 撤回: the open items end; what was decided stays (partly completed when something was approved)
        action(A.WITHDRAW, [*BEFORE_RECEIPT, *OPEN], [S.WITHDRAWN, S.PARTIALLY_COMPLETED]),
        # an item's change (department actions: approvals/rules.py ITEM) gives the case its status from its items
        action(A.ITEM, OPEN, [STAYS, S.IN_PROGRESS, S.COMPLETED, S.PARTIALLY_COMPLETED, S.NOT_ACCEPTED]),
        action(A.CLOCK_WARNING, [S.SUBMITTED, *OPEN], system=True),
        action(A.CLOCK_OVERDUE, [S.SUBMITTED, *OPEN], system=True),
        action(A.BOOK_INSPECTION, OPEN),
        action(A.RECORD_INSPECTION, OPEN),
        # called off by staff, or by the platform when the case is withdrawn (in the withdrawal's transaction)
        action(A.CANCEL_INSPECTION, [*OPEN, S.WITHDRAWN, S.PARTIALLY_COMPLETED]),
        action(A.ISSUE_LICENCE, [S.IN_PROGRESS, S.COMPLETED, S.PARTIALLY_COMPLETED], system=True),
        action(A.REVOKE_LICENCE, [S.IN_PROGRESS, *ENDED]),
        action(A.CHOOSE_DELIVERY, EVERY),
        action(A.RESULTS_READY, [*OPEN, *ENDED], system=True),
        action(A.DELIVER, [*OPEN, *ENDED]),  # while open: 分别领取 only (results/services.py)
        action(A.ARCHIVE, ENDED),
        action(A.ISSUE_DOCUMENT, EVERY, system=True),
        action(A.REVOKE_DOCUMENT, EVERY),
        action(A.NOTE, EVERY),
        # 好差评 (evaluation/rules.py): a contact is rated once it happened (the first, 收件, at receipt); the
        # rectification of a 差评 and a complaint about the case leave the case as it is
        action(A.RATE, [*OPEN, *ENDED]),
        action(A.RECTIFICATION, [*OPEN, *ENDED]),
        action(A.COMPLAINT, EVERY),
    ),
    action_labels=ACTION_LABELS,
    refusal=gettext_lazy(
        "This cannot be done now: the case is “%(status)s”; “%(action)s” is not possible in that state."
    ),
)

IS = ItemStatus
ITEM_WAITING = (IS.QUEUED, IS.PRE_REVIEW, IS.ACCEPTED, IS.SUPPLEMENT)  # with the department, not decided
ITEM_OPEN = (IS.AWAITING_RECEIPT, *ITEM_WAITING)

# The case item (办件事项, a department's task): every action, the platform's own included (system=True). Receipt
# creates the items AWAITING_RECEIPT; the case actions that move them (distribute, withdraw) are listed here too.
ITEM = StateMachine(
    "item",
    ItemStatus,
    (
        action(A.DISTRIBUTE, [IS.AWAITING_RECEIPT], [IS.QUEUED], system=True),
        action(A.ACCEPT_ITEM, [IS.QUEUED], [IS.ACCEPTED, IS.PRE_REVIEW]),  # 容缺预审 while a prerequisite is pending
        action(A.REFUSE_ITEM, [IS.QUEUED], [IS.REFUSED]),
        action(A.APPROVE_ITEM, [IS.ACCEPTED], [IS.APPROVED]),
        action(A.DENY_ITEM, [IS.PRE_REVIEW, IS.ACCEPTED], [IS.DENIED]),
        action(A.PAUSE_ITEM, [IS.ACCEPTED], [IS.SUPPLEMENT]),
        action(A.RESUME_ITEM, [IS.SUPPLEMENT], [IS.ACCEPTED]),
        action(A.ASSIGN_ITEM, ITEM_WAITING),
        action(A.URGE_ITEM, ITEM_WAITING),
        action(A.RELEASE_ITEM, [IS.PRE_REVIEW], [IS.ACCEPTED], system=True),  # the prerequisite's result arrived
        action(A.STOP_ITEM, ITEM_OPEN, [IS.STOPPED], system=True),  # a prerequisite was refused or denied
        action(A.WITHDRAW, ITEM_OPEN, [IS.WITHDRAWN], system=True),  # the case was withdrawn
        action(A.CLOCK_WARNING, [IS.QUEUED, IS.PRE_REVIEW, IS.ACCEPTED], system=True),
        action(A.CLOCK_OVERDUE, [IS.QUEUED, IS.PRE_REVIEW, IS.ACCEPTED], system=True),
    ),
    action_labels=ACTION_LABELS,
    refusal=gettext_lazy(
        "This cannot be done now: the item is “%(status)s”; “%(action)s” is not possible in that state."
    ),
)

M = MaterialState
# what the platform itself provides: generated from the one form (申请表), produced by another item, pushed by a
# department — never the applicant's to correct
NOT_FROM_THE_APPLICANT = frozenset({M.GENERATED, M.PRODUCED, M.PUSHED})
# One material of the one set of materials on a case (CaseMaterial.state). Filing creates each in the state the
# submission found it in (uploaded, paper, exempt, generated, produced, pushed, committed, or missing for 容缺).
MATERIAL = StateMachine(
    "material",
    MaterialState,
    (
        action(A.RECEIVE, [M.MISSING], [M.DEFERRED]),  # 容缺 accepted at receipt, with its due date
        action(A.ATTACH_SCAN, [M.PAPER], [M.UPLOADED]),
        # a material the correction notice names gets a file (a wrong exemption, a bad scan…); what the platform
        # provides (NOT_FROM_THE_APPLICANT) is never named
        action(
            A.REPLACE_MATERIAL,
            [M.UPLOADED, M.PAPER, M.EXEMPT, M.COMMITTED, M.MISSING],
            [M.UPLOADED],
        ),
        action(A.SUPPLY_DEFERRED, [M.DEFERRED], [M.UPLOADED]),
        action(A.RELEASE_DEFERRAL, [M.DEFERRED], [M.RELEASED], system=True),  # the items it served ended
    ),
    action_labels=ACTION_LABELS,
    refusal=gettext_lazy("This material is “%(status)s”: “%(action)s” is not possible now."),
)

# state -> actions allowed in it (a view of the table, for the pages)
ALLOWED_ACTIONS: dict[str, frozenset[str]] = {str(s): CASE.allowed(s, people_only=True) for s in CaseStatus}


def is_allowed(status: str, action: str) -> bool:
    return CASE.is_allowed(status, action)


def check_allowed(status: str, action: str) -> None:
    """Refuse, with the state named, an action the case's state does not allow."""
    CASE.check(status, action)


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
