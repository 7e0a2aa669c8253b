"""The applicant's journey in a real browser: guide → personal notice → one form → one set of materials.

The demo enterprise 新乡县演示餐饮有限公司 (account `enterprise`, accounts/demo.py) opens a restaurant (开办餐饮店,
新乡县, data/specs/xinxiang_restaurant.yaml). Submission, the receipt and the staff review come with the `cases`
app; `fill_restaurant_application` brings a logged-in applicant to the "ready to submit" state for those tests.

Locators are what the applicant sees: roles, labels and the Chinese text as rendered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from catalog.choices import OneThingStatus
from catalog.models import OneThing
from materials.samples import minimal_pdf

ENTERPRISE = "enterprise"  # 新乡县演示餐饮有限公司, legal representative 王五
ENTERPRISE_NAME = "新乡县演示餐饮有限公司"
CREDIT_CODE = "91410721MA44XJ2R3B"

# (question, option chosen, its query parameter) in the order the guide asks them. The 3rd appears only once the 2nd says there is a
# dine-in area, the 5th only once the 4th says a signboard is to be set up.
RESTAURANT_ANSWERS = [
    ("您的餐饮店登记为哪种组织形式？", "公司、个人独资企业、合伙企业等企业", "q.org_form=enterprise"),
    (
        "店内是否设有供顾客就餐的堂食区域？设有的，消防安全检查想选哪种方式办理？",
        "设有堂食座位，消防检查选择告知承诺（材料齐全当场许可，之后现场核查）",
        "q.dine_in=dining_commitment",
    ),
    (
        "餐饮店的建筑面积有多大？本次装修改造是否办理过（或依法需要办理）建设工程消防验收或备案？",
        "300平方米以下、未做需要消防验收或备案的装修改造",
        "q.floor_area=small",
    ),
    ("是否要在店外设置户外招牌（门头牌匾、灯箱等）？", "要设置或更换户外招牌", "q.signboard=install"),
    ("店面房屋是自有的还是租赁的？", "租赁房屋", "q.premises_ownership=rented"),
]
FOLLOW_UPS = {1: 2, 3: 4}  # answering question i makes question j appear

# Locked values from the simulated 市场主体库 (shareddata/demo_data.yaml)
LOCKED_FROM_MARKET = {
    "企业名称": ENTERPRISE_NAME,
    "统一社会信用代码": CREDIT_CODE,
    "法定代表人（负责人）姓名": "王五",
}
# The required fields no source supplies, with valid values: (label, value); selects are marked by SELECTS
RESTAURANT_VALUES = [
    ("法定代表人手机号码", "13800000002"),
    ("经营场所地址", "河南省新乡市新乡县七里营镇演示路88号"),
    ("经营场所使用面积（平方米）", "120"),
    ("场所产权性质", "租赁"),
    ("场所所在楼层", "一层"),
    ("经营项目（如热食类食品制售、冷食类食品制售、自制饮品制售）", "热食类食品制售"),
    ("食品安全管理人员姓名", "赵六"),
    ("食品安全管理人员手机号码", "13800000005"),
    ("招牌文字内容", "演示餐饮"),
    ("招牌设置位置", "一层门头上方"),
    ("招牌长度（米）", "6"),
    ("招牌高度（米）", "1.2"),
    ("招牌材质", "铝塑板"),
    ("是否带灯光照明", "否"),
    ("场所建筑面积（平方米）", "150"),
    ("场所容纳人数", "60"),
    ("消防安全责任人姓名", "王五"),
    ("消防安全管理人姓名", "赵六"),
    ("消防安全管理人手机号码", "13800000006"),
    ("消防安全检查办理方式", "告知承诺方式"),
]
SELECTS = {"场所产权性质", "招牌设置位置", "是否带灯光照明", "消防安全检查办理方式"}


def restaurant_code() -> str:
    """The published 开办餐饮店 of 新乡县 (410721-01-003 in the seed catalog)."""
    return OneThing.objects.get(region__code="410721", name="开办餐饮店", status=OneThingStatus.PUBLISHED).code


def pdf_bytes(label: str) -> bytes:
    """A small valid PDF: one empty page; `label` only makes each file's hash different."""
    return minimal_pdf(label)


def field(page: Page, label: str):
    """The one-form input labelled `label` (its label reads “label” or “label *”)."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"(\s*\*)?$"))


def is_autosave(response) -> bool:
    return response.request.method == "POST" and urlsplit(response.url).path.endswith("/save/")


# ---------------------------------------------------------------- steps (each checks what it passes through)


def grant_shared_data_consents(page: Page) -> None:
    """我的授权: consent to the 市场主体库 (pre-filling) and the 电子证照库 (licences instead of uploads)."""
    page.get_by_role("link", name="我的授权").click()
    expect(page.get_by_role("heading", name="我的授权", level=1)).to_be_visible()
    for source in ("市场主体库", "电子证照库"):
        card = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("^" + source)))
        card.get_by_role("button", name="同意授权").click()
        expect(card.get_by_role("heading", name=re.compile("^" + source))).to_contain_text("已授权")


def answer_restaurant_guide(page: Page, code: str) -> str:
    """From the catalog (the top bar's 一件事目录) through the progressive questionnaire; returns the guide's query
    string. `code` is the one-thing expected."""
    page.locator("header.topbar nav").get_by_role("link", name="一件事目录", exact=True).click()
    row = page.locator("li, tr").filter(has_text="新乡县").filter(has=page.get_by_role("link", name="开办餐饮店"))
    row.get_by_role("link", name="开办餐饮店").first.click()
    expect(page).to_have_url(re.compile(rf"/one-things/{re.escape(code)}/$"))
    page.get_by_role("link", name="开始情形引导，生成我的一次告知单").click()
    expect(page.get_by_role("heading", name="办事指引：开办餐饮店", level=1)).to_be_visible()
    questions = [page.get_by_role("group", name=question, exact=True) for question, _o, _p in RESTAURANT_ANSWERS]
    for later in FOLLOW_UPS.values():
        expect(questions[later]).to_have_count(0)  # not asked before the answer it depends on
    live_notice = page.get_by_role("complementary")
    expect(live_notice).to_contain_text("个问题尚未回答")

    for index, (_question, option, parameter) in enumerate(RESTAURANT_ANSWERS):
        with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as answered:
            questions[index].get_by_role("radio", name=option, exact=True).click()
        assert answered.value.ok
        # htmx pushes the answers into the URL once it has swapped in the new questions and notice
        expect(page).to_have_url(re.compile(r"[?&]" + re.escape(parameter) + "(&|$)"))
        expect(questions[index].get_by_role("radio", name=option, exact=True)).to_be_checked()
        if index in FOLLOW_UPS:
            expect(questions[FOLLOW_UPS[index]]).to_be_visible()
    expect(live_notice).not_to_contain_text("尚未回答")
    return urlsplit(page.url).query


def check_personal_notice(page: Page) -> str:
    """The live notice beside the questions, then the printable one-time notice; returns the combined limit."""
    live_notice = page.get_by_role("complementary")
    expect(live_notice.get_by_role("heading", name="您的一次告知单")).to_be_visible()
    expect(live_notice.get_by_role("heading", name="办理事项（4 项）")).to_be_visible()
    expect(live_notice.get_by_role("heading", name="整体承诺时限")).to_be_visible()
    expect(live_notice.get_by_role("heading", name=re.compile(r"^需提交的材料（\d+ 种）$"))).to_be_visible()
    expect(live_notice.get_by_role("listitem").filter(has_text="经营场所平面布局图")).to_have_count(1)
    combined = live_notice.locator("strong.big").inner_text().strip()
    # 营业执照信息核验 (1) → 食品经营许可 (5) is the longest chain of prerequisites
    assert combined == "6 个工作日"

    page.get_by_role("link", name="查看并打印一次告知单").click()
    expect(page.get_by_role("heading", name="开办餐饮店 · 一次告知单", level=1)).to_be_visible()
    for heading in ("您的情形", "办理事项", "一套材料", "时限与收费", "办理地点与方式"):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    situation = page.get_by_role("table").filter(has_text="您的餐饮店登记为哪种组织形式？")
    for question, option, _parameter in RESTAURANT_ANSWERS:
        expect(situation.get_by_role("row", name=question)).to_contain_text(option)
    materials = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="材料", exact=True)).first
    material_cell = page.get_by_role("cell", name=re.compile("^经营场所平面布局图"))
    expect(materials.get_by_role("row").filter(has=material_cell)).to_have_count(1)
    assert materials.locator("tbody tr").count() >= 1
    expect(page.get_by_text("整体承诺时限", exact=True)).to_be_visible()
    expect(page.locator("dd").filter(has_text=combined).first).to_be_visible()
    return combined


def open_one_form(page: Page, code: str, guide_query: str) -> None:
    """The one form for the guide's answers, by "apply online with these answers" (on the questionnaire or the
    printable notice): its address carries the answers."""
    page.get_by_role("link", name=re.compile("^按以上回答在线申请")).first.click()
    expect(page.get_by_role("heading", name="一表申请：开办餐饮店", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/apply/{re.escape(code)}/\?"))
    for parameter in guide_query.split("&"):
        if parameter.startswith("q."):
            assert parameter in page.url, parameter


def check_prefilled_and_locked(page: Page) -> None:
    """Values from the 市场主体库 are shown with their source and cannot be edited."""
    for label, value in LOCKED_FROM_MARKET.items():
        box = field(page, label)
        expect(box).to_have_value(value)
        expect(box).not_to_be_editable()
        container = page.locator(".field").filter(has=box)
        expect(container).to_contain_text("来自市场主体库 · 不可修改")
        expect(container.get_by_text("信息有误？")).to_be_visible()
    organisation = field(page, "组织形式")
    expect(organisation).to_be_disabled()  # a locked choice: a disabled select, the value posted hidden
    expect(organisation).to_have_value("有限责任公司")
    expect(field(page, "住所（经营场所）")).to_have_value(re.compile("^河南省新乡市新乡县"))


def fill_remaining_fields(page: Page) -> None:
    """Fill every required field no source supplied, waiting for each autosave, then save the draft."""
    for label, value in RESTAURANT_VALUES:
        box = field(page, label)
        expect(box).to_be_editable()
        if box.input_value() == value:
            continue  # generated already (消防安全责任人 = the legal representative): typing it would change nothing
        with page.expect_response(is_autosave) as saved:
            if label in SELECTS:
                box.select_option(label=value)
            else:
                box.fill(value)
                box.press("Tab")  # leaving the field fires `change`: htmx saves it after 500 ms
        assert saved.value.ok, f"autosave of {label} answered {saved.value.status}"
    expect(page.get_by_role("status")).to_contain_text("已保存")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert").filter(has_text="草稿已保存，各项均已正确填写。")).to_be_visible()
    expect(page.locator(".errorlist")).to_have_count(0)
    for label, value in RESTAURANT_VALUES:
        expect(field(page, label)).to_have_value("false" if value == "否" else value)


def upload_all_materials(page: Page, code: str, directory: Path, leave_out: Collection[str] = ()) -> dict[str, str]:
    """Upload a small PDF for every material to upload but those whose section id (m-<material key>) is in
    `leave_out`; returns section id → the SHA-256 prefix shown."""
    page.locator(".next-step").get_by_role("link", name="材料", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/materials/{re.escape(code)}/$"))
    expect(page.get_by_role("heading", name="申请材料：开办餐饮店", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="无需上传", level=2)).to_be_visible()
    expect(page.locator("ul.provided")).to_contain_text("电子证照")  # 营业执照, by consent
    sections = page.locator("section.material")
    ids = sections.evaluate_all("els => els.map(e => e.id)")
    assert ids, "no material to upload"
    assert set(leave_out) <= set(ids), f"not on the materials page: {set(leave_out) - set(ids)}"
    prefixes: dict[str, str] = {}
    for section_id in ids:
        if section_id in leave_out:
            continue
        section = page.locator(f"section[id='{section_id}']")
        title = section.get_by_role("heading", level=3).inner_text().removesuffix("*").strip()
        expect(section).to_contain_text("尚未上传。")
        pdf = directory / f"{section_id.removeprefix('m-')}.pdf"
        pdf.write_bytes(pdf_bytes(title))
        section.get_by_label("选择文件").set_input_files(pdf)
        section.get_by_role("button", name="上传", exact=True).click()
        # the message names the material type, which may be shorter than the title this one-thing gives it
        uploaded = re.compile("^“" + re.escape(pdf.name) + "”已作为“.+”上传。$")
        expect(page.get_by_role("alert").filter(has_text=uploaded)).to_be_visible()
        prefix = hashlib.sha256(pdf.read_bytes()).hexdigest()[:12]
        expect(section.locator("p.uploaded")).to_contain_text(f"已上传：{pdf.name}")
        expect(section.locator("p.uploaded code")).to_have_text(f"{prefix}…")
        expect(section.get_by_label("重新上传（替换原文件）")).to_be_attached()
        prefixes[section_id] = prefix
    return prefixes


def check_uploads_remain(page: Page, prefixes: dict[str, str]) -> None:
    for section_id, prefix in prefixes.items():
        section = page.locator(f"section[id='{section_id}']")
        expect(section.locator("p.uploaded")).to_contain_text(f"已上传：{section_id.removeprefix('m-')}.pdf")
        expect(section.locator("p.uploaded code")).to_have_text(f"{prefix}…")
    expect(page.get_by_text("尚未上传。")).to_have_count(0)


def fill_restaurant_application(page: Page, directory: Path, leave_out: Collection[str] = ()) -> None:
    """Bring the logged-in `enterprise` applicant to "ready to submit" for 开办餐饮店.

    Consents granted, every question answered, the one form filled in and saved without a message, and a PDF
    (written into `directory`) uploaded for every material to upload but those in `leave_out` (section ids, e.g.
    "m-food_safety_rules": materials that may be supplied later). Ends on the materials page.
    """
    code = restaurant_code()
    grant_shared_data_consents(page)
    query = answer_restaurant_guide(page, code)
    open_one_form(page, code, query)
    fill_remaining_fields(page)
    upload_all_materials(page, code, directory, leave_out)


# ---------------------------------------------------------------- the journey


def test_applicant_restaurant_guide_form_materials(page: Page, login, snapshot, tmp_path: Path) -> None:
    code = restaurant_code()
    login(page, ENTERPRISE)
    grant_shared_data_consents(page)

    query = answer_restaurant_guide(page, code)
    check_personal_notice(page)
    snapshot(page, "notice")

    open_one_form(page, code, query)
    check_prefilled_and_locked(page)
    fill_remaining_fields(page)
    snapshot(page, "form")

    prefixes = upload_all_materials(page, code, tmp_path)
    check_uploads_remain(page, prefixes)

    # a file named .pdf whose content is text is refused by its content, with a Chinese message
    first = next(iter(prefixes))
    fake = tmp_path / "营业场所照片.pdf"
    fake.write_bytes(b"This is plain text, not a PDF.\n")
    section = page.locator(f"section[id='{first}']")
    section.get_by_label("重新上传（替换原文件）").set_input_files(fake)
    section.get_by_role("button", name="上传", exact=True).click()
    expect(
        page.get_by_role("alert").filter(has_text="文件类型不支持：仅接受 PDF、JPG、PNG 文件（按文件内容识别）")
    ).to_be_visible()
    check_uploads_remain(page, prefixes)
    snapshot(page, "materials")
