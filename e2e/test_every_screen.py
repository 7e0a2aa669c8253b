"""Every screen, every person (issue 10 parts 1 and 10), in a real browser and by clicking only: from `/` the
enterprise finds 开办餐饮店 of 新乡县, answers the questionnaire, follows "apply online" through the login page back to
the one form with its answers, and goes on to the materials and the submit page — at desktop width and at 390 px,
and once in the elderly mode (长辈模式), switched on from the top bar and remembered from page to page.

On every page: no horizontal overflow, no console error, and axe-core (vendored: e2e/vendor/axe.min.js, 4.14.1 from
npm) finds no serious or critical violation of WCAG 2.1 A/AA (GB/T 37668 is built on the same criteria). axe is
injected by the test (the context bypasses the page's Content-Security-Policy for that script only in the test).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.demo import DEMO_PASSWORD

from .test_applicant_journey import RESTAURANT_ANSWERS
from .walk import SIZES, check_screen, open_context


def walk_to_the_form(page: Page, errors: list[str]) -> None:
    page.goto("/")  # the only address typed: everything after is a click
    check_screen(page, errors, "catalog")
    row = page.locator("li, tr").filter(has_text="新乡县").filter(has=page.get_by_role("link", name="开办餐饮店"))
    row.get_by_role("link", name="开办餐饮店").first.click()
    check_screen(page, errors, "one-thing page")
    page.get_by_role("link", name="开始情形引导，生成我的一次告知单").click()
    expect(page.get_by_role("heading", name="办事指引：开办餐饮店", level=1)).to_be_visible()
    for question, option, parameter in RESTAURANT_ANSWERS:
        group = page.get_by_role("group", name=question, exact=True)
        group.get_by_role("radio", name=option, exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]" + re.escape(parameter) + "(&|$)"))
    check_screen(page, errors, "questionnaire")
    page.get_by_role("link", name="按以上回答在线申请").click()
    expect(page.get_by_role("heading", name="登录", level=1)).to_be_visible()
    check_screen(page, errors, "login")
    page.get_by_label("用户名").fill("enterprise")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="一表申请：开办餐饮店", level=1)).to_be_visible()
    for _question, _option, parameter in RESTAURANT_ANSWERS:  # the answers came along
        assert parameter in page.url
    check_screen(page, errors, "one form")
    page.get_by_role("button", name="保存草稿").click()  # the draft keeps the answers; the fields come later
    expect(page.get_by_role("alert").first).to_be_visible()
    check_screen(page, errors, "one form with its messages")
    page.locator(".next-step").get_by_role("link", name="材料", exact=True).click()
    check_screen(page, errors, "materials")
    page.locator(".next-step").get_by_role("link", name=re.compile("检查并提交")).click()
    check_screen(page, errors, "submit page")


@pytest.mark.parametrize("size", SIZES)
def test_the_applicant_reaches_the_form_by_clicking_on_every_screen(browser: Browser, live_server, size: str):
    page, errors = open_context(browser, live_server, size)
    try:
        walk_to_the_form(page, errors)
    finally:
        page.context.close()


def test_the_elderly_mode_is_switched_on_every_page_and_remembered(browser: Browser, live_server):
    page, errors = open_context(browser, live_server, "phone")
    try:
        page.goto("/")
        normal = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        page.get_by_role("link", name="长辈模式").click()
        expect(page.locator("html")).to_have_class(re.compile("elderly"))
        larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert larger >= normal * 1.2
        walk_to_the_form(page, errors)  # remembered on every page, and still usable at 390 px
        expect(page.locator("html")).to_have_class(re.compile("elderly"))
        page.get_by_role("link", name="标准模式").click()
        expect(page.locator("html")).not_to_have_class(re.compile("elderly"))
    finally:
        page.context.close()
