"""States of a case (办件), its items and its materials, each with a label and a colour; event actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")  # 网上申报
    WINDOW = "window", _("Hall window")  # 窗口申报（线下）


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting formal review")  # 待形式审查
    CORRECTION = "correction", _("Correction requested")  # 待补正（已一次性告知）
    RECEIVED = "received", _("Received")  # 已收件（出具收件回执）
    IN_PROGRESS = "in_progress", _("In progress")  # 办理中
    COMPLETED = "completed", _("Completed")  # 全部办结
    PARTIALLY_COMPLETED = "partially_completed", _("Partly completed")  # 部分办结
    NOT_ACCEPTED = "not_accepted", _("Not accepted")  # 不予受理/未办结
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回

    @classmethod
    def colour(cls, value: str) -> str:
        return {
            cls.SUBMITTED: "amber",
            cls.CORRECTION: "red",
            cls.RECEIVED: "blue",
            cls.IN_PROGRESS: "blue",
            cls.COMPLETED: "green",
            cls.PARTIALLY_COMPLETED: "green",
            cls.NOT_ACCEPTED: "grey",
            cls.WITHDRAWN: "grey",
        }[value]


OPEN_CASE_STATUSES = frozenset(
    {CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS}
)


class ItemStatus(models.TextChoices):
    """One selected item of a case: from intake through the department's acceptance and decision."""

    AWAITING_RECEIPT = "awaiting_receipt", _("Awaiting receipt")  # 待收件
    QUEUED = "queued", _("Awaiting acceptance")  # 待受理（已分发）
    PRE_REVIEW = "pre_review", _("Pre-review, awaiting a prerequisite")  # 容缺预审，待前置结果
    ACCEPTED = "accepted", _("Accepted, under review")  # 已受理，审批中
    SUPPLEMENT = "supplement", _("Paused for a supplement")  # 补正中（暂停计时）
    APPROVED = "approved", _("Approved")  # 准予（办结）
    DENIED = "denied", _("Denied")  # 不予许可（办结）
    REFUSED = "refused", _("Not accepted")  # 不予受理
    STOPPED = "stopped", _("Stopped: a prerequisite failed")  # 因前置事项未通过而终止
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回

    @classmethod
    def colour(cls, value: str) -> str:
        return {
            cls.AWAITING_RECEIPT: "amber",
            cls.QUEUED: "blue",
            cls.PRE_REVIEW: "blue",
            cls.ACCEPTED: "blue",
            cls.SUPPLEMENT: "amber",
            cls.APPROVED: "green",
            cls.DENIED: "red",
            cls.REFUSED: "red",
            cls.STOPPED: "grey",
            cls.WITHDRAWN: "grey",
        }[value]


DECIDED_ITEM_STATUSES = frozenset({ItemStatus.APPROVED, ItemStatus.DENIED, ItemStatus.REFUSED})
ENDED_ITEM_STATUSES = DECIDED_ITEM_STATUSES | {ItemStatus.STOPPED, ItemStatus.WITHDRAWN}


class MaterialState(models.TextChoices):
    """How one material of the one set of materials stands on a case."""

    UPLOADED = "uploaded", _("Electronic file received")  # 已提交电子材料
    PAPER = "paper", _("Paper received, to be scanned")  # 已收纸质材料，待转化
    EXEMPT = "exempt", _("Exempt")  # 免提交（电子证照、共享数据）
    GENERATED = "generated", _("Generated from the one form")  # 由一表申请自动生成
    PRODUCED = "produced", _("Produced by another item of this one-thing")  # 由本件事中的其他事项办结后共享
    PUSHED = "pushed", _("Pushed by a department")  # 由部门（机构）推送
    COMMITTED = "committed", _("Replaced by a signed commitment")  # 告知承诺
    MISSING = "missing", _("Missing")  # 未提交（申请容缺）
    DEFERRED = "deferred", _("To be supplied later (容缺)")  # 容缺受理，限期补齐
    RELEASED = "released", _("No longer needed: the items it served ended")  # 容缺义务终止（所涉事项已终结）

    @classmethod
    def colour(cls, value: str) -> str:
        return {
            cls.UPLOADED: "green",
            cls.PAPER: "amber",
            cls.EXEMPT: "green",
            cls.GENERATED: "green",
            cls.PRODUCED: "green",
            cls.PUSHED: "green",
            cls.COMMITTED: "green",
            cls.MISSING: "red",
            cls.DEFERRED: "amber",
            cls.RELEASED: "grey",
        }[value]


class PointKind(models.TextChoices):
    """What a point of a correction notice is about."""

    MATERIAL = "material", _("Material")  # 材料
    FIELD = "field", _("Form field")  # 表单信息


class CaseAction(models.TextChoices):
    """Every recorded change of a case; the timeline lists them."""

    SUBMIT = "submit", _("Submitted")  # 提交申请
    FILE_WALK_IN = "file_walk_in", _("Filed at the window")  # 窗口收件（帮办代办）
    REQUEST_CORRECTION = "request_correction", _("Correction notice issued")  # 出具一次性告知补正通知书
    CORRECT_VALUES = "correct_values", _("Form corrected")  # 补正表单信息
    REPLACE_MATERIAL = "replace_material", _("Material replaced")  # 补正材料
    RESUBMIT = "resubmit", _("Resubmitted after correction")  # 补正后重新提交
    RECEIVE = "receive", _("Received, receipt issued")  # 收件，出具收件回执
    ATTACH_SCAN = "attach_scan", _("Paper material scanned")  # 纸质材料转化为电子材料
    DISTRIBUTE = "distribute", _("Distributed to the departments")  # 分发至各联办部门
    SUPPLY_DEFERRED = "supply_deferred", _("Deferred material supplied")  # 补齐容缺材料
    RELEASE_DEFERRAL = "release_deferral", _("Deferred material no longer needed")  # 容缺义务终止
    WITHDRAW = "withdraw", _("Withdrawn")  # 撤回申请
    ITEM = "item", _("Item changed")  # 单事项状态变化（部门受理、审批…）
    ACCEPT_ITEM = "accept_item", _("Accepted by the department")  # 受理（出具受理通知书）
    PRE_REVIEW_ITEM = "pre_review_item", _("Accepted for pre-review")  # 受理，容缺预审，待前置结果
    REFUSE_ITEM = "refuse_item", _("Not accepted")  # 不予受理（出具不予受理决定书）
    APPROVE_ITEM = "approve_item", _("Approved")  # 准予（作出审批决定）
    DENY_ITEM = "deny_item", _("Denied")  # 不予许可
    PAUSE_ITEM = "pause_item", _("Supplement requested; clock paused")  # 补充材料，暂停计时
    RESUME_ITEM = "resume_item", _("Supplement received; clock resumed")  # 恢复计时
    ASSIGN_ITEM = "assign_item", _("Assigned")  # 分派承办人
    URGE_ITEM = "urge_item", _("Urged")  # 催办
    ESCALATE_ITEM = "escalate_item", _("Escalated by supervision")  # 督办（监察人员或超期自动督办）
    ANSWER_ESCALATION = "answer_escalation", _("Escalation answered")  # 督办回复（原因、新的办结日期）
    CLOSE_ESCALATION = "close_escalation", _("Escalation closed")  # 督办办结
    RELEASE_ITEM = "release_item", _("Prerequisite result received")  # 前置事项结果推送
    STOP_ITEM = "stop_item", _("Stopped: a prerequisite failed")  # 前置事项未通过，终止
    CLOCK_WARNING = "clock_warning", _("Time limit nearly reached")  # 预警
    CLOCK_OVERDUE = "clock_overdue", _("Time limit passed")  # 超期
    ISSUE_LICENCE = "issue_licence", _("E-licence issued")  # 生成电子证照
    REVOKE_LICENCE = "revoke_licence", _("E-licence revoked")  # 电子证照注销
    CHOOSE_DELIVERY = "choose_delivery", _("Way of receiving the results chosen")  # 选择结果领取方式
    RESULTS_READY = "results_ready", _("Results ready to collect")  # 通知领取办理结果
    DELIVER = "deliver", _("Results delivered")  # 送达（送达凭证）
    ARCHIVE = "archive", _("Archived")  # 归档
    NOTE = "note", _("Note")  # 备注
    BOOK_INSPECTION = "book_inspection", _("Joint inspection booked")  # 联合勘验（评审）已安排
    RECORD_INSPECTION = "record_inspection", _("Joint inspection outcome recorded")  # 联合勘验（评审）结果
    CANCEL_INSPECTION = "cancel_inspection", _("Joint inspection cancelled")  # 联合勘验（评审）取消
    ISSUE_DOCUMENT = "issue_document", _("Document issued")  # 出具文书（回执、通知书、决定书、送达凭证…）
    REVOKE_DOCUMENT = "revoke_document", _("Document revoked")  # 文书撤销
    # 好差评 and complaints (evaluation/): the applicant's rating of a contact, each step of a 差评's rectification,
    # each step of a complaint about the case (the summary says which step)
    RATE = "rate", _("Service rated")  # 好差评（一次一评、一事一评）
    RECTIFICATION = "rectification", _("Poor rating: rectification")  # 差评整改（核实、整改或解释、回访、复评）
    COMPLAINT = "complaint", _("Complaint")  # 投诉（受理、答复、责任认定）
