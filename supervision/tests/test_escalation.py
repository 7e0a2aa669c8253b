"""督办: raised by a supervisor or by the scan, answered by the department, closed; each an event on the timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from approvals import services as approvals
from approvals.tests.conftest import FIRE, FOOD, at, item_of, user
from cases.choices import CaseAction
from core.errors import ConflictError, UserFacingError
from notifications.models import Message
from supervision import scans
from supervision.choices import EscalationSource, EscalationStatus
from supervision.models import Escalation
from supervision.services import AnswerRefused, do_answer_escalation, do_close_escalation, do_escalate_item

pytestmark = pytest.mark.django_db


def test_a_supervisor_escalates_a_late_item_and_the_department_answers(scenario):
    fire = item_of(scenario.a, FIRE)
    with at("2026-11-20 12:00"):
        escalation = do_escalate_item(fire, "请于三日内办结", acting_user=user("xinxiang_supervisor"))
    assert escalation.status == EscalationStatus.OPEN and escalation.source == EscalationSource.SUPERVISOR
    assert escalation.overdue_workdays == 10  # due 11-06: 11-09 … 11-20
    event = fire.events.get(action=CaseAction.ESCALATE_ITEM)
    assert event.internal_note == "请于三日内办结" and event.actor.username == "xinxiang_supervisor"
    told = set(Message.objects.filter(kind="supervision.escalated").values_list("recipient__username", flat=True))
    assert {"xinxiang_rev_fire_rescue", "xinxiang_head_fire_rescue"} <= told
    assert "xinxiang_rev_market" not in told

    with at("2026-11-20 12:05"), pytest.raises(ConflictError):  # one open 督办 per item
        do_escalate_item(fire, "再次督办", acting_user=user("xinxiang_supervisor"))

    with at("2026-11-20 14:00"):
        with pytest.raises(AnswerRefused) as refused:  # no reason, a Saturday: both said, nothing written
            do_answer_escalation(escalation, " ", dt.date(2026, 11, 21), acting_user=user("xinxiang_rev_fire_rescue"))
        assert set(refused.value.errors) == {"reason", "new_due_on"}
        with pytest.raises(UserFacingError):  # another department
            do_answer_escalation(escalation, "人手不足", dt.date(2026, 11, 24), acting_user=user("xinxiang_rev_market"))
        escalation.refresh_from_db()
        assert escalation.status == EscalationStatus.OPEN
        do_answer_escalation(
            escalation, "等待现场复核", dt.date(2026, 11, 24), acting_user=user("xinxiang_head_fire_rescue")
        )
    escalation.refresh_from_db()
    assert (escalation.status, escalation.new_due_on, escalation.answer) == (
        EscalationStatus.ANSWERED,
        dt.date(2026, 11, 24),
        "等待现场复核",
    )
    assert fire.events.filter(action=CaseAction.ANSWER_ESCALATION).count() == 1
    assert Message.objects.filter(kind="supervision.answered", recipient__username="xinxiang_supervisor").exists()

    with at("2026-11-20 15:00"):
        do_close_escalation(escalation, "同意", acting_user=user("xinxiang_supervisor"))
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CLOSED
    assert fire.events.filter(action=CaseAction.CLOSE_ESCALATION).count() == 1


def test_only_an_open_item_of_the_supervisors_region_can_be_escalated(scenario):
    with at("2026-11-20 12:00"):
        with pytest.raises(ConflictError):  # decided
            do_escalate_item(item_of(scenario.a, FOOD), "催", acting_user=user("xinxiang_supervisor"))
        with pytest.raises(UserFacingError):  # another county's supervisor
            do_escalate_item(item_of(scenario.a, FIRE), "催", acting_user=user("minquan_supervisor"))
        with pytest.raises(UserFacingError):  # no note
            do_escalate_item(item_of(scenario.a, FIRE), "  ", acting_user=user("xinxiang_supervisor"))
    assert not Escalation.objects.exists()


def test_the_scan_escalates_an_item_overdue_long_enough_once_and_closes_it_when_the_item_ends(scenario, settings):
    fire = item_of(scenario.a, FIRE)
    settings.SUPERVISION_ESCALATE_AFTER_WORKDAYS = 11  # the fire check is 10 working days late on 11-20
    with at("2026-11-20 12:00"):
        assert scans.scan_escalations()["escalated"] == 0
    settings.SUPERVISION_ESCALATE_AFTER_WORKDAYS = 10
    with at("2026-11-20 12:00"):
        assert scans.scan_escalations()["escalated"] == 1
        assert scans.scan_escalations()["escalated"] == 0  # once
    escalation = Escalation.objects.get()
    assert (escalation.item_id, escalation.source, escalation.raised_by) == (fire.pk, EscalationSource.AUTOMATIC, None)
    assert fire.events.get(action=CaseAction.ESCALATE_ITEM).actor_label  # the system
    told = set(Message.objects.filter(kind="supervision.escalated").values_list("recipient__username", flat=True))
    assert {"xinxiang_head_fire_rescue", "xinxiang_supervisor"} <= told

    with at("2026-11-23 10:00"):
        approvals.do_approve_item(fire, acting_user=user("xinxiang_rev_fire_rescue"))
        assert scans.scan_escalations() == {"escalated": 0, "ended": 1}
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CLOSED


def test_the_candidates_are_exactly_the_items_overdue_long_enough(scenario, settings):
    """The SQL selection against the clock read item by item, at several moments and thresholds."""
    from cases.models import CaseItem
    from supervision.services import overdue_workdays
    from workcalendar.services import WorkingCalendar

    calendar = WorkingCalendar()
    for moment in ("2026-11-03 18:00", "2026-11-05 10:00", "2026-11-10 09:00", "2026-11-20 12:00"):
        for days in (1, 2, 5):
            settings.SUPERVISION_ESCALATE_AFTER_WORKDAYS = days
            with at(moment):
                from django.utils import timezone

                now = timezone.now()
                selected = set(
                    CaseItem.objects.filter(scans.candidates_filter(now, calendar)).values_list("pk", flat=True)
                )
                expected = {
                    i.pk
                    for i in CaseItem.objects.filter(status__in=(*scans.ACCEPTANCE, *scans.DECISION))
                    if overdue_workdays(i, now, calendar) >= days
                }
            assert selected == expected, (moment, days)
