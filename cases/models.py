"""A case (办件): one application for a one-thing, from submission through formal review to receipt and beyond.

A case keeps the one-thing version it was filed under, what the applicant answered, the form values and the
requirements as they stood at submission (so a later catalog change never rewrites what was filed), one row per
selected item (CaseItem: the department's task) and one row per material (CaseMaterial). CaseEvent is the
append-only trail (全程留痕) the timeline shows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField
from core.trail import ChainedEvent

from .choices import CaseAction, CaseStatus, Channel, ItemStatus, MaterialState


class CaseCounter(models.Model):
    """The last sequence number given to a case of a region on a day (the tail of the case number)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="case_counter_unique_per_day")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=30, unique=True)  # 办件编号: 区划代码+日期+序号
    one_thing = models.ForeignKey("catalog.OneThing", on_delete=models.PROTECT, related_name="cases")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    filed_by = models.ForeignKey(  # the applicant online; the window staff member for a walk-in (帮办代办)
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    draft = models.OneToOneField(
        "oneform.ApplicationDraft", null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    submission_key = models.CharField(max_length=64)  # the submit form's token: a retried request finds this case
    answers = models.JSONField(_("guide answers"), default=dict)  # {"q": …, "skip": …, "lic": …}
    values = EncryptedJSONField(_("form values"), default=dict)  # data element key -> value (core.crypto)
    requirements = models.JSONField(_("requirements at submission"), default=dict)  # items, materials, fields
    combined_days = models.PositiveIntegerField(_("combined time limit (working days)"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    review_due_at = models.DateTimeField(_("formal review due"), null=True, blank=True)  # 形式审查时限
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)  # 收件（出具收件回执）
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scan_due_at = models.DateTimeField(_("scanning due"), null=True, blank=True)  # 2 hours from window intake
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)  # 推送至各联办部门
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["applicant", "submission_key"], name="case_unique_submission"),
        ]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["status", "review_due_at"])]

    def __str__(self) -> str:
        return self.number

    def get_status_colour(self) -> str:
        return CaseStatus.colour(self.status)


class CaseItem(models.Model):
    """One selected item of a case: the task of its co-handling department (联办部门)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    one_thing_item = models.ForeignKey("catalog.OneThingItem", on_delete=models.PROTECT, related_name="+")
    service_item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("regions.Department", on_delete=models.PROTECT, related_name="case_items")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.AWAITING_RECEIPT
    )
    promised_days = models.PositiveIntegerField(_("promised time limit (working days)"), null=True, blank=True)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependants")
    # the department's work (issue 4): distribution, acceptance, decision; clocks in working days
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_items"
    )
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)
    acceptance_due_at = models.DateTimeField(_("acceptance due"), null=True, blank=True)  # 1 working day
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)  # 受理: the item's clock starts
    decision_due_on = models.DateField(_("decision due"), null=True, blank=True)  # promised days, + pauses
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)  # 补正/补充材料: the clock stops
    pause_reason = models.TextField(_("reason for the pause"), blank=True)
    paused_workdays = models.PositiveIntegerField(_("working days paused"), default=0)
    urged_at = models.DateTimeField(_("last urged at"), null=True, blank=True)  # 催办
    clock_flag = models.CharField(_("clock"), max_length=10, blank=True)  # "", warning, overdue: set by the scan
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)  # ended: decided, stopped, withdrawn
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(_("reasons"), blank=True)  # 不予受理/不予许可 reasons, or why it stopped
    remedies = models.TextField(_("legal remedies"), blank=True)  # 行政复议、行政诉讼
    result_number = models.CharField(_("result number"), max_length=60, blank=True)  # licence number
    result_valid_until = models.DateField(_("valid until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "order", "id"]
        verbose_name = _("case item")
        verbose_name_plural = _("case items")
        constraints = [models.UniqueConstraint(fields=["case", "one_thing_item"], name="case_item_unique")]
        indexes = [
            models.Index(fields=["department", "status"]),
            # the deadline scan (approvals.scans): open items by clock flag and due moment, nothing else
            models.Index(
                fields=["clock_flag", "acceptance_due_at"],
                condition=models.Q(status__in=["queued"]),
                name="caseitem_acceptance_clock",
            ),
            models.Index(
                fields=["clock_flag", "decision_due_on"],
                condition=models.Q(status__in=["accepted", "pre_review"]),
                name="caseitem_decision_clock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.name}"

    def get_status_colour(self) -> str:
        return ItemStatus.colour(self.status)


def case_material_path(instance: CaseMaterial, filename: str) -> str:
    extension = filename[filename.rfind(".") :] if "." in filename else ""
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}{extension[:5]}"


class CaseMaterial(models.Model):
    """One material type of the case's one set of materials, with its file or the reason there is none."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material_type = models.ForeignKey("catalog.MaterialType", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    items = models.JSONField(_("needed by"), default=list)  # names of the items that need it
    state = models.CharField(_("state"), max_length=20, choices=MaterialState.choices)
    deferrable = models.BooleanField(_("may be supplied later (容缺)"), default=False)
    commitment_allowed = models.BooleanField(_("may be replaced by a commitment (告知承诺)"), default=False)
    exemption = models.CharField(_("exempt because"), max_length=200, blank=True)  # licence type or data source
    file = models.FileField(_("file"), upload_to=case_material_path, max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=50, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    deferred_until = models.DateField(_("to be supplied by"), null=True, blank=True)  # 容缺补齐期限
    commitment_text = models.TextField(_("commitment"), blank=True)
    committed_at = models.DateTimeField(_("commitment signed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "order", "id"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        constraints = [models.UniqueConstraint(fields=["case", "material_type"], name="case_material_unique")]

    def __str__(self) -> str:
        return f"{self.case} · {self.name}"

    def get_state_colour(self) -> str:
        return MaterialState.colour(self.state)

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class CorrectionNotice(models.Model):
    """一次性告知补正通知书: every missing or non-conforming material and field, listed at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    round = models.PositiveIntegerField(_("round"))
    points = models.JSONField(_("points"))  # [{"kind": PointKind, "key": str, "name": str, "reason": str}]
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "round"]
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="correction_notice_unique_round")]

    def __str__(self) -> str:
        return f"{self.case} · {self.round}"

    def keys(self, kind: str) -> set[str]:
        return {p["key"] for p in self.points if p.get("kind") == kind}


class CaseEvent(ChainedEvent):
    """Append-only trail: who did what to the case, when, from which channel and address, before and after."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    item = models.ForeignKey(CaseItem, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=CaseAction.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=100)  # "系统" for scheduled work
    channel = models.CharField(_("channel"), max_length=20, blank=True)  # online, window, department, system…
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    summary = models.TextField(_("summary"), blank=True)  # shown to the applicant
    internal_note = models.TextField(_("internal note"), blank=True)  # staff only
    detail = EncryptedJSONField(_("detail"), default=dict, blank=True)  # before/after of what changed

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case} {self.at:%Y-%m-%d %H:%M} {self.action}"


def supplement_path(instance: SupplementAnswer, filename: str) -> str:
    extension = filename[filename.rfind(".") :] if "." in filename else ""
    return f"cases/{instance.item.case_id}/supplements/{uuid.uuid4().hex}{extension[:5]}"


class SupplementAnswer(models.Model):
    """The applicant's answer to a department's request for a supplement (补充材料): a reply and/or a file. Filing
    it resumes the item's clock (approvals.services.do_answer_supplement)."""

    item = models.ForeignKey(CaseItem, on_delete=models.PROTECT, related_name="supplement_answers")
    request_reason = models.TextField(_("what was asked"))  # the department's words, as they were
    reply = models.TextField(_("reply"), blank=True)
    file = models.FileField(_("file"), upload_to=supplement_path, max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField(_("answered at"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item", "answered_at", "id"]
        verbose_name = _("supplement answer")
        verbose_name_plural = _("supplement answers")

    def __str__(self) -> str:
        return f"{self.item} · {self.answered_at:%Y-%m-%d %H:%M}"

    @property
    def has_file(self) -> bool:
        return bool(self.file)
