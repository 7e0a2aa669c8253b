"""Click-only journeys for every person (issue 10, "How it is proved").

Each journey opens `/` once and reaches its end by clicking links and buttons and typing into fields; every page it
reaches is checked (walk.Walker.check: no horizontal overflow, no console error, axe 0 serious/critical). Each runs
at 1366×900 and at 390×844; the citizen's 新生儿出生 also once in the elderly mode. Prior state that is another
person's work (a case filed, received, decided) is set up through the services in the test body, as the demo
scenario builder (cases/management/commands/demo_cases.py `Demo`) does it; the person's own steps are clicks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from accounts.models import User
from cases import services as case_services
from cases.choices import CaseStatus, ItemStatus
from cases.management.commands.demo_cases import form_values
from cases.models import Case
from catalog.choices import OneThingStatus
from catalog.models import OneThing
from workcalendar.services import WorkingCalendar

from .walk import SIZES, VIEWS, Walker, open_context

NEWBORN = "新生儿出生"
RESTAURANT = "开办餐饮店"
COUNTY = "新乡县"
WINDOW = "xinxiang_window"

# 张三 (account `citizen`), the father, files for his newborn: (question, option) in the order the guide asks
NEWBORN_ANSWERS = [
    ("新生儿是否在新乡县申报出生户口登记（随父亲或母亲落户）？", "是，不满1周岁、父母婚内生育，随父或随母在本县落户"),
    ("是否同时为新生儿办理城乡居民医保参保登记和社会保障卡？", "医保参保和社会保障卡都办理"),
    ("产妇住院分娩的医疗费用是否已在医院直接结算？", "已在医院直接结算，或未参加医疗保险"),
    ("由谁来办理本次申请？", "父亲或其他亲属代办"),
    ("是否登记免费的科学育儿指导服务（新生儿访视、喂养和生长发育指导）？", "暂不登记"),
]
RESTAURANT_ANSWERS = [
    ("您的餐饮店登记为哪种组织形式？", "公司、个人独资企业、合伙企业等企业"),
    (
        "店内是否设有供顾客就餐的堂食区域？设有的，消防安全检查想选哪种方式办理？",
        "设有堂食座位，消防检查选择告知承诺（材料齐全当场许可，之后现场核查）",
    ),
    (
        "餐饮店的建筑面积有多大？本次装修改造是否办理过（或依法需要办理）建设工程消防验收或备案？",
        "300平方米以下、未做需要消防验收或备案的装修改造",
    ),
    ("是否要在店外设置户外招牌（门头牌匾、灯箱等）？", "要设置或更换户外招牌"),
    ("店面房屋是自有的还是租赁的？", "租赁房屋"),
]


def one_thing(name: str) -> OneThing:
    return OneThing.objects.get(region__code="410721", name=name, status=OneThingStatus.PUBLISHED)


def answer_keys(thing: OneThing, answers: list[tuple[str, str]]) -> dict[str, str]:
    """The questionnaire's (question, option) texts as the query keys the guide stores."""
    keys = {}
    for text, label in answers:
        question = thing.questions.get(text=text)
        keys[question.key] = question.options.get(label=label).key
    return keys


def sample_values(thing: OneThing, answers: list[tuple[str, str]], username: str) -> dict[str, str]:
    """Valid values for every field the one form may ask for these answers (the demo builder's)."""
    state = {"q": answer_keys(thing, answers), "skip": [], "lic": []}
    return form_values(thing, state, User.objects.get(username=username), timezone.localdate())


def walker(browser: Browser, live_server, size: str, name: str) -> Walker:
    page, errors = open_context(browser, live_server, size)
    return Walker(page, errors, name)


def file_by_clicking(w: Walker, name: str, answers, username: str, tmp_path: Path, elderly: bool = False) -> str:
    """From `/` (logged out) to the submitted case: catalog, one-thing page, questionnaire, apply online through
    the login page, the one form, the materials, the submit page. Returns the case number."""
    values = sample_values(one_thing(name), answers, username)
    w.start(elderly=elderly)
    w.open_one_thing(COUNTY, name)
    w.answer_guide(name, answers)
    w.apply_online(name, username)
    w.fill_form(values)
    assert w.upload_materials(tmp_path) > 0
    return w.submit(name)


def receive(number: str) -> Case:
    """The window's 收件 (another person's step, through the service), with the default due dates for 容缺."""
    case = Case.objects.get(number=number)
    missing = case.materials.filter(state="missing").select_related("material_type")
    due = WorkingCalendar().add_workdays(timezone.localdate(), 5)
    window = User.objects.get(username=WINDOW)
    return case_services.do_receive_case(
        case, deferrals={m.material_type.key: due for m in missing}, acting_user=window, ip="10.0.0.8"
    )


def see_receipt(w: Walker, number: str, name: str, applicant: str) -> None:
    """The case page shows the receipt; its own page too."""
    w.open_my_case(number)
    expect(w.page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{name}\s*已收件$"))
    w.check("case received")
    w.page.get_by_role("link", name="单独打开收件回执").click()
    sheet = w.page.locator("#receipt .receipt-sheet")
    expect(sheet.get_by_role("heading", name="收件回执")).to_be_visible()
    expect(sheet.locator("code.case-number")).to_have_text(number)
    expect(sheet).to_contain_text(applicant)
    w.check("receipt")


# ---------------------------------------------------------------- applicants filing


@pytest.mark.parametrize("view", VIEWS)
def test_citizen_files_newborn_from_the_catalog_to_the_receipt(browser, live_server, tmp_path, view):
    size, elderly = VIEWS[view]
    w = walker(browser, live_server, size, f"newborn-{view}")
    try:
        number = file_by_clicking(w, NEWBORN, NEWBORN_ANSWERS, "citizen", tmp_path, elderly=elderly)
        assert Case.objects.get(number=number).status == CaseStatus.SUBMITTED
        receive(number)
        see_receipt(w, number, NEWBORN, "张三")
        if elderly:  # remembered on every page of the way
            expect(w.page.locator("html")).to_have_class(re.compile("elderly"))
    finally:
        w.page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_enterprise_files_restaurant_from_the_catalog_to_the_receipt(browser, live_server, tmp_path, size):
    w = walker(browser, live_server, size, f"restaurant-{size}")
    try:
        number = file_by_clicking(w, RESTAURANT, RESTAURANT_ANSWERS, "enterprise", tmp_path)
        receive(number)
        see_receipt(w, number, RESTAURANT, "新乡县演示餐饮有限公司")
        assert ItemStatus.QUEUED in set(Case.objects.get(number=number).items.values_list("status", flat=True))
    finally:
        w.page.context.close()
