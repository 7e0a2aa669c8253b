"""The departments' workbench (/tasks/) through the test client, logged in as the demo accounts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals import rules, services
from cases.choices import CaseAction, ItemStatus
from cases.models import CaseItem
from workcalendar.choices import ClockState

from .conftest import FIRE, FOOD, LICENCE, SIGN, at, item_of, restaurant_case, user

pytestmark = pytest.mark.django_db


def task_url(item: CaseItem) -> str:
    return reverse("approvals:task", args=[item.pk])


def act_url(item: CaseItem, action: str) -> str:
    return reverse("approvals:act", args=[item.pk, action])


def status_of(item: CaseItem) -> str:
    return CaseItem.objects.get(pk=item.pk).status


# ---------------------------------------------------------------- role × action (STYLE.md §13)

# One MARKET item (食品经营许可 of a 新乡县 restaurant case): who may view its task page, and who may accept it.
# "ok": the page (200) / accepted (302, state changed); "refused": visible but not theirs to decide (403, nothing
# changes); 404: not visible at all, the same answer as a task that does not exist.
EXPECTATIONS: dict[str, dict[str, str | int]] = {
    "xinxiang_rev_market": {"view": "ok", "accept": "ok"},  # the item's department
    "xinxiang_lead": {"view": "ok", "accept": "ok"},  # MARKET lead: its own department's item
    "xinxiang_rev_fire_rescue": {"view": 404, "accept": 404},  # another department of the same case
    "xinxiang_supervisor": {"view": "ok", "accept": "refused"},  # sees the region's tasks, decides none
    "xinxiang_window": {"view": "ok", "accept": "refused"},
    "minquan_rev_market": {"view": 404, "accept": 404},  # the same department of another county
    "enterprise": {"view": 404, "accept": 404},  # the applicant
    "admin": {"view": "ok", "accept": "ok"},  # system administrator
}
TABLE = [(username, action, expected) for username, row in EXPECTATIONS.items() for action, expected in row.items()]


@pytest.mark.parametrize(("username", "action", "expected"), TABLE, ids=[f"{u}-{a}" for u, a, _ in TABLE])
def test_role_action_table(client_for, username, action, expected):
    with at("2026-11-24 10:00"):
        food = item_of(restaurant_case(), FOOD)
        client = client_for(username)
        if action == "view":
            response = client.get(task_url(food))
            assert response.status_code == (200 if expected == "ok" else expected)
            return
        response = client.post(act_url(food, "accept"))
    if expected == "ok":
        assert response.status_code == 302
        assert status_of(food) == ItemStatus.PRE_REVIEW  # its prerequisite (the licence check) is pending
    else:
        assert response.status_code == (403 if expected == "refused" else expected)
        assert status_of(food) == ItemStatus.QUEUED


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("approvals:index"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("username", ["enterprise", "henan_catalog_admin"])
def test_workbench_is_not_there_for_who_has_no_tasks(client_for, username):
    assert client_for(username).get(reverse("approvals:index")).status_code == 404


def test_nav_link_for_staff_with_tasks_only(client_for):
    link = reverse("approvals:index")
    assert link in client_for("xinxiang_rev_market").get(reverse("catalog:index")).content.decode()
    assert link not in client_for("enterprise").get(reverse("catalog:index")).content.decode()


# ---------------------------------------------------------------- the queue


def test_queue_shows_own_department_only_and_the_query_count_is_pinned(client_for, django_assert_max_num_queries):
    with at("2026-11-24 10:00"):
        cases = [restaurant_case() for _ in range(3)]  # 12 tasks in 新乡县, 6 of them MARKET's
        supervisor, market = client_for("xinxiang_supervisor"), client_for("xinxiang_rev_market")
        with django_assert_max_num_queries(12):
            response = supervisor.get(reverse("approvals:index"))
        assert len(response.context["rows"]) == 12
        with django_assert_max_num_queries(12):
            response = market.get(reverse("approvals:index"))
        with django_assert_max_num_queries(12):
            market.get(reverse("approvals:index"), {"clock": "normal"})
    rows = response.context["rows"]
    assert {r.item.name for r in rows} == {LICENCE, FOOD}
    assert {r.item.case_id for r in rows} == {c.pk for c in cases}
    assert all(r.selectable for r in rows)  # all awaiting acceptance by this department
    assert response.context["tabs"][0][2] == 6  # 在办 count
    fire = client_for("xinxiang_rev_fire_rescue").get(reverse("approvals:index"))
    assert {r.item.name for r in fire.context["rows"]} == {FIRE}


def test_queue_order_state_and_clock_filters(client_for):
    market, fire_rev = user("xinxiang_rev_market"), user("xinxiang_rev_fire_rescue")
    with at("2026-11-24 10:00"):
        first = restaurant_case()
    with at("2026-11-25 10:00"):
        second = restaurant_case()  # acceptance due a day later than the first case's
        services.do_accept_item(item_of(first, LICENCE), acting_user=market)  # decision due 11-26
        services.do_accept_item(item_of(first, FIRE), acting_user=fire_rev)  # pre-review
    with at("2026-11-25 11:00"):
        services.do_approve_item(item_of(first, LICENCE), result_number="R1", acting_user=market)
        services.do_request_supplement(item_of(first, FIRE), "疏散示意图", acting_user=fire_rev)
    client = client_for("xinxiang_supervisor")
    with at("2026-11-25 14:00"):
        rows = client.get(reverse("approvals:index")).context["rows"]
        order = [(r.item.case_id, r.item.name) for r in rows]
        # the first case's queued items are due 11-25 17:00, before the second's (11-26); paused last
        assert order[:2] == [(first.pk, FOOD), (first.pk, SIGN)]
        assert order[-1] == (first.pk, FIRE)
        assert rows[-1].clock == ClockState.PAUSED
        assert {r.item.name for r in rows if r.item.case_id == second.pk} == {LICENCE, FOOD, SIGN, FIRE}
        assert not client.get(reverse("approvals:index"), {"clock": "warning"}).context["rows"]
        paused = client.get(reverse("approvals:index"), {"state": "paused"}).context["rows"]
        assert [r.item.name for r in paused] == [FIRE]
        done = client.get(reverse("approvals:index"), {"state": "done"}).context["rows"]
        assert [r.item.name for r in done] == [LICENCE]
        assert client.get(reverse("approvals:index"), {"state": "nonsense", "clock": "x"}).status_code == 200
    with at("2026-11-25 14:30"):  # 2.5 working hours before acceptance falls due at 17:00
        assert not client.get(reverse("approvals:index"), {"clock": "warning"}).context["rows"]
    with at("2026-11-25 15:10"):  # warned in its last CLOCK_WARNING_ACCEPTANCE_WORKING_MINUTES (120)
        warning = client.get(reverse("approvals:index"), {"clock": "warning"}).context["rows"]
    assert {(r.item.case_id, r.item.name) for r in warning} == {(first.pk, FOOD), (first.pk, SIGN)}
    with at("2026-11-26 09:00"):
        overdue = client.get(reverse("approvals:index"), {"clock": "overdue"}).context["rows"]
    assert {(r.item.case_id, r.item.name) for r in overdue} == {(first.pk, FOOD), (first.pk, SIGN)}


def test_batch_accept_reports_each_refusal_and_accepts_the_rest(client_for, settings):
    settings.STAFF_IDLE_MINUTES = (
        60 * 24 * 30
    )  # the same sessions act on several days (the idle timeout: accounts tests)
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        licence, food, fire = item_of(case, LICENCE), item_of(case, FOOD), item_of(case, FIRE)
        services.do_accept_item(licence, acting_user=user("xinxiang_rev_market"))  # already accepted
        other = item_of(restaurant_case(), FOOD)
        client = client_for("xinxiang_rev_market")
        response = client.post(
            reverse("approvals:batch_accept"),
            {"items": [food.pk, other.pk, licence.pk, fire.pk, 999999, "x"], "next": "/tasks/?state=queued"},
        )
    assert response.status_code == 302 and response["Location"] == "/tasks/?state=queued"
    assert status_of(food) == status_of(other) == ItemStatus.PRE_REVIEW
    assert status_of(fire) == ItemStatus.QUEUED  # another department's: not visible, refused
    texts = [str(m) for m in response.wsgi_request._messages]
    assert sum(1 for m in response.wsgi_request._messages if m.level_tag == "success") == 1
    assert sum(1 for m in response.wsgi_request._messages if m.level_tag == "error") == 3  # licence, fire, 999999
    assert any(case.number in t and LICENCE in t for t in texts)
    empty = client.post(reverse("approvals:batch_accept"), {"next": "https://evil.example/"})
    assert empty.status_code == 302 and empty["Location"] == reverse("approvals:index")


# ---------------------------------------------------------------- the task page


def test_department_sees_only_the_fields_and_materials_its_item_uses(client_for, media_root):
    values = {"food.safety_manager_name": "食安钱某某", "fire.responsible_name": "消防赵某某"}
    with at("2026-11-24 10:00"):
        case = restaurant_case(values)
    food, fire = item_of(case, FOOD), item_of(case, FIRE)
    page = client_for("xinxiang_rev_market").get(task_url(food)).content.decode()
    assert "食安钱某某" in page and "经营场所使用面积" in page
    assert "消防赵某某" not in page and "消防安全责任人姓名" not in page  # the fire check's fields are absent
    fire_only = [m for m in case.materials.select_related("material_type") if m.items == [FIRE]]
    food_material = next(m for m in case.materials.select_related("material_type") if FOOD in m.items)
    assert fire_only
    for material in fire_only:
        assert material.name not in page
    own_file = reverse("cases:material_file", args=[case.number, food_material.material_type.key])
    other_file = reverse("cases:material_file", args=[case.number, fire_only[0].material_type.key])
    assert own_file in page
    market = client_for("xinxiang_rev_market")
    assert market.get(own_file).status_code == 200  # the file view lets the department through the tasks' door
    assert market.get(other_file).status_code == 404
    assert client_for("xinxiang_rev_fire_rescue").get(other_file).status_code == 200
    assert client_for("minquan_rev_market").get(own_file).status_code == 404
    fire_page = client_for("xinxiang_rev_fire_rescue").get(task_url(fire)).content.decode()
    assert "消防赵某某" in fire_page and "食安钱某某" not in fire_page


def test_actions_offered_follow_the_state_and_the_user(client_for):
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        food, fire = item_of(case, FOOD), item_of(case, FIRE)
        offered = {s.key for s, _ in client_for("xinxiang_rev_market").get(task_url(food)).context["actions"]}
        assert offered == {"accept", "refuse", "assign"}  # reviewers do not urge
        lead_on_fire = client_for("xinxiang_lead").get(task_url(fire))  # the lead sees its one-thing's items
        assert {s.key for s, _ in lead_on_fire.context["actions"]} == {"urge"}
        supervisor = {s.key for s, _ in client_for("xinxiang_supervisor").get(task_url(food)).context["actions"]}
        assert supervisor == {"urge"}
        assert client_for("xinxiang_lead").post(act_url(fire, "accept")).status_code == 403
        assert status_of(fire) == ItemStatus.QUEUED
        assert client_for("xinxiang_rev_market").post(act_url(food, "nonsense")).status_code == 404
        assert client_for("xinxiang_rev_market").get(act_url(food, "accept")).status_code == 405


def test_refusal_needs_reasons_and_a_second_decision_is_a_conflict(client_for):
    with at("2026-11-24 10:00"):
        licence = item_of(restaurant_case(), LICENCE)
        market = client_for("xinxiang_rev_market")
        missing = market.post(act_url(licence, "refuse"), {"reasons": "  "})
        assert missing.status_code == 400
        form = dict((s.key, f) for s, f in missing.context["actions"])["refuse"]
        assert form.errors["reasons"]  # the message beside the field
        assert status_of(licence) == ItemStatus.QUEUED
        assert market.post(act_url(licence, "refuse"), {"reasons": "营业执照已注销"}).status_code == 302
        assert status_of(licence) == ItemStatus.REFUSED
        again = market.post(act_url(licence, "accept"))
    assert again.status_code == 409
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"  # shown as a message, not a 500


def test_accept_supplement_resume_assign_approve_through_the_page(client_for, settings):
    settings.STAFF_IDLE_MINUTES = (
        60 * 24 * 30
    )  # the same sessions act on several days (the idle timeout: accounts tests)
    with at("2026-11-24 10:00"):
        licence = item_of(restaurant_case(), LICENCE)
        market = client_for("xinxiang_rev_market")
        assert market.post(act_url(licence, "accept")).status_code == 302
        page = market.get(task_url(licence))
        assert {s.key for s, _ in page.context["actions"]} == {"approve", "deny", "supplement", "assign"}
        deny_form = dict((s.key, f) for s, f in page.context["actions"])["deny"]
        assert deny_form["remedies"].value() == str(rules.DEFAULT_REMEDIES)  # prefilled
        assert market.post(act_url(licence, "supplement"), {"reason": ""}).status_code == 400
        assert market.post(act_url(licence, "supplement"), {"reason": "章程原件"}).status_code == 302
        assert status_of(licence) == ItemStatus.SUPPLEMENT
        assert "章程原件" in market.get(task_url(licence)).content.decode()
    with at("2026-11-26 10:00"):
        assert market.post(act_url(licence, "resume")).status_code == 302
        assert CaseItem.objects.get(pk=licence.pk).paused_workdays == 2
        wrong = market.post(act_url(licence, "assign"), {"assignee": user("xinxiang_rev_health").pk})
        assert wrong.status_code == 400  # not MARKET staff: not a choice
        lead = user("xinxiang_lead")
        assert market.post(act_url(licence, "assign"), {"assignee": lead.pk}).status_code == 302
        assert CaseItem.objects.get(pk=licence.pk).assignee == lead
        past = market.post(act_url(licence, "approve"), {"result_number": "R-1", "valid_until": "2026-01-01"})
        assert past.status_code == 400  # the validity must end after today: a message, nothing changed
        assert status_of(licence) == ItemStatus.ACCEPTED
        done = market.post(act_url(licence, "approve"), {"result_number": "R-1", "valid_until": "2031-11-25"})
    assert done.status_code == 302
    approved = CaseItem.objects.get(pk=licence.pk)
    assert approved.status == ItemStatus.APPROVED and approved.result_number == "R-1"


def test_urge_is_recorded_as_an_internal_note_on_the_timeline(client_for):
    with at("2026-11-24 10:00"):
        food = item_of(restaurant_case(), FOOD)
        assert client_for("xinxiang_supervisor").post(act_url(food, "urge"), {"note": "请今日受理"}).status_code == 302
        page = client_for("xinxiang_rev_market").get(task_url(food))
    assert food.events.filter(action=CaseAction.URGE_ITEM, internal_note="请今日受理").exists()
    assert "请今日受理" in page.content.decode()


def test_a_reviewer_does_not_see_internal_notes_about_other_departments_items(client_for):
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        fire = item_of(case, FIRE)
        food = item_of(case, FOOD)
        assert client_for("xinxiang_supervisor").post(act_url(fire, "urge"), {"note": "消防请加快"}).status_code == 302
        market_page = client_for("xinxiang_rev_market").get(task_url(food)).content.decode()
        fire_page = client_for("xinxiang_rev_fire_rescue").get(task_url(fire)).content.decode()
        supervisor_page = client_for("xinxiang_supervisor").get(task_url(food)).content.decode()
    assert "消防请加快" not in market_page  # another department's item: the event shows, its internal note does not
    assert "消防请加快" in fire_page and "消防请加快" in supervisor_page
