"""Joint inspection (联合勘验/评审): the lead department books one visit for several items, then records every result.

The restaurant's lead department is 市场监管局 (MARKET): xinxiang_lead organises; the fire check and the food
licence are inspected together. 2026-11-24 is a Tuesday; 2026-11-28 a Saturday.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from approvals import services
from approvals.choices import InspectionResult, InspectionStatus
from approvals.models import JointInspection
from cases.choices import CaseAction
from core.errors import ConflictError, UserFacingError
from notifications.models import Message

from .conftest import FIRE, FOOD, LICENCE, SHANGHAI, SIGN, at, item_of, restaurant_case, user

pytestmark = pytest.mark.django_db


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def book(case, items, when="2026-11-26 10:00", place="新乡县七里营镇演示路88号", username="xinxiang_lead"):
    return services.do_book_inspection(case, items, moment(when), place, acting_user=user(username))


def test_lead_books_and_records_a_joint_inspection(django_capture_on_commit_callbacks):
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        food, fire = item_of(case, FOOD), item_of(case, FIRE)
        with django_capture_on_commit_callbacks(execute=True):
            inspection = book(case, [food, fire])
    assert inspection.status == InspectionStatus.PLANNED
    assert inspection.organised_by == case.one_thing.lead_department
    assert set(inspection.items.all()) == {food, fire}
    event = case.events.get(action=CaseAction.BOOK_INSPECTION)
    assert "2026-11-26 10:00" in event.summary and "演示路88号" in event.summary
    sent = Message.objects.filter(recipient=case.applicant, kind="inspection.booked")
    assert set(sent.values_list("channel", flat=True)) == {"site", "sms"}
    assert all("2026-11-26 10:00" in m.body for m in sent)

    with at("2026-11-26 09:00"), pytest.raises(ConflictError):  # not yet taken place
        services.do_record_inspection_outcome(
            inspection, {food.pk: ("pass", ""), fire.pk: ("pass", "")}, acting_user=user("xinxiang_lead")
        )
    with at("2026-11-26 11:30"):
        with pytest.raises(UserFacingError):  # every item at once
            services.do_record_inspection_outcome(
                inspection, {food.pk: ("pass", "")}, acting_user=user("xinxiang_lead")
            )
        with pytest.raises(UserFacingError):  # a failure says why
            services.do_record_inspection_outcome(
                inspection, {food.pk: ("pass", ""), fire.pk: ("needs_fix", "")}, acting_user=user("xinxiang_lead")
            )
        with pytest.raises(UserFacingError):  # the reviewer of one department does not organise
            services.do_record_inspection_outcome(
                inspection, {food.pk: ("pass", ""), fire.pk: ("pass", "")}, acting_user=user("xinxiang_rev_fire_rescue")
            )
        done = services.do_record_inspection_outcome(
            inspection,
            {food.pk: ("pass", ""), fire.pk: ("needs_fix", "安全出口指示灯不亮")},
            acting_user=user("xinxiang_lead"),
        )
        with pytest.raises(ConflictError):  # recorded once
            services.do_record_inspection_outcome(
                inspection, {food.pk: ("pass", ""), fire.pk: ("pass", "")}, acting_user=user("xinxiang_lead")
            )
    assert done.status == InspectionStatus.DONE and done.recorded_by == user("xinxiang_lead")
    results = {o.item.name: (o.result, o.note) for o in done.outcomes.select_related("item")}
    assert results == {FOOD: (InspectionResult.PASS, ""), FIRE: (InspectionResult.NEEDS_FIX, "安全出口指示灯不亮")}
    recorded = case.events.get(action=CaseAction.RECORD_INSPECTION)
    assert "安全出口指示灯不亮" in recorded.summary


@pytest.mark.parametrize(
    ("username", "when", "place"),
    [
        ("xinxiang_rev_market", "2026-11-26 10:00", "现场"),  # a reviewer, not the lead role
        ("xinxiang_rev_fire_rescue", "2026-11-26 10:00", "现场"),
        ("minquan_lead", "2026-11-26 10:00", "现场"),  # the lead of another county
        ("xinxiang_supervisor", "2026-11-26 10:00", "现场"),
        ("xinxiang_lead", "2026-11-24 09:30", "现场"),  # in the past
        ("xinxiang_lead", "2026-11-28 10:00", "现场"),  # Saturday
        ("xinxiang_lead", "2026-11-26 12:30", "现场"),  # lunch break
        ("xinxiang_lead", "2026-11-26 17:00", "现场"),  # the office has closed
        ("xinxiang_lead", "2026-11-26 10:00", "  "),  # nowhere
    ],
)
def test_booking_is_refused(username, when, place):
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        with pytest.raises(UserFacingError):
            book(case, [item_of(case, FOOD), item_of(case, FIRE)], when=when, place=place, username=username)
    assert not JointInspection.objects.filter(case=case).exists()
    assert not case.events.filter(action=CaseAction.BOOK_INSPECTION).exists()


def test_only_open_items_of_this_case_can_be_inspected():
    with at("2026-11-24 10:00"):
        case, other = restaurant_case(), restaurant_case()
        services.do_refuse_item(item_of(case, SIGN), "禁设区域", acting_user=user("xinxiang_rev_housing_construction"))
        with pytest.raises(ConflictError):
            book(case, [item_of(case, FOOD), item_of(case, SIGN)])
        with pytest.raises(UserFacingError):
            book(case, [item_of(case, FOOD), item_of(other, FIRE)])
        with pytest.raises(UserFacingError):
            book(case, [])
    assert not JointInspection.objects.exists()


def test_inspection_through_the_task_page(client_for, settings):
    settings.STAFF_IDLE_MINUTES = (
        60 * 24 * 30
    )  # the same sessions act on several days (the idle timeout: accounts tests)
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        food, fire, licence = item_of(case, FOOD), item_of(case, FIRE), item_of(case, LICENCE)
        lead = client_for("xinxiang_lead")
        page = lead.get(reverse("approvals:task", args=[fire.pk]))  # the lead sees another department's item
        assert page.context["book_form"] is not None
        assert (
            client_for("xinxiang_rev_fire_rescue").get(reverse("approvals:task", args=[fire.pk])).context["book_form"]
            is None
        )
        url = reverse("approvals:book_inspection", args=[fire.pk])
        incomplete = lead.post(url, {"items": [food.pk, fire.pk], "scheduled_at": "2026-11-26T10:00"})
        assert incomplete.status_code == 400 and incomplete.context["book_form"].errors["place"]
        saturday = lead.post(url, {"items": [food.pk], "scheduled_at": "2026-11-28T10:00", "place": "现场"})
        assert saturday.status_code == 400
        refused = client_for("xinxiang_rev_fire_rescue").post(
            url, {"items": [food.pk, fire.pk], "scheduled_at": "2026-11-26T10:00", "place": "现场"}
        )
        assert refused.status_code == 403
        booked = lead.post(
            url, {"items": [food.pk, fire.pk, licence.pk], "scheduled_at": "2026-11-26T10:00", "place": "现场"}
        )
        assert booked.status_code == 302
    inspection = JointInspection.objects.get(case=case)
    assert set(inspection.items.all()) == {food, fire, licence}
    record = reverse("approvals:record_inspection", args=[fire.pk, inspection.pk])
    with at("2026-11-26 11:00"):
        market_view = client_for("xinxiang_rev_market").get(reverse("approvals:task", args=[food.pk]))
        assert [i.pk for i in market_view.context["inspections"]] == [inspection.pk]  # every department sees it
        assert market_view.context["inspections"][0].outcome_form is None
        missing = lead.post(record, {f"result_{food.pk}": "pass", f"result_{fire.pk}": "pass"})
        assert missing.status_code == 400  # the licence check has no result
        done = lead.post(
            record,
            {
                f"result_{food.pk}": "pass",
                f"result_{fire.pk}": "fail",
                f"note_{fire.pk}": "疏散通道堵塞",
                f"result_{licence.pk}": "pass",
            },
        )
        assert done.status_code == 302
        again = lead.post(
            record, {f"result_{food.pk}": "pass", f"result_{fire.pk}": "pass", f"result_{licence.pk}": "pass"}
        )
    assert again.status_code == 409
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DONE
    assert inspection.outcomes.get(item=fire).note == "疏散通道堵塞"


def test_lead_cancels_a_planned_inspection_and_the_applicant_is_told(client_for, django_capture_on_commit_callbacks):
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        food, fire = item_of(case, FOOD), item_of(case, FIRE)
        inspection = book(case, [food, fire])
        url = reverse("approvals:cancel_inspection", args=[fire.pk, inspection.pk])
        key = f"cancel-{inspection.pk}"
        page = client_for("xinxiang_lead").get(reverse("approvals:task", args=[fire.pk]))
        assert reverse("approvals:cancel_inspection", args=[fire.pk, inspection.pk]) in page.content.decode()
        # a department reviewer does not organise; the lead must give a reason
        assert client_for("xinxiang_rev_fire_rescue").post(url, {f"{key}-reason": "改期"}).status_code == 403
        no_reason = client_for("xinxiang_lead").post(url, {f"{key}-reason": "  "})
        assert no_reason.status_code == 400
        assert JointInspection.objects.get(pk=inspection.pk).status == InspectionStatus.PLANNED
        with django_capture_on_commit_callbacks(execute=True):
            done = client_for("xinxiang_lead").post(url, {f"{key}-reason": "申请人申请改期"})
        assert done.status_code == 302
        again = client_for("xinxiang_lead").post(url, {f"{key}-reason": "再次取消"})
        assert again.status_code == 409  # cancelled once
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CANCELLED
    assert inspection.cancel_reason == "申请人申请改期" and inspection.cancelled_by == user("xinxiang_lead")
    event = case.events.get(action=CaseAction.CANCEL_INSPECTION)
    assert "申请人申请改期" in event.summary and event.actor == user("xinxiang_lead")
    sent = Message.objects.filter(recipient=case.applicant, kind="inspection.cancelled")
    assert set(sent.values_list("channel", flat=True)) == {"site", "sms"}
    with at("2026-11-26 11:00"), pytest.raises(ConflictError):  # a cancelled inspection has no outcome
        services.do_record_inspection_outcome(
            inspection, {food.pk: ("pass", ""), fire.pk: ("pass", "")}, acting_user=user("xinxiang_lead")
        )


def test_a_held_inspection_cannot_be_cancelled():
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        food = item_of(case, FOOD)
        inspection = book(case, [food])
    with at("2026-11-26 11:00"):
        services.do_record_inspection_outcome(inspection, {food.pk: ("pass", "")}, acting_user=user("xinxiang_lead"))
        with pytest.raises(ConflictError):
            services.do_cancel_inspection(inspection, "改期", acting_user=user("xinxiang_lead"))
    assert JointInspection.objects.get(pk=inspection.pk).status == InspectionStatus.DONE


def test_withdrawal_calls_off_planned_inspections(django_capture_on_commit_callbacks):
    from cases.services import do_withdraw_case

    with at("2026-11-24 10:00"):
        case = restaurant_case()
        inspection = book(case, [item_of(case, FOOD), item_of(case, FIRE)])
        with django_capture_on_commit_callbacks(execute=True):
            do_withdraw_case(case, "不再开办", acting_user=case.applicant)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CANCELLED and inspection.cancelled_by is None
    event = case.events.get(action=CaseAction.CANCEL_INSPECTION)
    assert event.actor is None and event.channel == "system"
    assert Message.objects.filter(recipient=case.applicant, kind="inspection.cancelled").exists()
