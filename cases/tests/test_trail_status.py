"""status_from_trail: the statuses a case's events give equal the stored ones along a normal case, and a trail
missing a step is reported (bench/kill_and_verify.py checks every case of its load run with it)."""

from __future__ import annotations

import pytest

from accounts.models import User
from approvals import services as approvals
from approvals.demo import example_produced_values
from cases.choices import CaseAction, CaseStatus, ItemStatus
from cases.kernel import Actor, record_event
from cases.models import Case, CaseItem
from cases.queries import TrailStatus, status_from_trail
from cases.services import do_receive_case, do_submit_case, do_withdraw_case

from .conftest import make_ready_draft

pytestmark = pytest.mark.django_db

LICENCE = "企业营业执照信息核验"  # no prerequisite
FOOD = "食品经营许可"  # after LICENCE


def user(username: str) -> User:
    return User.objects.get(username=username)


def stored(case: Case) -> TrailStatus:
    case.refresh_from_db()
    return TrailStatus(case.status, dict(case.items.values_list("pk", "status")), ())


def received(restaurant_one_thing) -> Case:
    enterprise = user("enterprise")
    draft = make_ready_draft(enterprise, restaurant_one_thing, leave_out=())
    case = do_submit_case(draft, "trail-status", acting_user=enterprise)
    assert status_from_trail(case) == stored(case)
    assert set(status_from_trail(case).items.values()) == {ItemStatus.AWAITING_RECEIPT}
    return do_receive_case(case, acting_user=user("xinxiang_window"))


def test_a_case_from_submission_to_completion(restaurant_one_thing, django_capture_on_commit_callbacks):
    market = user("xinxiang_rev_market")
    with django_capture_on_commit_callbacks(execute=True):  # e-licences and announcements on commit, as served
        case = received(restaurant_one_thing)
        assert status_from_trail(case) == stored(case)
        assert set(stored(case).items.values()) == {ItemStatus.QUEUED}
        food = approvals.do_accept_item(case.items.get(name=FOOD), acting_user=market)
        licence = approvals.do_accept_item(case.items.get(name=LICENCE), acting_user=market)
        assert status_from_trail(case) == stored(case)
        assert food.status == ItemStatus.PRE_REVIEW  # waits for LICENCE's result
        approvals.do_approve_item(licence, result_number="91410721MA44XJ2R3B", acting_user=market)
        assert status_from_trail(case) == stored(case)
        food.refresh_from_db()
        assert food.status == ItemStatus.ACCEPTED  # released by the system: an item event it did not act on
        approvals.do_approve_item(food, produced_values=example_produced_values(food), acting_user=market)
    derived = status_from_trail(case)
    assert derived == stored(case)
    assert derived.case == CaseStatus.COMPLETED
    assert set(derived.items.values()) == {ItemStatus.APPROVED}
    assert case.events.filter(action=CaseAction.ISSUE_LICENCE).exists()  # the trail goes on after the decisions


def test_a_withdrawal_ends_the_open_items_in_the_trail(restaurant_one_thing):
    case = received(restaurant_one_thing)
    approvals.do_accept_item(case.items.get(name=LICENCE), acting_user=user("xinxiang_rev_market"))
    do_withdraw_case(case, "不再开店", acting_user=user("enterprise"))
    derived = status_from_trail(case)
    assert derived == stored(case)
    assert derived.case == CaseStatus.WITHDRAWN
    assert set(derived.items.values()) == {ItemStatus.WITHDRAWN}


def test_a_status_changed_without_its_event_differs_from_the_trail(restaurant_one_thing):
    case = received(restaurant_one_thing)
    licence = case.items.get(name=LICENCE)
    CaseItem.objects.filter(pk=licence.pk).update(status=ItemStatus.APPROVED)  # a row written without its event
    derived = status_from_trail(case)
    assert derived.items[licence.pk] == ItemStatus.QUEUED != stored(case).items[licence.pk]
    assert derived.breaks == ()


def test_a_missing_step_is_a_break(restaurant_one_thing):
    case = received(restaurant_one_thing)
    licence = case.items.get(name=LICENCE)
    event = record_event(  # approved from "accepted": the acceptance is not in the trail
        case,
        CaseAction.APPROVE_ITEM,
        Actor(user("xinxiang_rev_market")),
        item=licence,
        from_status=ItemStatus.ACCEPTED,
        to_status=ItemStatus.APPROVED,
    )
    record_event(case, CaseAction.ITEM, Actor(None), from_status=CaseStatus.SUBMITTED, to_status=CaseStatus.IN_PROGRESS)
    derived = status_from_trail(case)
    assert derived.items[licence.pk] == ItemStatus.APPROVED
    assert derived.case == CaseStatus.IN_PROGRESS
    assert len(derived.breaks) == 2
    assert f"event {event.pk} (approve_item)" in derived.breaks[0] and "'queued'" in derived.breaks[0]
    assert "case from 'submitted', the trail has 'received'" in derived.breaks[1]
