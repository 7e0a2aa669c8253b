"""Every change of a case, one function each (STYLE.md §4, §20): atomic, refused with a message when the state does
not allow it (rules.CASE), writing its CaseEvent and everything it implies in the same transaction (cases.kernel).
The actions live by step in cases/actions/ (filing, review, withdrawal; common: limits, hooks, who may act, clocks);
this module is the one name callers use for them.

do_submit_case
    Turns the applicant's draft into one case. The draft row is locked, so a double click or a retried request
    finds the case the first one created (and the submission key, unique per applicant, finds it too). Refused, with
    every field message and every missing material at once, while the form has errors or a material that may not be
    supplied later (容缺) has neither a file nor a signed commitment. The case keeps the one-thing version, answers,
    values and requirements as they are now; the draft is closed. At the window (帮办代办) the staff member files for
    the applicant; paper materials received are marked for scanning, and the 2-hour scanning clock starts.

do_request_correction
    One notice (一次性告知补正) listing every material and field to correct. A later round, after the applicant
    resubmitted, may only repeat points of the first notice that are still not met: nothing new can be added.

do_save_correction / do_replace_case_material / do_resubmit_case
    The applicant (or window staff for a walk-in) corrects the points of the open notice, then resubmits the same
    case; the formal review clock starts again.

do_receive_case
    收件: a receipt (收件回执) is issued; each missing material must be 容缺-able and gets a due date. Then the case is
    distributed to the departments at once — or, at the window, once every paper material is scanned.

do_withdraw_case
    撤回 while some item is undecided: every open item ends.
"""

from .actions.common import (
    MAX_POINTS,
    MAX_REASON_LENGTH,
    NOT_FROM_APPLICANT,
    ON_DISTRIBUTED,
    ON_WITHDRAWN,
    DeferralsRefused,
    SubmissionIncomplete,
    review_limit_of,
)
from .actions.filing import (
    DuplicateOpenCase,
    SubmissionCheck,
    check_submission,
    do_submit_case,
    open_case_of,
)
from .actions.review import (
    case_form,
    do_attach_scan,
    do_receive_case,
    do_replace_case_material,
    do_request_correction,
    do_resubmit_case,
    do_save_correction,
    do_supply_deferred_material,
    notice_values_at_issue,
    open_correction,
)
from .actions.withdrawal import (
    can_withdraw,
    derive_status,
    do_withdraw_case,
)
from .kernel import ON_EVENT, Actor, lock_case, record_event

__all__ = [
    "ON_EVENT",
    "Actor",
    "lock_case",
    "record_event",
    "MAX_REASON_LENGTH",
    "MAX_POINTS",
    "NOT_FROM_APPLICANT",
    "ON_DISTRIBUTED",
    "ON_WITHDRAWN",
    "review_limit_of",
    "DuplicateOpenCase",
    "open_case_of",
    "SubmissionIncomplete",
    "DeferralsRefused",
    "SubmissionCheck",
    "check_submission",
    "do_submit_case",
    "do_request_correction",
    "open_correction",
    "do_save_correction",
    "do_replace_case_material",
    "do_resubmit_case",
    "case_form",
    "notice_values_at_issue",
    "do_receive_case",
    "do_attach_scan",
    "do_supply_deferred_material",
    "derive_status",
    "can_withdraw",
    "do_withdraw_case",
]
