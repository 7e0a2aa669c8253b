"""`manage.py demo_cases`: demo cases in every state, each state change recorded, `--reset` removing only them.

The command works at the real time; the test travels to a Wednesday afternoon of 2026 (office hours, a month after
National Day) so that the working calendar and the spread over the last 30 days are the same whenever it runs.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import User
from cases.choices import CaseAction, CaseStatus, ItemStatus
from cases.management.commands.demo_cases import KEY_PREFIX, credit_code, id_number
from cases.models import Case, CaseEvent
from core.validators import validate_credit_code, validate_id_number
from notifications.models import Message

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
WEDNESDAY = dt.datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)


# Events of an item that change its status (to_status); others about an item (clock, urge, e-licence, delivery)
# leave it as it was.
ITEM_CHANGES = {
    CaseAction.ACCEPT_ITEM,
    CaseAction.PRE_REVIEW_ITEM,
    CaseAction.REFUSE_ITEM,
    CaseAction.APPROVE_ITEM,
    CaseAction.DENY_ITEM,
    CaseAction.PAUSE_ITEM,
    CaseAction.RESUME_ITEM,
    CaseAction.RELEASE_ITEM,
    CaseAction.STOP_ITEM,
}


def replay(case: Case) -> tuple[str, dict[int, str]]:
    """The case's status and its items' statuses as its events tell them (the trail alone, in order)."""
    status = ""
    items = {item.pk: ItemStatus.AWAITING_RECEIPT for item in case.items.all()}
    for event in case.events.order_by("at", "id"):
        if event.item_id is not None:
            if event.action in ITEM_CHANGES:
                items[event.item_id] = event.to_status
            continue
        if event.to_status:
            status = event.to_status
        if event.action == CaseAction.DISTRIBUTE:  # one event for the case: every item listed reached its queue
            items.update(dict.fromkeys(event.detail["items"], ItemStatus.QUEUED))
        elif event.action == CaseAction.WITHDRAW:  # one event for the case: every open item listed ended
            items.update(dict.fromkeys(event.detail["items"], ItemStatus.WITHDRAWN))
    return status, items


@pytest.fixture
def demo_run(media_root, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with time_machine.travel(WEDNESDAY, tick=True), django_capture_on_commit_callbacks(execute=True):
        call_command("demo_cases", count=12, stdout=out)  # the messages go out (the test runs in a transaction)
    return out.getvalue()


def test_demo_cases_cover_every_state_and_record_every_change(submitted_restaurant_case, demo_run):
    demo = Case.objects.filter(submission_key__startswith=KEY_PREFIX)
    assert demo.count() == 12
    case_states = set(demo.values_list("status", flat=True))
    item_states = set(demo.values_list("items__status", flat=True))
    assert case_states == set(CaseStatus.values)  # the first twelve plans reach every case state
    assert len(item_states) >= 8
    assert {
        ItemStatus.PRE_REVIEW,
        ItemStatus.SUPPLEMENT,
        ItemStatus.STOPPED,
        ItemStatus.AWAITING_RECEIPT,
    } <= item_states

    for case in demo.prefetch_related("items"):
        status, items = replay(case)
        assert status == case.status, case.number
        assert items == {item.pk: item.status for item in case.items.all()}, case.number
        submitted = case.events.get(action__in=[CaseAction.SUBMIT, CaseAction.FILE_WALK_IN])
        assert submitted.at == case.submitted_at
        assert WEDNESDAY - dt.timedelta(days=45) < case.submitted_at < WEDNESDAY

    spread = {c.submitted_at.date() for c in demo}
    assert len(spread) >= 6  # over the last weeks, not all today
    events = CaseEvent.objects.filter(case__in=demo)
    assert events.filter(action=CaseAction.CLOCK_OVERDUE, item__isnull=False).exists()  # items' clocks
    assert events.filter(action=CaseAction.CLOCK_WARNING, item__isnull=False).exists()
    assert events.filter(action=CaseAction.CLOCK_OVERDUE, item__isnull=True).exists()  # a formal review
    assert Message.objects.filter(case_number__in=demo.values("number")).exists()  # the applicants were told
    # 督办 (supervision): one raised by the county's supervisor, one answered by the department, each on the timeline
    assert events.filter(action=CaseAction.ESCALATE_ITEM, channel="supervision").exists()
    assert events.filter(action=CaseAction.ANSWER_ESCALATION).exists()
    assert "督办: 1 by a supervisor" in demo_run
    for status in (CaseStatus.COMPLETED, CaseStatus.WITHDRAWN, CaseStatus.CORRECTION):
        assert str(CaseStatus(status).label) in demo_run  # the summary table

    from evaluation.models import Complaint, Rating  # 好差评 and complaints of the first twelve plans

    assert set(Rating.objects.filter(case__in=demo).values_list("level", flat=True)) >= {4, 5}  # the marriage's
    assert Complaint.objects.filter(case__in=demo, status="open").count() == 1  # about the refused sign
    assert set(Complaint.objects.filter(case__isnull=True).values_list("status", flat=True)) == {"open", "closed"}

    numbers = list(demo.values_list("number", flat=True))
    out = io.StringIO()
    call_command("demo_cases", reset=True, count=0, stdout=out)
    assert "Deleted 12" in out.getvalue()
    assert not Case.objects.filter(submission_key__startswith=KEY_PREFIX).exists()
    assert not Message.objects.filter(case_number__in=numbers).exists()
    assert not Rating.objects.exists() and not Complaint.objects.exists()
    assert Case.objects.filter(pk=submitted_restaurant_case.pk).exists()  # not a demo case: untouched
    assert User.objects.filter(username="demo_hotpot").exists()  # the fictional applicants stay


def test_generated_numbers_pass_the_national_checks():
    validate_id_number(id_number("411421", "19940618", 3, True))
    validate_id_number(id_number("410721", "19930923", 5, False))
    validate_credit_code(credit_code("92", "411421", "MA9XHG7Q1"))
    assert int(id_number("411421", "19940618", 3, True)[16]) % 2 == 1  # men odd
    assert int(id_number("411421", "19960209", 4, False)[16]) % 2 == 0
