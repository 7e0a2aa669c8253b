"""Cases in a real browser: an online application through a correction round to a 容缺 receipt, and a walk-in.

1. The demo enterprise (account `enterprise`) applies for 开办餐饮店 (新乡县) as in test_applicant_journey.py, but
   leaves out 保证食品安全的规章制度目录清单, which may be supplied later (容缺), and double-clicks “提交申请”: one
   case. The window (account `xinxiang_window`, in a second browser) issues one correction notice with a field and
   a material; the applicant corrects both and resubmits; the window receives the case with a due date for the
   missing material and prints the receipt, which the applicant then sees on the case page.
2. The window files for a walk-in natural person (a new account) the 残疾人服务 one-thing (开办餐饮店 is for legal
   persons only): questionnaire, form and materials on the intake page, one scan and paper originals, 收件, receipt
   on the spot, a paper material scanned, the receipt printed.

Locators are what the user sees: roles, labels and the Chinese text as rendered. The database is checked from the
test thread only where the browser cannot tell (how many cases a double click made).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from stdnum.cn import ric

from accounts.models import User
from cases.models import Case, CorrectionNotice
from e2e.test_applicant_journey import (
    ENTERPRISE,
    ENTERPRISE_NAME,
    answer_restaurant_guide,
    check_personal_notice,
    check_prefilled_and_locked,
    field,
    fill_remaining_fields,
    grant_shared_data_consents,
    open_one_form,
    pdf_bytes,
    restaurant_code,
    upload_all_materials,
)

WINDOW = "xinxiang_window"  # 新乡县 综合窗口
CASE_NUMBER = re.compile(r"^410721\d{12}$")  # region code + date + 4-digit daily sequence: 18 digits

# 开办餐饮店: the material left out (容缺), and the two points of the correction notice
DEFERRED_KEY = "food_safety_rules"
DEFERRED_NAME = "保证食品安全的规章制度目录清单"
LAYOUT_KEY = "premises_layout"
LAYOUT_NAME = "经营场所平面布局图"
LAYOUT_REASON = "布局图未标明专间、库房的位置和面积"
AREA_LABEL = "经营场所使用面积（平方米）"
AREA_REASON = "使用面积与平面布局图标注的面积不一致"
AREA_CORRECTED = "110"

# the walk-in: a new natural person (not in the demo shared data), born 1988 in 新乡县
WALK_IN_NAME = "吴九"
WALK_IN_ID_BASE = "41072119880512003"
WALK_IN_ID = WALK_IN_ID_BASE + ric.calc_check_digit(WALK_IN_ID_BASE + "0")  # stdnum wants a placeholder 18th digit
WALK_IN_MOBILE = "13800000009"


def case_number(page: Page) -> str:
    return page.locator("code.case-number").first.inner_text().strip()


def alert(page: Page, text: str | re.Pattern):
    """The message (role alert) with this text; the calendar banner is an alert too, hence the filter."""
    return page.get_by_role("alert").filter(has_text=text)


def status_heading(page: Page, one_thing: str, status: str):
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{one_thing}\s*{status}$"))


def cases_of(username: str, wait: float = 1.5) -> int:
    """The number of cases of the applicant, once it has stayed the same for `wait` seconds: a cancelled POST of
    the double click may still be running on the live server after the browser shows the case page."""
    count = Case.objects.filter(applicant__username=username).count()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = Case.objects.filter(applicant__username=username).count()
        if now != count:
            count, deadline = now, time.monotonic() + wait
    return count


def double_click(page: Page, target, gap_ms: int = 50) -> None:
    """A person's double click: two clicks `gap_ms` apart (a double click to the page: the second has detail 2
    and a dblclick follows). Playwright's dblclick() sends both clicks in one go, before the first click's form
    submission has started, so the browser merges them into one request; with a person's gap, the first POST is
    on its way when the second click submits the form again."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None, "the target is not visible"
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(gap_ms)
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)


# ---------------------------------------------------------------- applicant: up to submission


def submit_with_deferred_material(page: Page, tmp_path: Path, snapshot) -> str:
    """Guide → notice → pre-filled form → uploads (one 容缺 material left out) → submit page → double click.
    Returns the case number."""
    code = restaurant_code()
    grant_shared_data_consents(page)
    query = answer_restaurant_guide(page, code)
    check_personal_notice(page)
    # the printable notice says which materials may be supplied later
    deferred_row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=re.compile("^" + DEFERRED_NAME)))
    expect(deferred_row).to_have_count(1)
    expect(deferred_row).to_contain_text("可容缺")
    open_one_form(page, code, query)
    check_prefilled_and_locked(page)
    fill_remaining_fields(page)
    prefixes = upload_all_materials(page, code, tmp_path, leave_out={f"m-{DEFERRED_KEY}"})
    expect(page.locator(f"section[id='m-{DEFERRED_KEY}']")).to_contain_text("尚未上传。")

    page.get_by_role("link", name=re.compile("^检查并提交")).click()
    expect(page.get_by_role("heading", name="检查并提交：开办餐饮店", level=1)).to_be_visible()
    expect(page.locator("#blocking")).to_have_count(0)  # nothing stops the submission
    summary = page.locator("table.materials-summary")
    deferred = summary.locator(f"tr[id='m-{DEFERRED_KEY}']")
    expect(deferred).to_contain_text(DEFERRED_NAME)
    expect(deferred.locator(".badge")).to_have_text("容缺后补")
    for section_id in prefixes:  # every upload is listed with its hash
        expect(summary.locator(f"tr[id='{section_id}']").locator(".badge")).to_have_text("已上传")
        expect(summary.locator(f"tr[id='{section_id}'] code")).to_have_text(f"{prefixes[section_id]}…")
    expect(summary.locator(".badge-red")).to_have_count(0)
    # 营业执照 is not uploaded: the enterprise's e-licence replaces it (as the case page and the receipt say)
    licence = summary.get_by_role("row").filter(has=page.get_by_role("cell", name="营业执照", exact=True))
    expect(licence).to_contain_text("免提交 持有电子证照：营业执照")
    snapshot(page, "submit-summary")

    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/cases/submit/" in r.url else None)
    double_click(page, page.get_by_role("button", name="提交申请"))
    expect(page).to_have_url(re.compile(r"/cases/410721\d{12}/$"))
    number = case_number(page)
    assert CASE_NUMBER.match(number), number
    assert len(posts) == 2, f"the double click sent {len(posts)} submission(s)"
    assert cases_of(ENTERPRISE) == 1, "a double click filed more than one case"
    return number


def check_case_submitted(page: Page, number: str) -> None:
    expect(alert(page, f"申请已提交，办件编号 {number}，请妥善保存。")).to_be_visible()
    status_heading(page, "开办餐饮店", "待形式审查")
    meta = page.locator("dl.case-meta")
    expect(meta.locator("dd").filter(has_text=number)).to_be_visible()
    expect(meta).to_contain_text("网上申报")
    review_due = meta.locator("dt", has_text="形式审查截止")
    expect(review_due).to_be_visible()
    clock = meta.locator("dd .clock")  # the formal review clock (2 working hours in 新乡县)
    expect(clock).to_have_count(1)
    expect(clock).not_to_have_class(re.compile("clock-unknown"))
    due = timezone.localtime(Case.objects.get(number=number).review_due_at)
    expect(meta.locator("dd").filter(has=page.locator(".clock"))).to_contain_text(f"{due:%Y-%m-%d %H:%M}")
    entries = page.locator("ol.timeline > li")
    expect(entries).to_have_count(2)  # one submission in the trail, with the way of receiving chosen on its page
    expect(entries.first).to_contain_text("提交申请")
    expect(entries.last).to_contain_text("选择结果领取方式")
    deferred = page.locator(f"tr[id='m-{DEFERRED_KEY}']")
    expect(deferred.locator(".badge")).to_have_text("未提交")
    expect(deferred).to_contain_text("容缺")
    expect(page.locator("#correction")).to_have_count(0)
    expect(page.locator("#receipt")).to_have_count(0)


# ---------------------------------------------------------------- window: review


def open_from_workbench(staff: Page, number: str, queue: str) -> None:
    staff.get_by_role("navigation").get_by_role("link", name="窗口工作台").click()
    expect(staff.get_by_role("heading", name="窗口工作台", level=1)).to_be_visible()
    staff.locator(queue).get_by_role("link", name=number, exact=True).click()
    expect(staff.locator("dl.meta code").first).to_have_text(number)


def point_row(staff: Page, label: str):
    """The review page's row of a form field, found by its row header (the label, “ *” when required)."""
    header = staff.get_by_role("rowheader", name=re.compile("^" + re.escape(label) + r"(\s*\*)?$"))
    return staff.locator("form#correction tr").filter(has=header)


def issue_correction(staff: Page, number: str, snapshot) -> None:
    """Tick a field and a material with their reasons; one notice."""
    status_heading(staff, "开办餐饮店", "待形式审查")
    area = point_row(staff, AREA_LABEL)
    expect(area).to_contain_text("120")
    area.get_by_role("checkbox", name="不符合/缺失").check()
    staff.get_by_label(f"“{AREA_LABEL}”的理由").fill(AREA_REASON)
    layout = staff.locator(f"form#correction tr[id='m-{LAYOUT_KEY}']")
    expect(layout).to_contain_text(LAYOUT_NAME)
    layout.get_by_role("checkbox", name="不符合/缺失").check()
    layout.get_by_label(f"“{LAYOUT_NAME}”的理由").fill(LAYOUT_REASON)
    snapshot(staff, "review-correction-form")
    staff.get_by_role("button", name="出具一次性告知补正通知书").click()
    expect(alert(staff, "已出具补正通知书（第 1 次，共 2 项），已通知申请人。")).to_be_visible()
    status_heading(staff, "开办餐饮店", "待补正")
    expect(staff.get_by_role("button", name="出具一次性告知补正通知书")).to_have_count(0)
    notices = CorrectionNotice.objects.filter(case__number=number)
    assert [len(n.points) for n in notices] == [2]


# ---------------------------------------------------------------- applicant: correction


def correct_and_resubmit(page: Page, tmp_path: Path, snapshot) -> None:
    page.reload()
    status_heading(page, "开办餐饮店", "待补正")
    notice = page.locator("#correction")
    expect(notice.get_by_role("heading", name="补正通知书（第 1 次）")).to_be_visible()
    points = notice.locator("ol.points > li")
    expect(points).to_have_count(2)
    expect(points.filter(has_text=AREA_LABEL)).to_contain_text(f"（表单字段）：{AREA_REASON}")
    expect(points.filter(has_text=LAYOUT_NAME)).to_contain_text(f"（材料）：{LAYOUT_REASON}")
    snapshot(page, "correction-notice-applicant")

    area = notice.get_by_label(AREA_LABEL, exact=True)
    expect(area).to_have_value("120")
    area.fill(AREA_CORRECTED)
    notice.get_by_role("button", name="保存修改").click()
    expect(alert(page, "补正内容已保存。全部补正完成后请重新提交。")).to_be_visible()
    expect(page.locator("#correction").get_by_label(AREA_LABEL, exact=True)).to_have_value(AREA_CORRECTED)

    layout = page.locator(f"#c-{LAYOUT_KEY}")
    expect(layout).to_contain_text("当前文件")
    pdf = tmp_path / "平面布局图-补正.pdf"
    pdf.write_bytes(pdf_bytes("corrected layout"))
    layout.get_by_label("新文件").set_input_files(pdf)
    layout.get_by_role("button", name="上传", exact=True).click()
    expect(alert(page, re.compile(f"^已收到“.+”的文件“{re.escape(pdf.name)}”。$"))).to_be_visible()
    layout = page.locator(f"#c-{LAYOUT_KEY}")
    expect(layout.locator(".badge")).to_have_text("已收到新文件")
    expect(layout.get_by_role("link", name=pdf.name)).to_be_visible()

    page.get_by_role("button", name="重新提交").click()
    expect(alert(page, "补正后的申请已重新提交，窗口将进行审查。")).to_be_visible()
    status_heading(page, "开办餐饮店", "待形式审查")
    expect(page.locator("#correction")).to_have_count(0)


# ---------------------------------------------------------------- window: receipt


def receive_with_deferral(staff: Page, number: str, snapshot) -> str:
    """Receive the resubmitted case, keeping the default due date offered for the 容缺 material; returns it."""
    open_from_workbench(staff, number, "#q-submitted")
    status_heading(staff, "开办餐饮店", "待形式审查")
    expect(point_row(staff, AREA_LABEL)).to_contain_text(AREA_CORRECTED)
    expect(staff.locator(f"tr[id='m-{LAYOUT_KEY}']")).to_contain_text("平面布局图-补正.pdf")
    receive = staff.locator("#receive")
    due = receive.get_by_label(f"{DEFERRED_NAME} · 补齐期限")
    default = due.input_value()
    assert dt.date.fromisoformat(default) > timezone.localdate(), default
    receive.get_by_role("button", name="收件", exact=True).click()
    expect(alert(staff, "已收件，现在可以打印收件回执。")).to_be_visible()
    status_heading(staff, "开办餐饮店", "已收件")
    expect(staff.locator(f"tr[id='m-{DEFERRED_KEY}']")).to_contain_text(f"请于 {default} 前补齐")

    staff.get_by_role("link", name="打印回执").click()
    expect(staff).to_have_url(re.compile(rf"/cases/{number}/receipt/$"))
    check_receipt(staff, number, default)
    snapshot(staff, "receipt")

    # the workbench follows the 容缺 material to its due date
    staff.get_by_role("navigation").get_by_role("link", name="窗口工作台").click()
    deferred = staff.locator("#q-deferred").get_by_role("row").filter(has_text=number)
    expect(deferred).to_contain_text(DEFERRED_NAME)
    expect(deferred).to_contain_text(default)
    return default


def check_receipt(page: Page, number: str, due: str) -> None:
    sheet = page.locator("#receipt .receipt-sheet")
    expect(sheet.get_by_role("heading", name="收件回执")).to_be_visible()

    def row(header: str):
        return sheet.get_by_role("row").filter(has=page.get_by_role("rowheader", name=header, exact=True))

    expect(row("办件编号")).to_contain_text(number)
    expect(row("申请人")).to_contain_text(ENTERPRISE_NAME)
    expect(row("一件事")).to_contain_text("开办餐饮店")
    items = list(Case.objects.get(number=number).items.order_by("order").values_list("name", flat=True))
    assert len(items) == 4, items
    listed = row("事项与部门").get_by_role("listitem")
    expect(listed).to_have_count(len(items))
    for name, entry in zip(items, listed.all(), strict=True):
        expect(entry).to_contain_text(name)
    expect(row("已收材料")).to_contain_text(LAYOUT_NAME)
    expect(row("容缺后补")).to_have_text(re.compile(rf"{DEFERRED_NAME}\s*—\s*{due} 前"))
    expect(row("已收材料")).not_to_contain_text(DEFERRED_NAME)
    expect(row("免提交").get_by_role("listitem")).to_have_text("营业执照（持有电子证照：营业执照）")


# ---------------------------------------------------------------- the tests


def server_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Requests the live server answered with an error (5xx), also those whose answer the browser dropped."""
    return [r.getMessage() for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


def test_online_case_correction_and_deferred_receipt(
    page: Page, new_page, login, snapshot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    login(page, ENTERPRISE)
    number = submit_with_deferred_material(page, tmp_path, snapshot)
    assert server_errors(caplog) == []  # neither POST of the double click failed on the server
    check_case_submitted(page, number)
    snapshot(page, "case-submitted")

    staff = new_page()
    login(staff, WINDOW)
    open_from_workbench(staff, number, "#q-submitted")
    issue_correction(staff, number, snapshot)

    correct_and_resubmit(page, tmp_path, snapshot)

    due = receive_with_deferral(staff, number, snapshot)

    page.reload()
    status_heading(page, "开办餐饮店", "已收件")
    check_receipt(page, number, due)
    expect(page.locator(f"tr[id='m-{DEFERRED_KEY}']")).to_contain_text(f"请于 {due} 前补齐")
    expect(page.locator(f"tr[id='m-{DEFERRED_KEY}']").get_by_label("现在补齐")).to_be_attached()
    assert cases_of(ENTERPRISE, wait=0) == 1
    assert server_errors(caplog) == []


# walk-in: (question, answer) in the order the intake page asks them; the last three follow the first two
DISABILITY_ANSWERS = [
    ("您这次需要办理哪项残疾人证业务？", "第一次申领残疾人证"),
    ("由谁提出申请？", "残疾人本人"),
    ("您希望申请哪些残疾人补贴？", "暂不申请或不符合条件"),
    ("您是否有就业意愿，需要职业介绍、技能培训或创业扶持？", "暂不需要"),
    (
        "是否申请政府代缴城乡居民基本养老保险费（适用于年满16周岁、未参加职工养老保险的重度残疾人）？",
        "不申请（已参加职工养老保险、未满16周岁或不符合条件）",
    ),
]
DISABILITY_VALUES = [
    ("残疾人姓名", WALK_IN_NAME),
    ("残疾人公民身份号码", WALK_IN_ID),
    ("残疾人户籍地址", "河南省新乡市新乡县七里营镇演示村12号"),
    ("残疾人现居住地址", "河南省新乡市新乡县七里营镇演示村12号"),
    ("残疾人（或联系人）手机号码", WALK_IN_MOBILE),
]
DISABILITY_SELECTS = [("残疾人证业务类型", "新办"), ("申请评定（或持证）的残疾类别", "肢体残疾")]
GENERATED = "《残疾人证》申请表"  # generated from the one form: nothing to scan or upload
PAPER = ["残疾人居民身份证（或户口簿）", "残疾评定表"]  # paper originals, scanned after filing
LEFT_OUT = "近期免冠彩色照片"  # 容缺


def answer_intake_questions(page: Page) -> None:
    situation = page.locator("#situation")
    asked = 0
    while asked < len(DISABILITY_ANSWERS):  # each round asks what the answers so far make relevant
        visible = [a for a in DISABILITY_ANSWERS if situation.get_by_role("group", name=a[0], exact=True).count()]
        assert len(visible) > asked, f"no new question after {asked} answers"
        for question, answer in visible:
            situation.get_by_role("group", name=question, exact=True).get_by_role("radio", name=answer).check()
        asked = len(visible)
        situation.get_by_role("button", name="更新情形").click()
        expect(alert(page, "情形已更新，已填写的内容已保留。")).to_be_visible()
    expect(situation).not_to_contain_text("未回答")
    for question, answer in DISABILITY_ANSWERS:
        group = situation.get_by_role("group", name=question, exact=True)
        expect(group.get_by_role("radio", name=answer)).to_be_checked()


def test_walk_in_filed_and_received_at_the_window(page: Page, login, snapshot, tmp_path: Path) -> None:
    assert not User.objects.filter(id_number=WALK_IN_ID).exists()
    login(page, WINDOW)
    page.get_by_role("navigation").get_by_role("link", name="窗口工作台").click()
    page.get_by_role("link", name="帮办代办").click()
    expect(page.get_by_role("heading", name="窗口帮办代办", level=1)).to_be_visible()
    choice = page.get_by_label("办理的“一件事”")
    expect(choice.get_by_role("option", name="残疾人服务（个人）")).to_be_attached()
    expect(choice.get_by_role("option", name="开办餐饮店（法人）")).to_be_attached()  # not for a natural person
    expect(page.get_by_role("radio", name="自然人")).to_be_checked()
    page.get_by_label("姓名", exact=True).fill(WALK_IN_NAME)
    page.get_by_label("公民身份号码", exact=True).fill(WALK_IN_ID)
    page.get_by_label("手机号码", exact=True).fill(WALK_IN_MOBILE)
    choice.select_option(label="残疾人服务（个人）")
    page.get_by_role("button", name="下一步").click()
    expect(alert(page, f"已为 {WALK_IN_NAME} 新建申请人账户。")).to_be_visible()
    expect(page.get_by_role("heading", name="窗口代办申请：残疾人服务", level=1)).to_be_visible()
    expect(page.locator("dl.meta")).to_contain_text(f"{WALK_IN_NAME} 自然人 · {WALK_IN_ID} · {WALK_IN_MOBILE}")

    answer_intake_questions(page)
    for label, value in DISABILITY_VALUES:
        field(page, label).fill(value)
    for label, value in DISABILITY_SELECTS:
        field(page, label).select_option(label=value)

    rows = page.locator("table.review-table tbody tr")
    expect(rows).to_have_count(len(PAPER) + 1)  # the 申请表 is not among them: the one form generates it
    expect(rows.filter(has_text=GENERATED)).to_have_count(0)
    expect(rows.filter(has_text=LEFT_OUT)).to_contain_text("可容缺")
    for title in PAPER:
        rows.filter(has_text=title).get_by_role("checkbox", name="已收取纸质原件，稍后扫描").check()
    snapshot(page, "walk-in-intake")

    page.get_by_role("button", name="收件", exact=True).click()
    expect(alert(page, re.compile(r"^已受理登记，办件编号 410721\d{12}。"))).to_be_visible()
    number = case_number_on_review(page)
    case = Case.objects.get(number=number)
    assert case.applicant.id_number == WALK_IN_ID and case.channel == "window"
    status_heading(page, "残疾人服务", "待形式审查")
    meta = page.locator("dl.meta")
    expect(meta).to_contain_text("窗口收件：请当场审查。")
    scanning = meta.locator("dt", has_text="扫描转化")
    expect(scanning).to_be_visible()
    expect(meta.locator("dd").filter(has_text="收件后 2 个工作小时内").locator(".clock")).to_be_visible()
    materials = page.locator("form#correction table.review-table").last
    for title in PAPER:
        expect(materials.get_by_role("row").filter(has_text=title)).to_contain_text("已收纸质材料，待转化")
    expect(materials.get_by_role("row").filter(has_text=LEFT_OUT)).to_contain_text("未提交")
    for title in PAPER:  # the scans may be attached before or after receiving
        expect(page.locator("#scan").get_by_label(title)).to_be_visible()

    receive = page.locator("#receive")
    due = receive.get_by_label(f"{LEFT_OUT} · 补齐期限").input_value()
    assert due, "no default due date offered"
    receive.get_by_role("button", name="收件", exact=True).click()
    expect(alert(page, "已收件，现在可以打印收件回执。")).to_be_visible()
    status_heading(page, "残疾人服务", "已收件")

    scan_section = page.locator("#scan")
    paper_scan = tmp_path / "身份证扫描件.pdf"
    paper_scan.write_bytes(pdf_bytes(PAPER[0]))
    scan_section.get_by_label(PAPER[0]).set_input_files(paper_scan)
    scan_section.locator("form.scan").filter(has=page.get_by_label(PAPER[0])).get_by_role(
        "button", name="上传扫描件"
    ).click()
    expect(alert(page, re.compile(r"^已上传“.+”的扫描件。$"))).to_be_visible()
    materials = page.locator("table.review-table").last
    expect(materials.get_by_role("row").filter(has_text=PAPER[0])).to_contain_text(paper_scan.name)
    expect(page.locator("#scan").get_by_label(PAPER[1])).to_be_visible()  # still to scan
    expect(page.locator("#scan").get_by_label(PAPER[0])).to_have_count(0)
    expect(meta.locator("dd").filter(has_text="收件后 2 个工作小时内").locator(".clock")).to_be_visible()

    page.get_by_role("link", name="打印回执").click()
    expect(page).to_have_url(re.compile(rf"/cases/{number}/receipt/$"))
    sheet = page.locator("#receipt .receipt-sheet")
    expect(sheet.get_by_role("heading", name="收件回执")).to_be_visible()
    expect(sheet.locator("code.case-number")).to_have_text(number)
    applicant = sheet.get_by_role("row").filter(has=page.get_by_role("rowheader", name="申请人", exact=True))
    expect(applicant).to_contain_text(WALK_IN_NAME)
    expect(applicant).to_contain_text(f"{WALK_IN_ID[:4]}**********{WALK_IN_ID[-4:]}")  # masked
    expect(sheet).to_contain_text(f"{LEFT_OUT} — {due} 前")


def case_number_on_review(page: Page) -> str:
    number = page.locator("dl.meta code").first.inner_text().strip()
    assert CASE_NUMBER.match(number), number
    return number
