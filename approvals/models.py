"""Joint inspections (联合勘验/评审): the lead department brings several departments to the premises at once.

The items of a case that need an on-site check or review (e.g. 食品经营许可 and the fire safety check of a restaurant)
are inspected together, at one time and place the lead department books; the outcome is recorded for each item at
once. Every change goes through approvals.services (do_book_inspection, do_record_inspection_outcome).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import InspectionResult, InspectionStatus


class JointInspection(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="inspections")
    organised_by = models.ForeignKey(  # the one-thing's lead department (牵头部门)
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("organised by")
    )
    scheduled_at = models.DateTimeField(_("scheduled at"))
    place = models.CharField(_("place"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    items = models.ManyToManyField("cases.CaseItem", related_name="inspections", verbose_name=_("items"))
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("booked at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(  # None: by the system (the case was withdrawn)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    class Meta:
        ordering = ["case", "scheduled_at", "id"]
        verbose_name = _("joint inspection")
        verbose_name_plural = _("joint inspections")

    def __str__(self) -> str:
        return f"{self.case} · {self.scheduled_at:%Y-%m-%d %H:%M}"

    def get_status_colour(self) -> str:
        return InspectionStatus.colour(self.status)


class InspectionOutcome(models.Model):
    """The result of a joint inspection for one of its items."""

    inspection = models.ForeignKey(JointInspection, on_delete=models.CASCADE, related_name="outcomes")
    item = models.ForeignKey("cases.CaseItem", on_delete=models.PROTECT, related_name="inspection_outcomes")
    result = models.CharField(_("result"), max_length=10, choices=InspectionResult.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["inspection", "item__order", "item_id"]
        verbose_name = _("inspection outcome")
        verbose_name_plural = _("inspection outcomes")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_outcome_unique")]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.item.name}: {self.result}"

    def get_result_colour(self) -> str:
        return InspectionResult.colour(self.result)
