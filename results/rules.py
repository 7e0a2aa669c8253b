"""What each results action needs (STYLE.md §5): the case states it is allowed in, and what a licence allows.

Seed clauses (../shared/seeds):
- 送达 (004 四(二)5; 000 第十六条): the applicant collects every result together once the whole one-thing has ended
  (统一领取), or each result as its item ends (分别领取); the window delivers the same day, by the way the applicant
  chose, and passes the proof of delivery (送达凭证) to the co-handling departments. Posting happens only once every
  item has ended (000 第十六条: 待所有联办事项全部办结后统一邮寄送达), so post goes with 统一领取 only. Results that
  are electronic can be printed by the applicant (网上下载; 004: 个人中心查看或下载电子证照).
- 不予受理决定书 are delivered by the certificate window too (004 四(二)3), so refused and denied items have a result.
- 归档 (004 四(二)6; 000 第十七条): the lead department keeps the paper originals; the co-handling departments
  approve and archive from the electronic materials and print them if they need paper; no inspection may ask a
  co-handling department for originals. Nothing here ever asks a department for a paper original.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from cases.choices import DECIDED_ITEM_STATUSES, OPEN_CASE_STATUSES, CaseAction, CaseStatus
from cases.rules import ACTION_LABELS, CASE
from core.statemachine import StateMachine, action

from .choices import LicenceStatus

# Items with a result to deliver: the approval (licence, document), or the decision not to accept / not to approve.
DELIVERABLE_ITEM_STATUSES = DECIDED_ITEM_STATUSES
ENDED_CASE_STATUSES = frozenset(set(CaseStatus) - set(OPEN_CASE_STATUSES))

RESULTS_ACTIONS = frozenset({CaseAction.CHOOSE_DELIVERY, CaseAction.DELIVER, CaseAction.ARCHIVE})

# case state -> results actions allowed in it: a view of the case's one table (cases/rules.py CASE); further
# conditions in services.py, named in each refusal
CASE_ALLOWED_ACTIONS: dict[str, frozenset[str]] = {str(s): CASE.allowed(s) & RESULTS_ACTIONS for s in CaseStatus}

# The e-licence (电子证照): issued valid (ISSUE_LICENCE creates it), revoked once.
LICENCE = StateMachine(
    "licence",
    LicenceStatus,
    (action(CaseAction.REVOKE_LICENCE, [LicenceStatus.VALID], [LicenceStatus.REVOKED]),),
    action_labels=ACTION_LABELS,
    refusal=gettext_lazy("This licence is “%(status)s”: “%(action)s” is not possible."),
)
LICENCE_ALLOWED_ACTIONS: dict[str, frozenset[str]] = {str(s): LICENCE.allowed(s) for s in LicenceStatus}


def is_allowed(status: str, action: str) -> bool:
    return action in CASE_ALLOWED_ACTIONS.get(status, frozenset())


def check_allowed(status: str, action: str) -> None:
    CASE.check(status, action)
