"""好差评 and complaints (issue 14, points 4 and 5).

Rating: one applicant's rating of one contact of a case (`contact`: "intake", "item:<pk>", "delivery", "whole" —
derived from the case's events by contacts.py), one per contact and round: a re-rating after a rectification's call
back is round 2, and the rating it replaces stops being `current`. Rectification (差评整改): opened with a 差评 in the
same transaction, handled by the department responsible for the step rated. Complaint (投诉): about a case or not,
routed to a department and the region's supervisors; ComplaintEvent is its append-only trail (a complaint about a
case also writes each step on the case's timeline).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField

from .choices import (
    ComplaintStatus,
    ContactKind,
    Finding,
    Level,
    RatingChannel,
    RectificationStatus,
)


class Rating(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ratings")
    contact = models.CharField(_("contact"), max_length=40)  # contacts.Contact.key
    kind = models.CharField(_("what is rated"), max_length=10, choices=ContactKind.choices)
    item = models.ForeignKey("cases.CaseItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(  # responsible for the step rated (contacts.py)
        "regions.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")  # the case's
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    current = models.BooleanField(_("current"), default=True)  # False once re-rated
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)  # choices.Reason values
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    rated_by = models.ForeignKey(  # None: anonymous (an SMS link or the window's screen)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["case", "contact", "round"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["case", "contact", "round"], name="rating_unique_round"),
            models.UniqueConstraint(
                fields=["case", "contact"], condition=models.Q(current=True), name="rating_one_current_per_contact"
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        indexes = [
            models.Index(fields=["region", "rated_at"], name="rating_region_time"),
            models.Index(fields=["department", "rated_at"], name="rating_department_time"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.contact} · {self.level}"

    @property
    def is_poor(self) -> bool:
        return self.level <= Level.DISSATISFIED


class Rectification(models.Model):
    """差评整改: verify (核实) within RATING_VERIFY_WORKDAYS, rectify or explain within RATING_ANSWER_WORKDAYS,
    call the applicant back (回访), who may re-rate."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="rectifications")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "regions.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="rectifications"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    verify_due_on = models.DateField(_("verification due"))
    answer_due_on = models.DateField(_("rectification or explanation due"))
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    verification = models.TextField(_("what the verification found"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("rectification or explanation"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    callback_note = models.TextField(_("call back"), blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rerating = models.OneToOneField(Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="rerating_of")

    class Meta:
        ordering = ["verify_due_on", "id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"{self.case} · {self.rating.contact}"

    def get_status_colour(self) -> str:
        return RectificationStatus.colour(self.status)


class Complaint(models.Model):
    """投诉: routed to `department` and the region's supervisors; answered by `due_on`; responsibility recorded when
    upheld (000 第二十二条: 经核查属实，由相应责任人或责任单位承担责任)."""

    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "regions.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    name = models.CharField(_("name"), max_length=60)
    mobile = EncryptedCharField(_("mobile"), blank=True)
    text = models.TextField(_("complaint"))
    status = models.CharField(_("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    filed_at = models.DateTimeField(_("filed at"))
    due_on = models.DateField(_("answer due"))
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.CharField(_("responsible person or unit"), max_length=200, blank=True)
    responsibility = models.TextField(_("responsibility borne"), blank=True)
    responsibility_recorded_at = models.DateTimeField(_("responsibility recorded at"), null=True, blank=True)
    responsibility_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"TS{self.filed_at:%Y%m%d}{self.pk:05d}" if self.pk and self.filed_at else ""

    def get_status_colour(self) -> str:
        return ComplaintStatus.colour(self.status)


class ComplaintEvent(models.Model):
    """Append-only trail of a complaint (with or without a case)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=100)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint} {self.at:%Y-%m-%d %H:%M} {self.action}"
