"""Click-only journeys after filing (issue 10, "How it is proved"): the window reviews, sends one correction and
receives; each department accepts and decides (and one refuses, one denies); the applicant answers a 补充材料 request; delivery as chosen; the
applicant downloads the licence and verifies it; a supervisor and a catalog admin reach each of their pages.

Each journey opens `/` once and then only clicks and types, at 1366×900 and at 390×844, with every page reached
checked (walk.Walker.check). The prior state — a case filed, the applicant's correction, another department's
decision — is set up through the services by the demo scenario builder (`Demo` in
cases/management/commands/demo_cases.py), each step a moment ago.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.choices import CaseStatus, ItemStatus
from cases.management.commands.demo_cases import Demo
from cases.models import Case, CaseItem
from results.models import Delivery, ELicence

from .test_journeys import NEWBORN_ANSWERS, RESTAURANT_ANSWERS, WINDOW, answer_keys, one_thing, walker
from .walk import SIZES, Walker

LAYOUT = "经营场所平面布局图"
LAYOUT_REASON = "布局图未标明专间、库房的位置和面积"
SUPPLEMENT_REASON = "请补充新生儿父母结婚证的清晰扫描件"
SUPPLEMENT_REPLY = "结婚证扫描件已重新上传，原件可到窗口核验。"


def moments(count: int) -> list[dt.datetime]:
    """`count` moments, a minute apart, ending a minute ago (the demo clock refuses the future)."""
    now = timezone.now()
    return [now - dt.timedelta(minutes=count + 1 - i) for i in range(count)]


def filed(name: str, answers, username: str, *, received: bool) -> tuple[Demo, Case]:
    demo = Demo(random.Random(10))
    when = moments(2)
    thing = one_thing(name)
    case = demo.file(thing.code, username, when[0], answers=answer_keys(thing, answers))
    if received:
        case = demo.receive(case, when[1])
    return demo, case


def decide_all(demo: Demo, case: Case) -> None:
    """Every department accepts and approves (rounds, as prerequisites release their dependants)."""
    for _round in range(len(case.items.all()) + 1):
        demo.accept(case, timezone.now() - dt.timedelta(seconds=2))
        demo.approve(case, timezone.now() - dt.timedelta(seconds=1))
    assert all(i.status == ItemStatus.APPROVED for i in case.items.all())


def open_workbench_case(w: Walker, number: str, queue: str) -> None:
    w.nav("窗口工作台")
    expect(w.page.get_by_role("heading", name="窗口工作台", level=1)).to_be_visible()
    w.check("window workbench")
    w.page.locator(queue).get_by_role("link", name=number, exact=True).click()
    expect(w.page.locator("dl.meta code").first).to_have_text(number)


# ---------------------------------------------------------------- the window


@pytest.mark.parametrize("size", SIZES)
def test_window_reviews_sends_one_correction_and_receives(browser, live_server, size):
    demo, case = filed("开办餐饮店", RESTAURANT_ANSWERS, "enterprise", received=False)
    w = walker(browser, live_server, size, f"window-{size}")
    try:
        w.start()
        w.log_in(WINDOW)
        open_workbench_case(w, case.number, "#q-submitted")
        w.check("review")
        row = w.page.locator("form#correction tr").filter(has_text=LAYOUT)
        row.get_by_role("checkbox", name="不符合/缺失").check()
        row.get_by_label(f"“{LAYOUT}”的理由").fill(LAYOUT_REASON)
        w.page.get_by_role("button", name="出具一次性告知补正通知书").click()
        expect(w.alert(re.compile(r"^已出具补正通知书（第 1 次，共 1 项），已通知申请人。$"))).to_be_visible()
        w.check("correction sent")
        assert [n.points[0]["reason"] for n in case.corrections.all()] == [LAYOUT_REASON]

        demo.answer_correction(Case.objects.get(pk=case.pk), timezone.now())  # after the notice, never before it

        open_workbench_case(w, case.number, "#q-submitted")
        w.page.locator("#receive").get_by_role("button", name="收件", exact=True).click()
        expect(w.alert("已收件，现在可以打印收件回执。")).to_be_visible()
        w.check("received")
        w.page.get_by_role("link", name="打印回执").click()
        sheet = w.page.locator("#receipt .receipt-sheet")
        expect(sheet.get_by_role("heading", name="收件回执")).to_be_visible()
        expect(sheet.locator("code.case-number")).to_have_text(case.number)
        w.check("receipt")
        assert Case.objects.get(pk=case.pk).status == CaseStatus.RECEIVED
    finally:
        w.page.context.close()


# ---------------------------------------------------------------- the departments


def decide_task(w: Walker, item: CaseItem) -> None:
    """On the department workbench: the task of this item, 受理, then 准予."""
    page = w.page
    w.nav("部门工作台")
    expect(page.get_by_role("heading", name="部门工作台", level=1)).to_be_visible()
    w.check(f"workbench {item.department.code}")
    row = page.get_by_role("row").filter(has_text=item.name).filter(has=page.get_by_role("link", name=item.case.number))
    row.get_by_role("link", name=item.case.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(item.name)
    w.check(f"task {item.pk}")
    for action, message in (("受理", "已受理，办理时限开始计算。"), ("准予", "已准予许可。")):
        actions = page.locator("#actions")
        actions.locator("summary", has_text=re.compile(f"^{action}$")).click()
        actions.get_by_role("button", name=action, exact=True).click()
        expect(w.alert(message)).to_be_visible()
    w.check(f"task {item.pk} decided")


@pytest.mark.parametrize("size", SIZES)
def test_each_department_accepts_and_decides(browser, live_server, size):
    demo, case = filed("开办餐饮店", RESTAURANT_ANSWERS, "enterprise", received=True)
    items = list(case.items.order_by("order", "pk"))
    w = walker(browser, live_server, size, f"departments-{size}")
    try:
        w.start()
        decided: set[int] = set()
        while len(decided) < len(items):  # an item is decided once its prerequisites are
            item = next(
                i for i in items if i.pk not in decided and set(i.prerequisites.values_list("pk", flat=True)) <= decided
            )
            w.log_in(demo.reviewer(item).username)
            decide_task(w, item)
            w.log_out()
            decided.add(item.pk)
        statuses = set(Case.objects.get(pk=case.pk).items.values_list("status", flat=True))
        assert statuses == {ItemStatus.APPROVED}, statuses
    finally:
        w.page.context.close()


REFUSAL_REASON = "招牌设置位置位于县城主干道禁设区域"
DENIAL_REASON = "经营场所位于居民住宅楼内，未配套专用烟道"


def open_task(w: Walker, item: CaseItem) -> None:
    page = w.page
    w.nav("部门工作台")
    expect(page.get_by_role("heading", name="部门工作台", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=item.name).filter(has=page.get_by_role("link", name=item.case.number))
    row.get_by_role("link", name=item.case.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(item.name)
    w.check(f"task {item.pk}")


def end_task(w: Walker, key: str, label: str, reasons: str, message: str) -> None:
    """不予受理 (refuse) or 不予许可 (deny) with its reasons, from the task's action list."""
    box = w.page.locator(f"#action-{key}")
    box.locator("summary", has_text=re.compile(f"^{label}$")).click()
    box.get_by_label("理由").fill(reasons)
    box.get_by_role("button", name=label, exact=True).click()
    expect(w.alert(message)).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_a_department_refuses_another_denies_and_the_applicant_reads_the_decisions(
    browser, live_server, size, tmp_path
):
    """不予受理 and 不予许可 clicked by the departments; the items waiting on the denied one stop; the applicant opens
    the 不予许可决定书 from the case page: its reasons and the remedies (行政复议、行政诉讼)."""
    demo, case = filed("开办餐饮店", RESTAURANT_ANSWERS, "enterprise", received=True)
    sign = case.items.get(name="户外招牌设施设置规范管理")
    licence = case.items.get(name="企业营业执照信息核验")
    w = walker(browser, live_server, size, f"refuse-deny-{size}")
    try:
        w.start()
        w.log_in(demo.reviewer(sign).username)
        open_task(w, sign)
        end_task(w, "refuse", "不予受理", REFUSAL_REASON, "已决定不予受理，并已告知申请人理由。")
        w.check("refused")
        w.log_out()

        w.log_in(demo.reviewer(licence).username)
        open_task(w, licence)
        actions = w.page.locator("#actions")
        actions.locator("summary", has_text=re.compile("^受理$")).click()
        actions.get_by_role("button", name="受理", exact=True).click()
        expect(w.alert("已受理，办理时限开始计算。")).to_be_visible()
        end_task(w, "deny", "不予许可", DENIAL_REASON, "已决定不予许可，并已告知申请人理由及救济途径。")
        w.check("denied")
        w.log_out()
        statuses = dict(Case.objects.get(pk=case.pk).items.values_list("name", "status"))
        assert statuses.pop(sign.name) == ItemStatus.REFUSED and statuses.pop(licence.name) == ItemStatus.DENIED
        assert set(statuses.values()) == {ItemStatus.STOPPED}  # waited on the licence check

        w.log_in("enterprise")
        w.open_my_case(case.number)
        w.check("case with decisions")
        w.page.get_by_role("link", name=re.compile(f"^不予许可决定书：{licence.name}")).click()
        w.page.wait_for_url(re.compile(r"/denial/.*\.pdf$"))  # shown in the browser's PDF viewer
        path = tmp_path / "denial.pdf"
        path.write_bytes(w.page.context.request.get(w.page.url).body())  # the same file, read with this session
        text = "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")
        assert "不予许可决定书" in text and DENIAL_REASON in text and "行政复议" in text, text[:400]
    finally:
        w.page.context.close()


# ---------------------------------------------------------------- the applicant after filing


@pytest.mark.parametrize("size", SIZES)
def test_applicant_answers_a_supplement_request(browser, live_server, size):
    demo, case = filed("新生儿出生", NEWBORN_ANSWERS, "citizen", received=True)
    demo.accept(case, timezone.now() - dt.timedelta(seconds=3))
    item = case.items.filter(status=ItemStatus.ACCEPTED).order_by("order").first()
    demo.supplement(case, timezone.now() - dt.timedelta(seconds=2), item.name, SUPPLEMENT_REASON)
    w = walker(browser, live_server, size, f"supplement-{size}")
    try:
        w.start()
        w.log_in("citizen")
        w.open_my_case(case.number)
        box = w.page.locator("#supplements")
        expect(box).to_contain_text(SUPPLEMENT_REASON)
        w.check("case with a supplement request")
        box.get_by_label("您的答复").fill(SUPPLEMENT_REPLY)
        box.get_by_role("button", name="提交答复").click()
        expect(w.page.locator("#supplements")).to_contain_text(SUPPLEMENT_REPLY)
        w.check("supplement answered")
        assert CaseItem.objects.get(pk=item.pk).status == ItemStatus.ACCEPTED  # the clock runs again
    finally:
        w.page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_delivery_as_chosen_and_the_licence_downloaded_and_verified(browser, live_server, size, tmp_path):
    demo, case = filed("新生儿出生", NEWBORN_ANSWERS, "citizen", received=True)
    w = walker(browser, live_server, size, f"delivery-{size}")
    staff = walker(browser, live_server, size, f"certificates-{size}")
    try:
        w.start()
        w.log_in("citizen")
        w.open_my_case(case.number)
        w.page.get_by_role("link", name=re.compile("^领取办理结果")).click()
        expect(w.page.get_by_role("heading", level=1)).to_contain_text("领取办理结果")
        w.check("delivery choice")
        w.page.get_by_role("radio", name=re.compile("^分别领取")).check()
        w.page.get_by_role("radio", name="窗口领取").check()
        w.page.get_by_role("button", name="保存").click()
        expect(w.alert("您的选择已保存。")).to_be_visible()
        w.check("delivery chosen")

        decide_all(demo, Case.objects.get(pk=case.pk))

        staff.start()
        staff.log_in("xinxiang_delivery")
        staff.nav("发证窗口")
        card = staff.page.locator(f"[id='case-{case.number}']")
        expect(card).to_contain_text("分别领取")
        staff.check("certificate window")
        card.get_by_label("签收人").fill("张三")
        card.get_by_role("button", name="登记送达").click()
        expect(staff.alert(re.compile("已登记送达|送达凭证"))).to_be_visible()
        staff.check("delivered")
        assert Delivery.objects.filter(case=case).exists()

        w.nav("我的证照")
        expect(w.page.get_by_role("heading", name="我的证照", level=1)).to_be_visible()
        w.check("my licences")
        licence = ELicence.objects.filter(case=case).order_by("pk").first()
        row = w.page.get_by_role("row").filter(has_text=licence.verification_code)
        with w.page.expect_download() as download:
            row.get_by_role("link", name="下载（PDF）").click()
        path = tmp_path / "licence.pdf"
        download.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF")
        row.get_by_role("link", name="核验页面").click()
        expect(w.page.locator("#result")).to_contain_text("真实有效")
        expect(w.page.locator("#result")).to_contain_text(licence.title)
        w.check("licence verified")
    finally:
        w.page.context.close()
        staff.page.context.close()


# ---------------------------------------------------------------- supervisor and catalog admin


def visit_every_nav_link(w: Walker) -> list[str]:
    """Every link of the top bar but the catalog, the account and the display switch; returns their names."""
    skip = {"一件事目录", "长辈模式", "标准模式"}
    nav = w.page.locator("header.topbar nav")
    names = [n.strip() for n in nav.get_by_role("link").all_inner_texts()]
    names = [n for n in names if n not in skip and not nav.locator("a.who").filter(has_text=n).count()]
    for name in names:
        w.nav(name)
        expect(w.page.get_by_role("heading", level=1)).to_be_visible()
        w.check(name)
    return names


@pytest.mark.parametrize("size", SIZES)
def test_supervisor_reaches_each_of_their_pages(browser, live_server, size):
    w = walker(browser, live_server, size, f"supervisor-{size}")
    try:
        w.start()
        w.log_in("xinxiang_supervisor")
        names = visit_every_nav_link(w)
        assert "部门工作台" in names, names
    finally:
        w.page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_catalog_admin_reaches_each_of_their_pages(browser, live_server, size):
    w = walker(browser, live_server, size, f"catalog-admin-{size}")
    page = w.page
    try:
        w.start()
        w.log_in("xinxiang_catalog_admin")
        assert "清单管理" in visit_every_nav_link(w)
        page.get_by_role("link", name="导入 Excel").click()
        w.check("import")
        w.nav("清单管理")
        page.get_by_role("link", name="开办餐饮店").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("开办餐饮店")
        w.check("one-thing")
        new_version = page.locator("form").filter(has=page.get_by_role("button", name="生成新版本"))
        new_version.get_by_role("textbox", name="理由").fill("按2026年度清单调整")
        new_version.get_by_role("button", name="生成新版本").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"开办餐饮店\s*v2"))
        w.check("new version")
        page.get_by_role("link", name="编辑草稿").click()
        w.check("edit draft")
        page.get_by_role("link", name="← 开办餐饮店 v2").click()
        page.locator("p").filter(has_text="调整事项：").get_by_role("link").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("调整事项")
        w.check("adjust item")
    finally:
        w.page.context.close()
