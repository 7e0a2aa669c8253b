"""Supervision (电子监察): the figures' summary rows and the 督办 (escalation) record.

CaseFact and ItemFact are a projection of the case trail (cases.CaseEvent): one row per case and per distributed
case item, written by the ON_EVENT hook of cases.kernel inside the transaction of the event that changes them
(supervision/facts.py), so the figures read a few indexed columns instead of walking the events of a million items.
`facts.rebuild` recomputes them from the events alone; the tests check that the two always agree. Nothing else
writes them.

Escalation is a 督办: a supervisor's (or the automatic scan's) demand to a department about one late item, answered
by the department with a reason and a new date; its state table is supervision/rules.py ESCALATION.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import EscalationSource, EscalationStatus


class CaseFact(models.Model):
    """What supervision counts about one case: filing, formal review, receipt, 容缺, 告知承诺 (from its events)."""

    case = models.OneToOneField("cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    one_thing_code = models.CharField(max_length=40)
    channel = models.CharField(max_length=10)
    status = models.CharField(max_length=20)  # the case's status after its last event
    submitted_at = models.DateTimeField()
    submitted_on = models.DateField()  # local date: the period of the formal-review figures
    review_due_at = models.DateTimeField(null=True)  # the first formal review's clock (online only)
    reviewed_at = models.DateTimeField(null=True)  # received, or one correction notice issued: the first review
    review_minutes = models.PositiveIntegerField(null=True)  # working minutes from filing to that review
    received_at = models.DateTimeField(null=True)
    received_on = models.DateField(null=True)
    withdrawn_at = models.DateTimeField(null=True)
    deferred = models.JSONField(default=dict)  # 容缺 outstanding: material key -> due date
    deferred_first_due = models.DateField(null=True)  # the earliest of them (overdue when before today)
    committed = models.PositiveSmallIntegerField(default=0)  # materials replaced by a signed 告知承诺

    class Meta:
        indexes = [
            models.Index(
                fields=["region", "submitted_on"],
                include=["case", "one_thing_code", "channel", "reviewed_at", "review_due_at", "review_minutes"],
                name="casefact_region_submitted",
            ),
            models.Index(
                fields=["region", "received_on"],
                include=["case", "one_thing_code", "committed", "status"],
                name="casefact_region_received",
            ),
            models.Index(
                fields=["region", "deferred_first_due"],
                condition=models.Q(deferred_first_due__isnull=False),
                name="casefact_deferred_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}"


class ItemFact(models.Model):
    """What supervision counts about one distributed case item (a department's task), from its events."""

    item = models.OneToOneField("cases.CaseItem", primary_key=True, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    one_thing_code = models.CharField(max_length=40)
    department = models.ForeignKey("regions.Department", on_delete=models.PROTECT, related_name="+")
    service_item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20)  # the item's status after its last event
    received_at = models.DateTimeField()  # distributed to the department (收件 pushed to its queue)
    received_on = models.DateField()  # local date: the period of the item figures
    acceptance_due_at = models.DateTimeField(null=True)  # 1 working day
    acceptance_at = models.DateTimeField(null=True)  # accepted (or pre-review) or refused
    accepted_on = models.DateField(null=True)
    decision_due_on = models.DateField(null=True)  # promised days, moved by pauses
    decided_at = models.DateTimeField(null=True)  # approved or denied (办结)
    decided_on = models.DateField(null=True)
    decision_workdays = models.PositiveIntegerField(null=True)  # accepted → decided, less the days paused
    paused_workdays = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True)
    delivery_late = models.BooleanField(null=True)  # the same-day delivery limit missed

    class Meta:
        indexes = [
            # the figures of a period read only this index (PostgreSQL: an index-only scan; elsewhere the key only)
            models.Index(
                fields=["region", "received_on"],
                include=[
                    "one_thing_code",
                    "department",
                    "service_item",
                    "status",
                    "acceptance_at",
                    "acceptance_due_at",
                    "decided_on",
                    "decision_due_on",
                    "decision_workdays",
                    "delivery_late",
                ],
                name="itemfact_region_received",
            ),
            models.Index(fields=["department", "received_on"], name="itemfact_department_received"),
            models.Index(fields=["one_thing_code", "received_on"], name="itemfact_thing_received"),
            # what stands now (overdue, paused), whatever the period: the running clocks of open items
            models.Index(
                fields=["region", "acceptance_due_at"],
                include=["item", "one_thing_code", "department", "service_item", "status"],
                condition=models.Q(status="queued"),
                name="itemfact_acceptance_open",
            ),
            models.Index(
                fields=["region", "decision_due_on"],
                include=["item", "one_thing_code", "department", "service_item", "status"],
                condition=models.Q(status__in=["accepted", "pre_review"]),
                name="itemfact_decision_open",
            ),
            models.Index(
                fields=["region"],
                include=["item", "one_thing_code", "department", "service_item"],
                condition=models.Q(status="supplement"),
                name="itemfact_paused",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}"


class Escalation(models.Model):
    """督办: one demand about one late item, to its department (and its head), with the department's answer."""

    item = models.ForeignKey("cases.CaseItem", on_delete=models.PROTECT, related_name="escalations")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="escalations")
    status = models.CharField(
        _("status"), max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    source = models.CharField(_("raised"), max_length=10, choices=EscalationSource.choices)
    note = models.TextField(_("note"))  # what the supervisor demands, or why the scan raised it
    overdue_workdays = models.PositiveIntegerField(_("working days overdue when raised"), default=0)
    raised_at = models.DateTimeField(_("raised at"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("reason given"), blank=True)  # the department's reason for the delay
    new_due_on = models.DateField(_("new date"), null=True, blank=True)  # the date it commits to
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [  # one open 督办 per item at a time: a second one is the same demand again
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="open"), name="escalation_one_open_per_item"
            )
        ]
        indexes = [models.Index(fields=["status", "raised_at"], name="escalation_status")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.item_id} · {self.status}"

    def get_status_colour(self) -> str:
        return EscalationStatus.colour(self.status)
