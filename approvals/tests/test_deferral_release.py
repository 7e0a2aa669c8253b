"""Issue 10 part 4: a 容缺 obligation ends when the items it served end without a result (refused, denied,
stopped): the material is no longer owed, the window's queue and the applicant's case page stop asking for it,
and the timeline says so. A material that also serves an item still open stays owed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import User
from approvals import services as approvals
from cases import services as case_services
from cases.choices import CaseAction, MaterialState
from cases.tests.test_services import DEFERRABLE, ready_draft, submit, window
from workcalendar.services import WorkingCalendar

pytestmark = pytest.mark.django_db


def reviewer_of(item) -> User:
    return User.objects.get(username=f"xinxiang_rev_{item.department.code.lower()}")


def test_a_deferred_material_is_released_when_the_items_it_served_end(client_for):

    from catalog.models import OneThing

    restaurant_one_thing = OneThing.objects.get(region__code="410721", name="开办餐饮店", status="published")
    due = WorkingCalendar().add_workdays(timezone.localdate(), 5)
    case = submit(ready_draft(restaurant_one_thing))
    case = case_services.do_receive_case(case, deferrals={k: due for k in DEFERRABLE}, acting_user=window())
    deferred = {m.material_type.key: m for m in case.materials.filter(state=MaterialState.DEFERRED)}
    assert deferred
    target = deferred["food_safety_rules"]
    served = [i for i in case.items.all() if i.name in target.items]
    for item in served:
        approvals.do_accept_item(item, acting_user=reviewer_of(item))
        approvals.do_deny_item(item, "经营场所不符合食品安全要求", acting_user=reviewer_of(item))
    target.refresh_from_db()
    assert target.state == MaterialState.RELEASED
    event = case.events.get(action=CaseAction.RELEASE_DEFERRAL, detail__material="food_safety_rules")
    assert target.name in event.summary
    others = [m for key, m in deferred.items() if key != "food_safety_rules" and not set(m.items) <= set(target.items)]
    assert others, "the fire safety plan serves the fire check, still open"
    for material in others:  # still serving an open item: still owed
        material.refresh_from_db()
        assert material.state == MaterialState.DEFERRED
    window_page = client_for("xinxiang_window").get("/window/").content.decode()
    queue = window_page.split('id="q-deferred"')[1].split("</section>")[0]  # the window's 容缺 queue
    assert target.name not in queue
    assert all(m.name in queue for m in others)
