"""好差评 by clicking (issue 14, point 4): an applicant rates a finished case from the case page; a 差评 goes through
the department's rectification (verify, rectify, call back) and the applicant's re-rating; the window opens the
rating screen for a case and the tablet rates without login.

The finished case (开办餐饮店 of the demo enterprise, every item approved, results handed over) is set up through the
services by the demo scenario builder, each step a moment ago. Every page reached is checked (walk.Walker.check) at
1366 and 390 px. The tablet is a browser context of its own that never logs in: it opens the link the clerk's
screen shows (as the tablet would by scanning its QR code), the only address typed besides `/`.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from evaluation.models import Rating, Rectification
from results import queries as result_queries
from results import services as results

from .test_journeys import RESTAURANT_ANSWERS, WINDOW, walker
from .test_journeys_staff import decide_all, filed, open_workbench_case
from .walk import SIZES, Walker

FOOD = "食品经营许可"


def finished_case() -> Case:
    demo, case = filed("开办餐饮店", RESTAURANT_ANSWERS, "enterprise", received=True)
    decide_all(demo, case)
    case = Case.objects.get(pk=case.pk)
    results.do_record_delivery(
        case,
        result_queries.ready_for_delivery(case),
        "window",
        recipient_name="赵六",
        acting_user=demo.user("xinxiang_delivery"),
    )
    return Case.objects.get(pk=case.pk)


def open_rating_page(w: Walker, number: str) -> None:
    w.open_my_case(number)
    w.check("case page")
    w.page.locator("#evaluation").get_by_role("link", name=re.compile("^服务评价")).click()
    expect(w.page.get_by_role("heading", name="服务评价", level=1)).to_be_visible()
    w.check("rating page")


def rate(w: Walker, contact: str, level: str, reasons: tuple[str, ...] = (), comment: str = "") -> None:
    form = w.page.locator("form.rate-form").filter(has=w.page.get_by_role("heading", name=re.compile(contact)))
    form.get_by_role("radio", name=level, exact=True).check()
    for reason in reasons:
        form.get_by_role("checkbox", name=reason).check()
    if comment:
        form.get_by_label("意见建议（选填）").fill(comment)
    form.get_by_role("button", name="提交评价").click()
    expect(w.alert("感谢您的评价，已记录。")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_a_poor_rating_is_rectified_called_back_and_rated_again(browser, live_server, size):
    case = finished_case()
    applicant = walker(browser, live_server, size, f"rating-applicant-{size}")
    department = walker(browser, live_server, size, f"rating-department-{size}")
    try:
        applicant.start()
        applicant.log_in("enterprise")
        open_rating_page(applicant, case.number)
        form = applicant.page.locator("form.rate-form").filter(has_text=FOOD)
        form.get_by_role("radio", name="不满意", exact=True).check()
        form.get_by_role("button", name="提交评价").click()  # no reason: refused, in Chinese, the choice kept
        expect(applicant.alert("评价为不满意时，请至少勾选一项原因或写明问题。")).to_be_visible()
        expect(
            applicant.page.locator("form.rate-form")
            .filter(has_text=FOOD)
            .get_by_role("radio", name="不满意", exact=True)
        ).to_be_checked()
        # the refusal answers 400 (as the window's pages do), which Chromium logs: expected here, and only that
        assert applicant.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
        applicant.errors.clear()
        applicant.check("rating refused")
        rate(applicant, FOOD, "不满意", ("要求提供指南之外的申报材料",), "要求补交租赁备案证明，指南上没有")
        rate(applicant, "整件事", "满意")
        applicant.check("rated")
        expect(applicant.page.locator("table.ratings")).to_contain_text("待核实")

        department.start()
        department.log_in("xinxiang_rev_market")
        department.nav("好差评与投诉")
        expect(department.page.get_by_role("heading", name="好差评与投诉", level=1)).to_be_visible()
        department.check("rectifications")
        department.page.locator("table.rectifications").get_by_role("link", name=case.number).click()
        expect(department.page.get_by_role("heading", name=re.compile("^差评整改"), level=1)).to_be_visible()
        department.check("rectification")
        department.page.get_by_role("radio", name="属实", exact=True).check()
        department.page.get_by_label("核实情况").fill("经核实，审批人员要求了指南之外的租赁备案证明")
        department.page.get_by_role("button", name="记录核实结果").click()
        expect(department.alert("已记录：核实。")).to_be_visible()
        department.page.get_by_label("整改情况（告知申请人）").fill("已取消该要求，并对审批人员进行培训")
        department.page.get_by_role("button", name="记录整改情况").click()
        expect(department.alert("已记录：整改。")).to_be_visible()
        department.check("rectified")
        department.page.get_by_label("回访时申请人的意见").fill("申请人认可整改，愿意重新评价")
        department.page.get_by_role("button", name="记录回访").click()
        expect(department.alert("已记录：回访。")).to_be_visible()
        department.check("called back")

        open_rating_page(applicant, case.number)
        expect(applicant.page.locator("form.rate-form").filter(has_text=FOOD)).to_contain_text("已就您的差评回访")
        rate(applicant, FOOD, "满意")
        expect(applicant.page.locator("table.ratings")).to_contain_text("回访后重新评价")
        applicant.check("re-rated")
        applicant.page.get_by_role("link", name=re.compile("返回办件")).click()
        expect(applicant.page.locator("ol.timeline")).to_contain_text("回访后重新评价“满意”，差评整改办结。")
        applicant.check("timeline")
    finally:
        applicant.page.context.close()
        department.page.context.close()
    food = Rating.objects.get(case=case, contact__startswith="item:", current=True, item__name=FOOD)
    assert (food.level, food.round) == (4, 2)
    assert Rectification.objects.get(case=case).status == "closed"


@pytest.mark.parametrize("size", SIZES)
def test_the_window_hands_over_the_rating_screen_and_the_tablet_rates_without_login(browser, live_server, size):
    case = finished_case()
    clerk = walker(browser, live_server, size, f"rating-window-{size}")
    tablet = walker(browser, live_server, size, f"rating-tablet-{size}")
    try:
        clerk.start()
        clerk.log_in(WINDOW)
        open_workbench_case(clerk, case.number, "#q-received")
        clerk.check("window case")
        clerk.page.get_by_role("link", name="申请人评价屏").click()
        expect(clerk.page.get_by_role("heading", name="申请人评价屏", level=1)).to_be_visible()
        clerk.check("rating screen")
        link = clerk.page.get_by_role("link", name="打开评价屏").get_attribute("href")

        tablet.page.goto(link)  # the tablet opens what the clerk's screen shows (its QR code); it never logs in
        expect(tablet.page.get_by_role("heading", name="服务评价", level=1)).to_be_visible()
        expect(tablet.page.locator("header nav")).to_have_count(0)
        expect(tablet.page.locator("body")).not_to_contain_text(case.number)
        expect(tablet.page.locator("body")).not_to_contain_text("新乡县演示餐饮有限公司")
        tablet.check("tablet")
        rate(tablet, "窗口形式审查和收件", "非常满意")
        rate(tablet, "结果送达", "基本满意")
        tablet.check("tablet rated")
        expect(tablet.page.locator("form.rate-form").filter(has_text="窗口形式审查和收件")).to_have_count(0)
    finally:
        clerk.page.context.close()
        tablet.page.context.close()
    ratings = {r.contact: (r.level, r.channel, r.rated_by_id) for r in Rating.objects.filter(case=case)}
    assert ratings == {"intake": (5, "tablet", None), "delivery": (3, "tablet", None)}
