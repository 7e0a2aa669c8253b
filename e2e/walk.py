"""Helpers shared by the click-only journeys (issue 10, "How it is proved").

A journey opens `/` once (`start`) and from there only clicks and types. `Walker` keeps the page, the console errors
and the journey's name; `walker.check(where)` is run on every page reached: no horizontal overflow, no console
error, no serious or critical axe-core violation of WCAG 2.1 A/AA (axe vendored: e2e/vendor/axe.min.js, 4.14.1 from
npm, injected by the test: the context bypasses the page's Content-Security-Policy for that script only in tests),
and a named screenshot in $YIJIAN_E2E_SHOTS when set.

Controls are found by what a person sees: roles, labels and the Chinese text as rendered. The one-form fields are
the exception: they are filled by their data element (`#f-<element key>`) with values from the demo scenario
builder (cases/management/commands/demo_cases.py), so that a field another change stops asking is simply absent.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from accounts.demo import DEMO_PASSWORD
from materials.samples import minimal_pdf

from .conftest import TIMEOUT_MS

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Journeys run at both sizes; the citizen's also once in the elderly mode (at phone size, the harder case)
VIEWS = {"desktop": ("desktop", False), "phone": ("phone", False), "elderly": ("phone", True)}
AXE_RUN = (
    "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
    "'wcag21aa']}})).violations.filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
)


def open_context(browser: Browser, live_server, size: str) -> tuple[Page, list[str]]:
    """A fresh browser context at this size (zh-CN), collecting console errors and uncaught page errors."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=SIZES[size], bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def check_screen(page: Page, errors: list[str], where: str, prefix: str = "screen") -> None:
    """No horizontal overflow, no console error, no serious or critical axe violation (and a screenshot in
    $YIJIAN_E2E_SHOTS when set)."""
    page.wait_for_load_state("networkidle")
    shots = os.environ.get("YIJIAN_E2E_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        elderly = "-elderly" if "elderly" in (page.locator("html").get_attribute("class") or "") else ""
        name = f"{prefix}-{width}{elderly}-{where.replace(' ', '-')}.png"
        page.screenshot(path=str(Path(shots) / name), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where}: {overflow}px wider than the window"
    assert errors == [], f"{where}: console errors {errors}"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(AXE_RUN)
    assert result == [], f"{where}: axe {result}"


@dataclass
class Walker:
    """One person's browser in a journey: every page reached is checked (`check`) and counted."""

    page: Page
    errors: list[str]
    name: str
    checked: list[str] = field(default_factory=list)

    def check(self, where: str) -> None:
        self.checked.append(where)
        check_screen(self.page, self.errors, f"{len(self.checked):02d}-{where}", prefix=self.name)

    # -- moving about

    def start(self, elderly: bool = False) -> None:
        """Open `/`: the only address a journey types. In the elderly mode, switched on from the top bar."""
        self.page.goto("/")
        if elderly:
            self.page.get_by_role("link", name="长辈模式").click()
            expect(self.page.locator("html")).to_have_class(re.compile("elderly"))
        self.check("catalog")

    def nav(self, name: str) -> None:
        """Follow a link of the top bar (on a phone the bar wraps; it is never hidden)."""
        self.page.locator("header.topbar nav").get_by_role("link", name=name, exact=True).click()

    def log_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        """From any page: the top bar's 登录, the login form, and back to where the login page sends."""
        self.nav("登录")
        self.fill_login(username, password)

    def fill_login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        expect(self.page.get_by_role("heading", name="登录", level=1)).to_be_visible()
        self.check("login")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.get_by_role("button", name="退出登录")).to_be_visible()

    def log_out(self) -> None:
        self.page.get_by_role("button", name="退出登录").click()
        expect(self.page.locator("header.topbar nav").get_by_role("link", name="登录")).to_be_visible()

    def alert(self, text: str | re.Pattern):
        """The message (role alert) with this text; the calendar banner is an alert too, hence the filter."""
        return self.page.get_by_role("alert").filter(has_text=text)

    # -- the applicant's steps from the catalog to the submitted case

    def open_one_thing(self, region: str, name: str) -> None:
        """On the catalog: the one-thing `name` of the county `region`."""
        page = self.page
        row = page.locator("li, tr").filter(has_text=region).filter(has=page.get_by_role("link", name=name))
        row.get_by_role("link", name=name).first.click()
        self.check("one-thing page")

    def answer_guide(self, name: str, answers: list[tuple[str, str]]) -> None:
        """From the one-thing page through the questionnaire, (question, option) in the order asked, then to the
        one form by "apply online" (through the login page when logged out, which comes back)."""
        page = self.page
        page.get_by_role("link", name="开始情形引导，生成我的一次告知单").click()
        expect(page.get_by_role("heading", name=f"办事指引：{name}", level=1)).to_be_visible()
        for question, option in answers:
            group = page.get_by_role("group", name=question, exact=True)
            with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
                group.get_by_role("radio", name=option, exact=True).click()
            expect(group.get_by_role("radio", name=option, exact=True)).to_be_checked()
        expect(page.get_by_role("complementary")).not_to_contain_text("尚未回答")
        page.wait_for_load_state("networkidle")
        self.check("questionnaire")

    def apply_online(self, name: str, username: str | None = None) -> None:
        """The questionnaire's "apply online"; logged out, through the login page and back to the one form."""
        self.page.get_by_role("link", name="按以上回答在线申请").click()
        if username:
            self.fill_login(username)
        expect(self.page.get_by_role("heading", name=f"一表申请：{name}", level=1)).to_be_visible()
        self.check("one form")

    def fill_form(self, values: dict[str, str]) -> int:
        """Type every asked, editable, still empty field from `values` (element key → value) and save the draft;
        returns how many fields were typed."""
        page = self.page
        typed = 0
        while True:  # 长辈模式 shows one section per screen: fill what shows, then 下一步 until the last
            for key, value in values.items():
                box = page.locator(f"[id='f-{key}']")
                if box.count() == 0 or not box.is_visible() or not box.is_editable() or box.input_value():
                    continue  # not asked, on another step, locked (an authoritative source) or pre-filled
                box.scroll_into_view_if_needed()
                if box.evaluate("e => e.tagName") == "SELECT":
                    box.select_option(value=value)
                else:
                    box.fill(value)
                typed += 1
            step = page.get_by_role("button", name="下一步")
            if step.count() == 0 or not step.is_visible():
                break
            step.click()
        page.get_by_role("button", name="保存草稿").click()
        expect(self.alert("草稿已保存，各项均已正确填写。")).to_be_visible()
        self.check("one form saved")
        return typed

    def upload_materials(self, directory: Path, leave_out: tuple[str, ...] = ()) -> int:
        """The next step's 材料; a small PDF for every material still to upload but those named in `leave_out`
        (section titles starting so); returns how many were uploaded."""
        page = self.page
        page.locator(".next-step").get_by_role("link", name="材料", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("^申请材料："), level=1)).to_be_visible()
        self.check("materials")
        uploaded = 0
        sections = page.locator("section.material")
        for index in range(sections.count()):
            section = sections.nth(index)
            chooser = section.get_by_label("选择文件")
            if chooser.count() == 0:
                continue  # uploaded already, or nothing to upload (replaced by an e-licence, generated…)
            title = section.get_by_role("heading", level=3).inner_text().removesuffix("*").strip()
            if title.startswith(leave_out) and leave_out:
                continue
            pdf = directory / f"{self.name}-{index}.pdf"
            pdf.write_bytes(minimal_pdf(f"{self.name} {title}"))
            chooser.set_input_files(pdf)
            section.get_by_role("button", name="上传", exact=True).click()
            expect(self.alert(re.compile("^“" + re.escape(pdf.name) + "”已作为“.+”上传。$"))).to_be_visible()
            uploaded += 1
        self.check("materials uploaded")
        return uploaded

    def submit(self, name: str) -> str:
        """The next step's 检查并提交, then 提交申请; returns the case number shown on the case page."""
        page = self.page
        page.locator(".next-step").get_by_role("link", name=re.compile("检查并提交")).click()
        expect(page.get_by_role("heading", name=f"检查并提交：{name}", level=1)).to_be_visible()
        expect(page.locator("#blocking")).to_have_count(0)
        self.check("submit page")
        page.get_by_role("button", name="提交申请").click()
        expect(self.alert(re.compile("^申请已提交，办件编号 \\d{18}，请妥善保存。$"))).to_be_visible()
        self.check("case submitted")
        return page.locator("code.case-number").first.inner_text().strip()

    def open_my_case(self, number: str) -> None:
        """The top bar's 我的办件, then the case."""
        self.nav("我的办件")
        expect(self.page.get_by_role("heading", name="我的办件", level=1)).to_be_visible()
        self.check("my cases")
        self.page.get_by_role("link", name=number).first.click()
        expect(self.page.locator("code.case-number").first).to_have_text(number)
