"""The way of receiving results, delivery by the certificate window, and the archive (004 四(二)5-6; 000 第十六-十七条)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from approvals import services as approvals
from cases.choices import CaseAction, CaseStatus
from core.errors import ConflictError, UserFacingError
from notifications.models import Message
from results import queries, services
from results.choices import DeliveryMode
from results.models import ArchiveRecord, Delivery, DeliveryChoice

from .scenario import CHECK, FIRE, FOOD, SIGN, accept_all, at, item, restaurant_case, reviewer, user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def approve(case, name: str, **kwargs) -> None:
    case_item = item(case, name)
    approvals.do_approve_item(case_item, acting_user=reviewer(case_item), **kwargs)


def ready_names(case) -> list[str]:
    return [i.name for i in queries.ready_for_delivery(case)]


def end_everything(case, capture) -> None:
    """Check, food and fire approved, the signboard refused: the case ends 部分办结."""
    with at("2026-11-23 10:00"), capture(execute=True):
        accept_all(case)
        approve(case, CHECK, result_number="91410721MA44XJ2R3B")
        approve(case, FOOD, result_number="JY14107210001234")
        approve(case, FIRE)
        sign = item(case, SIGN)
        approvals.do_deny_item(sign, "招牌设置位置位于禁设区域", acting_user=reviewer(sign))


def ready_messages(case) -> list[Message]:
    return list(Message.objects.filter(case_number=case.number, kind="result.ready", channel="site"))


def test_unified_delivery_waits_for_every_item(django_capture_on_commit_callbacks, client_for):
    case = restaurant_case()
    with at("2026-11-23 10:00"), django_capture_on_commit_callbacks(execute=True):
        accept_all(case)
        approve(case, CHECK, result_number="91410721MA44XJ2R3B")
        approve(case, FOOD, result_number="JY14107210001234")
    assert queries.choice_for(case).mode == DeliveryMode.UNIFIED  # the default: all together at the window
    assert ready_names(case) == []  # fire and signboard still open
    assert ready_messages(case) == []
    assert case.number not in client_for("xinxiang_delivery").get("/results/window/").content.decode()
    with pytest.raises(ConflictError) as refused:
        services.do_record_delivery(
            case, [item(case, CHECK)], "window", recipient_name="赵六", acting_user=user("xinxiang_delivery")
        )
    assert FIRE in refused.value.message

    with at("2026-11-24 10:00"), django_capture_on_commit_callbacks(execute=True):
        approve(case, FIRE)
        sign = item(case, SIGN)
        approvals.do_deny_item(sign, "招牌设置位置位于禁设区域", acting_user=reviewer(sign))
    case.refresh_from_db()
    assert case.status == CaseStatus.PARTIALLY_COMPLETED
    assert set(ready_names(case)) == {CHECK, FOOD, FIRE, SIGN}  # the denial is delivered too
    assert len(ready_messages(case)) == 1  # told once, when everything ended
    assert case.events.filter(action=CaseAction.RESULTS_READY).count() == 1

    with pytest.raises(services.FieldErrors) as partial:  # unified: everything at once
        services.do_record_delivery(
            case, [item(case, CHECK)], "window", recipient_name="赵六", acting_user=user("xinxiang_delivery")
        )
    assert "items" in partial.value.errors


def test_separate_delivers_each_result_as_it_comes(django_capture_on_commit_callbacks, client_for):
    case = restaurant_case()
    with at("2026-11-23 09:40"):
        services.do_choose_delivery(case, "separate", "window", acting_user=user("enterprise"))
    with at("2026-11-23 10:00"), django_capture_on_commit_callbacks(execute=True):
        accept_all(case)
        approve(case, CHECK, result_number="91410721MA44XJ2R3B")
    assert ready_names(case) == [CHECK]
    window = client_for("xinxiang_delivery")
    page = window.get("/results/window/").content.decode()
    assert case.number in page and CHECK in page

    check = item(case, CHECK)
    with at("2026-11-23 11:00"), django_capture_on_commit_callbacks(execute=True):
        response = window.post(
            f"/results/window/{case.number}/deliver/",
            {f"c{case.pk}-items": [check.pk], f"c{case.pk}-method": "window", f"c{case.pk}-recipient_name": "赵六"},
        )
    assert response.status_code == 302
    assert ready_names(case) == []
    with at("2026-11-24 10:00"), django_capture_on_commit_callbacks(execute=True):
        approve(case, FOOD, result_number="JY14107210001234")
    assert ready_names(case) == [FOOD]
    assert len(ready_messages(case)) == 2  # one per result
    delivery = services.do_record_delivery(
        case, [item(case, FOOD)], "window", recipient_name="赵六", acting_user=user("xinxiang_window")
    )
    assert [i.name for i in delivery.items.all()] == [FOOD]
    assert Delivery.objects.filter(case=case).count() == 2


def test_post_needs_unified_an_address_and_a_tracking_number(django_capture_on_commit_callbacks, client_for):
    case = restaurant_case()
    enterprise = user("enterprise")
    with pytest.raises(services.FieldErrors) as separate:
        services.do_choose_delivery(
            case, "separate", "post", "新乡县演示路88号", "赵六", "13800000002", acting_user=enterprise
        )
    assert "method" in separate.value.errors
    with pytest.raises(services.FieldErrors) as bare:
        services.do_choose_delivery(case, "unified", "post", phone="123", acting_user=enterprise)
    assert set(bare.value.errors) == {"address", "recipient", "phone"}
    assert not DeliveryChoice.objects.filter(case=case).exists()

    page = client_for("enterprise").post(
        f"/results/case/{case.number}/delivery/",
        {
            "mode": "separate",
            "method": "post",
            "address": "新乡县演示路88号",
            "recipient": "赵六",
            "phone": "13800000002",
        },
    )
    assert page.status_code == 400 and "errorlist" in page.content.decode()

    with at("2026-11-23 09:40"):
        choice = services.do_choose_delivery(
            case, "unified", "post", "河南省新乡县演示路88号", "赵六", "138 0000 0002", acting_user=enterprise
        )
    assert choice.phone == "13800000002" and choice.chosen_by == enterprise
    end_everything(case, django_capture_on_commit_callbacks)
    clerk = user("xinxiang_delivery")
    with pytest.raises(services.FieldErrors) as untracked:
        services.do_record_delivery(case, queries.ready_for_delivery(case), "post", acting_user=clerk)
    assert set(untracked.value.errors) == {"tracking_number"}

    ready = queries.ready_for_delivery(case)
    response = client_for("xinxiang_delivery").post(
        f"/results/window/{case.number}/deliver/",
        {f"c{case.pk}-items": [i.pk for i in ready], f"c{case.pk}-method": "post"},
    )
    assert response.status_code == 400  # never a 500: the page again, the message beside the field
    assert "请填写邮寄单号。" in response.content.decode()

    delivery = services.do_record_delivery(case, ready, "post", tracking_number="SF1234567890", acting_user=clerk)
    assert delivery.tracking_number == "SF1234567890" and delivery.address == "河南省新乡县演示路88号"
    assert delivery.recipient_name == "赵六"  # the postal recipient


def test_the_proof_is_recorded_and_passed_to_the_departments(django_capture_on_commit_callbacks):
    case = restaurant_case()
    end_everything(case, django_capture_on_commit_callbacks)
    ready = queries.ready_for_delivery(case)
    with at("2026-11-24 09:30"), django_capture_on_commit_callbacks(execute=True):
        delivery = services.do_record_delivery(
            case, ready, "window", recipient_name="赵六", acting_user=user("xinxiang_delivery")
        )
    assert delivery.proof_number == f"SD{case.number}-01"
    assert delivery.passed_to_departments_at is not None and delivery.delivered_by == user("xinxiang_delivery")
    assert delivery.recipient_name == "赵六"
    assert {i.name for i in delivery.items.all()} == {CHECK, FOOD, FIRE, SIGN}
    event = case.events.get(action=CaseAction.DELIVER)
    assert delivery.proof_number in event.summary and "赵六" in event.internal_note
    proofs = Message.objects.filter(case_number=case.number, kind="result.proof")
    assert {m.recipient.username for m in proofs} >= {
        "xinxiang_rev_market",
        "xinxiang_rev_fire_rescue",
        "xinxiang_rev_housing_construction",
    }
    assert Message.objects.filter(recipient=user("enterprise"), kind="result.delivered").exists()
    assert queries.ready_for_delivery(case) == []
    with pytest.raises(ConflictError):  # delivery started: the choice is settled
        services.do_choose_delivery(case, "separate", "window", acting_user=user("enterprise"))


def test_archive_only_after_the_case_ended_and_was_delivered(django_capture_on_commit_callbacks):
    case = restaurant_case()
    window = user("xinxiang_window")
    with pytest.raises(ConflictError):
        services.do_archive_case(case, acting_user=window)  # still open
    end_everything(case, django_capture_on_commit_callbacks)
    with pytest.raises(ConflictError) as undelivered:
        services.do_archive_case(case, acting_user=window)
    assert FOOD in undelivered.value.message
    services.do_record_delivery(
        case, queries.ready_for_delivery(case), "window", recipient_name="赵六", acting_user=user("xinxiang_delivery")
    )
    for someone in ("enterprise", "xinxiang_rev_fire_rescue", "minquan_window", "xinxiang_delivery"):
        with pytest.raises(UserFacingError):
            services.do_archive_case(case, acting_user=user(someone))
    record = services.do_archive_case(case, "卷宗齐全", acting_user=user("xinxiang_lead"))  # LEAD of 市场监管局
    assert record.originals_kept_by == case.one_thing.lead_department
    assert case.events.filter(action=CaseAction.ARCHIVE).exists()
    with pytest.raises(ConflictError):
        services.do_archive_case(case, acting_user=window)
    assert ArchiveRecord.objects.filter(case=case).count() == 1


def test_permissions_another_county_and_applicants(django_capture_on_commit_callbacks, client_for):
    case = restaurant_case()
    end_everything(case, django_capture_on_commit_callbacks)
    ready = queries.ready_for_delivery(case)
    data = {
        f"c{case.pk}-items": [i.pk for i in ready],
        f"c{case.pk}-method": "window",
        f"c{case.pk}-recipient_name": "赵六",
    }

    other = client_for("minquan_delivery")
    assert case.number not in other.get("/results/window/").content.decode()
    assert other.post(f"/results/window/{case.number}/deliver/", data).status_code == 404
    assert other.post(f"/results/window/{case.number}/archive/", {}).status_code == 404
    with pytest.raises(UserFacingError):
        services.do_record_delivery(case, ready, "window", recipient_name="赵六", acting_user=user("minquan_delivery"))

    applicant = client_for("enterprise")
    assert applicant.get("/results/window/").status_code == 404
    assert applicant.post(f"/results/window/{case.number}/deliver/", data).status_code == 404
    with pytest.raises(UserFacingError):
        services.do_record_delivery(case, ready, "window", recipient_name="赵六", acting_user=user("enterprise"))
    assert client_for("citizen").get(f"/results/case/{case.number}/delivery/").status_code == 404
    assert client_for("minquan_delivery").get(f"/results/case/{case.number}/delivery/").status_code == 404
    assert client_for(None).get("/results/window/").status_code == 302
    assert not Delivery.objects.filter(case=case).exists()
    assert client_for("xinxiang_delivery").post(f"/results/window/{case.number}/deliver/", data).status_code == 302
    assert Delivery.objects.filter(case=case).count() == 1


def test_the_applicants_delivery_page(client_for):
    case = restaurant_case()
    page = client_for("enterprise").get(f"/results/case/{case.number}/delivery/")
    assert page.status_code == 200
    response = client_for("enterprise").post(
        f"/results/case/{case.number}/delivery/", {"mode": "separate", "method": "download"}
    )
    assert response.status_code == 302
    choice = DeliveryChoice.objects.get(case=case)
    assert (choice.mode, choice.method) == ("separate", "download")
    assert case.events.filter(action=CaseAction.CHOOSE_DELIVERY).count() == 1
    assert client_for("xinxiang_delivery").get(f"/results/case/{case.number}/delivery/").status_code == 200  # view only
    with pytest.raises(UserFacingError):
        services.do_choose_delivery(case, "unified", "window", acting_user=user("xinxiang_delivery"))


def test_the_window_list_is_oldest_first_in_a_fixed_number_of_queries(
    django_capture_on_commit_callbacks, django_assert_num_queries, client_for
):
    def separate_case_with_check_approved(moment: str):
        case = restaurant_case(moment)
        services.do_choose_delivery(case, "separate", "window", acting_user=user("enterprise"))
        check = item(case, CHECK)
        with at(moment), django_capture_on_commit_callbacks(execute=True):
            approvals.do_accept_item(check, acting_user=reviewer(check))
            approvals.do_approve_item(check, acting_user=reviewer(check))
        return case

    window = client_for("xinxiang_delivery")
    newer = separate_case_with_check_approved("2026-11-24 10:00")
    window.get("/results/window/")  # warm caches (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        window.get("/results/window/")
    older = separate_case_with_check_approved("2026-11-23 10:00")
    with django_assert_num_queries(len(one.captured_queries)):
        page = window.get("/results/window/").content.decode()
    assert page.index(older.number) < page.index(newer.number)  # the longest waiting first


@pytest.mark.parametrize(
    ("ready_at", "method", "due"),
    [
        ("2026-11-23 10:00", "post", "2026-11-23 17:00"),  # a Monday: posted the same day
        ("2026-11-23 16:59", "download", "2026-11-23 17:00"),
        ("2026-11-23 17:30", "post", "2026-11-24 17:00"),  # after closing time: the next working day
        ("2026-11-28 10:00", "post", "2026-11-30 17:00"),  # a Saturday
        ("2026-09-30 18:00", "post", "2026-10-08 17:00"),  # National Day: 1–7 October off
        ("2026-10-09 17:30", "post", "2026-10-10 17:00"),  # the 调休 Saturday is a working day
        ("2026-11-23 10:00", "window", None),  # pickup waits for the applicant, told at once
    ],
)
def test_delivery_falls_due_the_same_working_day(ready_at, method, due):
    moment = dt.datetime.fromisoformat(ready_at).replace(tzinfo=SHANGHAI)
    expected = dt.datetime.fromisoformat(due).replace(tzinfo=SHANGHAI) if due else None
    assert queries.delivery_due(moment, method) == expected


def test_a_late_posting_is_marked_late_on_the_window_and_in_the_trail(django_capture_on_commit_callbacks, client_for):
    case = restaurant_case()
    with at("2026-11-23 09:40"):
        services.do_choose_delivery(
            case, "unified", "post", "河南省新乡县演示路88号", "赵六", "13800000002", acting_user=user("enterprise")
        )
    end_everything(case, django_capture_on_commit_callbacks)  # every item ended on Monday 2026-11-23 10:00
    with at("2026-11-23 16:40"):
        page = client_for("xinxiang_delivery").get("/results/window/")
        row = next(r for r in page.context["rows"] if r.case == case)
        assert row.due == dt.datetime(2026, 11, 23, 17, 0, tzinfo=row.due.tzinfo)
        assert "预警" in page.content.decode()  # 20 working minutes left
    with at("2026-11-24 09:30"):
        page = client_for("xinxiang_delivery").get("/results/window/")
        assert "超期" in page.content.decode()
        services.do_record_delivery(
            case, queries.ready_for_delivery(case), "post", tracking_number="SF1234567890",
            acting_user=user("xinxiang_delivery"),
        )  # fmt: skip
    detail = case.events.get(action=CaseAction.DELIVER).detail
    assert detail["late"] is True and detail["due"].startswith("2026-11-23T17:00")
