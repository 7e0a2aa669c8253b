"""The rules of 好差评 and complaints in one place: the rectification's and the complaint's state tables, their time
limits, and what may be rated when.

Sources:
- GB/T 39734-2020 (政务服务"一次一评""一事一评"工作规范): five levels (7.3); 一次一评 — each contact with the service
  is rated once (现场服务: the window's review and intake, each department's acceptance and decision, delivery);
  一事一评 — the whole one-thing once it ended; 差评 (不满意, 非常不满意) are verified, rectified or explained, and
  the applicant is called back (9.3, 差评处置).
- 国办发〔2019〕51号 (好差评制度): "谁办理、谁负责" — the unit that handled the step rated verifies the 差评; 情况
  清楚、诉求合理的立行立改, 缺乏法定依据的做好解释说明; 实名差评回访率 100%.
- Seeds: 000 第二十六条, 001 第二十五条 (服务评价 per 河南省政务服务"好差评"工作制度); 000 第二十二条, 001 第二十五条
  (差评或投诉经核查属实，由相应责任人或责任单位承担责任): the complaint's responsibility record.
- Time limits (working days, workcalendar): the seeds set none; the defaults follow the published local rules
  (核实 at once: 1 working day; 整改反馈 within 5 working days; complaints answered within 5 working days) and are
  settings (RATING_VERIFY_WORKDAYS, RATING_ANSWER_WORKDAYS, COMPLAINT_ANSWER_WORKDAYS).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy

from core.statemachine import StateMachine, action

from .choices import ComplaintStatus, RectificationStatus

R = RectificationStatus
C = ComplaintStatus

VERIFY = "verify"  # 核实: finding and what was found
RECTIFY = "rectify"  # 整改 (a substantiated 差评)
EXPLAIN = "explain"  # 解释说明 (not substantiated)
CALL_BACK = "call_back"  # 回访 (recorded)
RERATE = "rerate"  # the applicant rates the contact again after the call back
CLOSE = "close"  # closed without a re-rating (the applicant declined at the call back)

ANSWER = "answer"  # the complaint answered: upheld or not
RECORD_RESPONSIBILITY = "record_responsibility"  # 责任认定 of an upheld complaint

ACTION_LABELS = {
    VERIFY: gettext_lazy("Verify the rating"),
    RECTIFY: gettext_lazy("Rectify"),
    EXPLAIN: gettext_lazy("Explain"),
    CALL_BACK: gettext_lazy("Call back"),
    RERATE: gettext_lazy("Re-rate"),
    CLOSE: gettext_lazy("Close"),
    ANSWER: gettext_lazy("Answer"),
    RECORD_RESPONSIBILITY: gettext_lazy("Record responsibility"),
}

# 差评整改: a 差评 creates it OPEN (services.do_rate_contact, in the rating's transaction).
RECTIFICATION = StateMachine(
    "rectification",
    RectificationStatus,
    (
        action(VERIFY, [R.OPEN], [R.VERIFIED]),
        action(RECTIFY, [R.VERIFIED], [R.ANSWERED]),
        action(EXPLAIN, [R.VERIFIED], [R.ANSWERED]),
        action(CALL_BACK, [R.ANSWERED], [R.CALLED_BACK]),
        action(RERATE, [R.CALLED_BACK], [R.CLOSED]),
        action(CLOSE, [R.CALLED_BACK], [R.CLOSED]),
    ),
    action_labels=ACTION_LABELS,
    refusal=gettext_lazy("This rectification is “%(status)s”: “%(action)s” is not possible now."),
)

# 投诉: filing creates it OPEN (services.do_file_complaint).
COMPLAINT = StateMachine(
    "complaint",
    ComplaintStatus,
    (
        action(ANSWER, [C.OPEN], [C.ANSWERED, C.UPHELD]),
        action(RECORD_RESPONSIBILITY, [C.UPHELD], [C.CLOSED]),
    ),
    action_labels=ACTION_LABELS,
    refusal=gettext_lazy("This complaint is “%(status)s”: “%(action)s” is not possible now."),
)

# the grant (accounts/permissions.py) each staff action needs
RECTIFICATION_PERMISSIONS = {VERIFY: "rating.rectify", RECTIFY: "rating.rectify", EXPLAIN: "rating.rectify",
                             CALL_BACK: "rating.rectify", CLOSE: "rating.rectify"}  # fmt: skip
COMPLAINT_PERMISSIONS = {ANSWER: "complaint.handle", RECORD_RESPONSIBILITY: "complaint.supervise"}


def verify_workdays() -> int:
    return int(getattr(settings, "RATING_VERIFY_WORKDAYS", 1))


def answer_workdays() -> int:
    return int(getattr(settings, "RATING_ANSWER_WORKDAYS", 5))


def complaint_workdays() -> int:
    return int(getattr(settings, "COMPLAINT_ANSWER_WORKDAYS", 5))


def tablet_minutes() -> int:
    """How long the window's rating screen stays open once the clerk opened it."""
    return int(getattr(settings, "RATING_TABLET_MINUTES", 15))


def sms_link_days() -> int:
    """How long the rating link in the SMS works (calendar days)."""
    return int(getattr(settings, "RATING_SMS_LINK_DAYS", 30))
