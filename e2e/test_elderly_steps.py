"""长辈模式 (elderly mode): one thing to do per screen. The one form shows one section at a time with "下一步" /
"上一步" and where one is; the standard mode shows every section at once."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from playwright.sync_api import Page, expect

from catalog.models import OneThing
from guidance.metrics import fullest_answers


def form_path() -> str:
    newborn = OneThing.objects.get(region__code="410721", name="新生儿出生", status="published")
    return f"/apply/{newborn.code}/?" + urlencode({f"q.{k}": v for k, v in fullest_answers(newborn).items()})


def test_the_elderly_form_shows_one_section_per_screen(page: Page, login, snapshot) -> None:
    login(page, "citizen_spouse")
    page.goto(form_path())
    sections = page.locator("fieldset.form-section")
    total = sections.count()
    assert total > 2
    expect(page.get_by_role("button", name="下一步")).to_have_count(0)  # the standard mode: every section at once
    for i in range(total):
        expect(sections.nth(i)).to_be_visible()

    page.get_by_role("link", name="长辈模式").click()
    expect(page.locator("html")).to_have_class(re.compile("elderly"))
    visible = page.locator("fieldset.form-section:visible")
    expect(visible).to_have_count(1)
    expect(page.get_by_text(f"第 1 / {total} 步")).to_be_visible()
    expect(page.get_by_role("button", name="上一步")).to_be_hidden()
    first_legend = visible.locator("legend").inner_text()
    snapshot(page, "elderly-form-step-1")

    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text(f"第 2 / {total} 步")).to_be_visible()
    expect(visible).to_have_count(1)
    assert visible.locator("legend").inner_text() != first_legend
    page.get_by_role("button", name="上一步").click()
    expect(page.get_by_text(f"第 1 / {total} 步")).to_be_visible()
    assert visible.locator("legend").inner_text() == first_legend

    for _ in range(total - 1):
        page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text(f"第 {total} / {total} 步")).to_be_visible()
    expect(page.get_by_role("button", name="下一步")).to_be_hidden()
    expect(page.get_by_role("button", name="保存草稿")).to_be_visible()  # the last step saves
    snapshot(page, "elderly-form-last-step")
