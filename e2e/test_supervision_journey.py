"""Click-only journey of supervision (issue 14): the supervisor opens the dashboard from `/`, chooses the period,
drills from 当前超期 to the late item and escalates it (督办) with a note; the department's reviewer opens the task
from the workbench and answers the 督办 with a reason and a new date. At 1366×900 and 390×844, every page checked
(walk.Walker.check).

The late item is set up through the demo scenario builder (`Demo`): a restaurant case filed and received eight
working days ago, its items accepted that afternoon — the licence check (1 working day) has been overdue since.
"""

from __future__ import annotations

import random

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.management.commands.demo_cases import Demo
from cases.models import CaseItem
from supervision.choices import EscalationStatus
from supervision.models import Escalation
from workcalendar.services import WorkingCalendar

from .test_journeys import RESTAURANT_ANSWERS, answer_keys, one_thing, walker
from .walk import SIZES

NOTE = "请说明超期原因，三个工作日内办结"
REASON = "申请人营业执照信息与登记系统不一致，已电话核实"


@pytest.mark.parametrize("size", SIZES)
def test_supervisor_drills_to_a_late_item_escalates_it_and_the_department_answers(browser, live_server, size):
    demo = Demo(random.Random(14))
    day = demo.workday(before=8)
    thing = one_thing("开办餐饮店")
    case = demo.file(
        thing.code, "enterprise", demo.moment(day, "09:00", jitter=0), answers=answer_keys(thing, RESTAURANT_ANSWERS)
    )
    case = demo.receive(case, demo.moment(day, "10:00", jitter=0))
    demo.accept(case, demo.moment(day, "14:00", jitter=0))
    late = CaseItem.objects.get(case=case, name="企业营业执照信息核验")
    assert late.decision_due_on < timezone.localdate()

    w = walker(browser, live_server, size, f"supervision-{size}")
    page = w.page
    try:
        w.start()
        w.log_in("xinxiang_supervisor")
        w.nav("电子监察")
        expect(page.get_by_role("heading", level=1)).to_contain_text("电子监察")
        page.get_by_label("起始日期").fill(day.replace(day=1).isoformat())
        page.get_by_role("button", name="查询").click()
        expect(page.locator("#figure-received .value")).not_to_have_text("0")
        w.check("dashboard")
        page.locator("#figure-overdue_open").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("当前超期")
        w.check("overdue cases")
        row = page.locator("#figure-cases tbody tr").filter(has_text=late.name)
        row.get_by_label("督办意见").fill(NOTE)
        row.get_by_role("button", name="督办").click()
        expect(w.alert("已向")).to_be_visible()
        w.check("escalated")
        escalation = Escalation.objects.get(item=late)
        assert escalation.status == EscalationStatus.OPEN and escalation.note == NOTE
        w.log_out()

        w.log_in("xinxiang_rev_market")
        w.nav("部门工作台")
        task_row = (
            page.get_by_role("row").filter(has_text=late.name).filter(has=page.get_by_role("link", name=case.number))
        )
        task_row.get_by_role("link", name=case.number).click()
        box = page.locator("#escalations")
        expect(box).to_contain_text(NOTE)
        w.check("task with 督办")
        new_date = WorkingCalendar().add_workdays(timezone.localdate(), 2)
        box.get_by_label("超期原因").fill(REASON)
        box.get_by_label("承诺办结日期").fill(new_date.isoformat())
        box.get_by_role("button", name="回复督办").click()
        expect(w.alert("督办已回复")).to_be_visible()
        w.check("answered")
        escalation.refresh_from_db()
        assert (escalation.status, escalation.new_due_on, escalation.answer) == (
            EscalationStatus.ANSWERED,
            new_date,
            REASON,
        )
    finally:
        page.context.close()
