"""The applicant's side of a case through real HTTP, logged in as the demo accounts.

The enterprise demo applicant (新乡县演示餐饮有限公司) files 开办餐饮店 (新乡县, data/specs/xinxiang_restaurant.yaml): the
guide's answers and the one form, one upload per material, a commitment (告知承诺) for 从业人员健康证明, submit; then
the window (services, as the window pages would) asks for corrections or receives the case with a 容缺 due date.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases import services
from cases.choices import CaseAction, CaseStatus, ItemStatus, MaterialState, PointKind
from cases.models import Case, CaseEvent
from catalog.choices import OneThingStatus
from catalog.models import MaterialType, OneThing
from core.tests.pages import page_body
from materials.models import Commitment, Upload
from materials.samples import MINIMAL_PDF, sample_image
from materials.services import do_sign_commitment, do_upload_material, notice_for_draft
from oneform.models import ApplicationDraft
from oneform.services import do_save_draft, find_draft
from workcalendar.services import WorkingCalendar

from .conftest import file_again

AT_THE_WINDOW = {"delivery-mode": "unified", "delivery-method": "window"}  # the submit page's delivery choice

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF
PNG = sample_image("PNG")
TYPE_MESSAGE = "文件类型不支持：仅接受 PDF、JPG、PNG 文件（按文件内容识别）"

FOOD = "食品经营许可"
FIRE = "公众聚集场所投入使用、营业前消防安全检查"

# an enterprise with dine-in seats (fire check by commitment), under 300 m², a signboard on rented premises
GUIDE_QUERY = (
    "q.org_form=enterprise&q.dine_in=dining_commitment&q.floor_area=small&q.signboard=install"
    "&q.premises_ownership=rented"
)
ANSWERS = {
    "q": {
        "org_form": "enterprise",
        "dine_in": "dining_commitment",
        "floor_area": "small",
        "signboard": "install",
        "premises_ownership": "rented",
    },
    "skip": [],
    "lic": [],
}
VALUES = {
    "enterprise.name": "新乡县演示餐饮有限公司",
    "enterprise.credit_code": "91410721MA44XJ2R3B",
    "enterprise.type": "有限责任公司",
    "enterprise.address": "新乡县人民路1号",
    "legal_person.name": "王五",
    "legal_person.id_number": "410721199003070010",
    "legal_person.mobile": "13800000002",
    "premises.address": "新乡县人民路1号",
    "premises.area": "120",
    "premises.seats": "40",
    "premises.ownership": "租赁",
    "premises.floors": "1",
    "food.business_items": "热食类食品制售",
    "food.safety_manager_name": "赵六",
    "food.safety_manager_mobile": "13800000005",
    "food.online_sales": "false",
    "signboard.text": "演示餐馆",
    "signboard.position": "一层门头上方",
    "signboard.length": "6",
    "signboard.height": "1.2",
    "signboard.material": "铝塑板",
    "signboard.lighting": "true",
    "fire.building_area": "120",
    "fire.max_occupancy": "60",
    "fire.responsible_name": "王五",
    "fire.manager_name": "赵六",
    "fire.manager_mobile": "13800000005",
    "fire.approach": "告知承诺方式",
}
SHARED = "premises_layout"  # 经营场所平面布局图: 食品经营许可 and the fire check both need it
COMMITTED = "health_certificate"  # 从业人员健康证明: 容缺 and 告知承诺 allowed
DEFERRED = "fire_safety_plan"  # 消防安全制度及灭火和应急疏散预案: 容缺 allowed, left for later


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def restaurant(db) -> OneThing:
    return OneThing.objects.get(region__code="410721", name="开办餐饮店", status=OneThingStatus.PUBLISHED)


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def body(response) -> str:
    return response.content.decode()


def detail_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def prepared_draft(one_thing: OneThing, username: str = "enterprise", *, defer: bool = True) -> ApplicationDraft:
    """A draft ready to submit, through the services: values, one upload per material, the commitment."""
    user = User.objects.get(username=username)
    draft = do_save_draft(user, one_thing, ANSWERS, VALUES, acting_user=user)
    for line in notice_for_draft(draft).to_submit:
        if line.key == COMMITTED:
            do_sign_commitment(draft, MaterialType.objects.get(key=line.key), "王五", acting_user=user)
        elif not (defer and line.key == DEFERRED):
            do_upload_material(draft, MaterialType.objects.get(key=line.key), pdf(f"{line.key}.pdf"), acting_user=user)
    return draft


def filed_case(one_thing: OneThing, username: str = "enterprise", **kwargs) -> Case:
    draft = prepared_draft(one_thing, username, **kwargs)
    return file_again(draft, uuid.uuid4().hex, ip="127.0.0.1")


def window() -> User:
    return User.objects.get(username="xinxiang_window")


def next_workday(days: int = 5) -> dt.date:
    return WorkingCalendar().add_workdays(timezone.localdate(), days)


def received_case(one_thing: OneThing) -> Case:
    case = filed_case(one_thing)
    return services.do_receive_case(case, deferrals={DEFERRED: next_workday()}, acting_user=window())


# ---------------------------------------------------------------- end to end through the pages


def test_enterprise_files_the_restaurant_end_to_end(client_for, restaurant):
    code = restaurant.code
    client = client_for("enterprise")
    submit_url = reverse("cases:submit", args=[code])
    materials_url = reverse("materials:page", args=[code])

    # no draft yet: the submit page sends the applicant to the guide
    response = client.get(submit_url)
    assert response.status_code == 302
    assert response.url == reverse("guidance:guide", args=[code])

    # the one form, with the guide's answers
    response = client.post(f"{reverse('oneform:form', args=[code])}?{GUIDE_QUERY}", VALUES)
    assert response.status_code == 302, response.context and response.context.get("errors")
    draft = ApplicationDraft.objects.get(user__username="enterprise", submitted_at=None)

    # nothing uploaded: the summary lists every missing material, links them, and offers no submit button
    response = client.get(submit_url)
    assert response.status_code == 200
    assert not response.context["ok"]
    assert response.context["field_errors"] == []
    text = body(response)
    assert "提交前还需处理" in text
    assert f'{materials_url}#m-{SHARED}"' in text
    assert 'name="submission_key"' not in text
    assert DEFERRED not in response.context["missing"]  # 容缺-able: not blocking

    # one upload per material; the shared one once, for both items
    to_submit = [line.key for line in notice_for_draft(draft).to_submit]
    assert SHARED in to_submit and COMMITTED in to_submit
    for key in to_submit:
        if key in (COMMITTED, DEFERRED):
            continue
        response = client.post(materials_url, {"material": key, "file": pdf(f"{key}.pdf")})
        assert response.status_code == 302
    assert Upload.objects.filter(draft=draft, material_type__key=SHARED).count() == 1

    # the commitment: refused without the confirmation or with a stranger's name, then signed
    page = client.get(materials_url)
    row = next(r for r in page.context["to_submit"] if r.line.key == COMMITTED)
    assert row.may_commit
    assert "以告知承诺代替" in body(page) and "签署承诺" in body(page)
    assert "失信" in body(page)  # the consequences are shown before signing
    response = client.post(materials_url, {"material": COMMITTED, "action": "commit", "signer_name": "王五"})
    assert response.status_code == 200
    assert "请确认您已阅读" in body(response)
    response = client.post(
        materials_url, {"material": COMMITTED, "action": "commit", "signer_name": "路人甲", "confirm": "1"}
    )
    assert "须以申请人、其法定代表人或经办人的名义签署" in body(response)
    assert not Commitment.objects.exists()
    response = client.post(
        materials_url, {"material": COMMITTED, "action": "commit", "signer_name": "王五", "confirm": "1"}
    )
    assert response.status_code == 302
    assert Commitment.objects.get(draft=draft).signer_name == "王五"
    page = body(client.get(materials_url))
    assert "已签署告知承诺" in page and "撤销承诺" in page
    # withdrawn, then signed again in the legal representative's name
    response = client.post(materials_url, {"material": COMMITTED, "action": "cancel_commitment"})
    assert response.status_code == 302 and not Commitment.objects.exists()
    response = client.post(
        materials_url, {"material": COMMITTED, "action": "commit", "signer_name": "王五", "confirm": "1"}
    )
    assert Commitment.objects.get(draft=draft).signer_name == "王五"

    # everything in: the summary shows each state and the submit form with its key
    response = client.get(submit_url)
    assert response.context["ok"]
    states = {row.line.key: row.state for row in response.context["materials"]}
    assert states[SHARED] == "uploaded"
    assert states[COMMITTED] == "committed"
    assert states[DEFERRED] == "deferrable"
    text = body(response)
    assert "窗口收件时确定补齐期限" in text
    key = response.context["form"].initial["submission_key"]
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert f'value="{key}"' in text

    # submit: one case; a double click with the same key finds the same case
    response = client.post(submit_url, {"submission_key": key, **AT_THE_WINDOW}, REMOTE_ADDR="10.1.2.3")
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == detail_url(case)
    response = client.post(submit_url, {"submission_key": key, **AT_THE_WINDOW})
    assert response.status_code == 302 and response.url == detail_url(case)
    assert Case.objects.count() == 1
    event = CaseEvent.objects.get(case=case, action=CaseAction.SUBMIT)
    assert (event.ip, event.actor.username) == ("10.1.2.3", "enterprise")
    # the signed commitment's 告知承诺书 is issued by the submission itself, nothing else happened
    assert list(case.events.exclude(pk=event.pk).values_list("action", "actor__username", "ip")) == [
        (CaseAction.ISSUE_DOCUMENT, "enterprise", "10.1.2.3"),
        (CaseAction.CHOOSE_DELIVERY, "enterprise", "10.1.2.3"),  # chosen on the submit page
    ]

    # what was filed: the shared material once, for both items; the commitment; the 容缺 request
    shared = case.materials.get(material_type__key=SHARED)
    assert shared.state == MaterialState.UPLOADED and set(shared.items) >= {FOOD, FIRE}
    assert case.materials.get(material_type__key=COMMITTED).state == MaterialState.COMMITTED
    assert case.materials.get(material_type__key=DEFERRED).state == MaterialState.MISSING

    # the draft is closed: a new visit to the form starts a fresh one
    draft.refresh_from_db()
    assert draft.submitted_at is not None
    response = client.get(reverse("oneform:form", args=[code]))
    assert response.context["page"].draft is None
    assert find_draft(draft.user, restaurant) is None
    assert client.get(submit_url).status_code == 302  # nothing to submit any more

    # the case page
    response = client.get(detail_url(case))
    assert response.status_code == 200
    text = body(response)
    assert case.number in text
    assert "待形式审查" in text and "网上申报" in text
    assert "clock" in text  # the formal-review deadline's clock badge
    assert shared.sha256[:12] in text
    assert reverse("cases:material_file", args=[case.number, SHARED]) in text
    assert "收件回执" not in text  # not received yet
    assert response.context["can_withdraw"]


def test_submitting_an_incomplete_draft_is_refused_with_every_reason(client_for, restaurant):
    user = User.objects.get(username="enterprise")
    do_save_draft(user, restaurant, ANSWERS, {**VALUES, "legal_person.mobile": "1380000"}, acting_user=user)
    client = client_for("enterprise")
    url = reverse("cases:submit", args=[restaurant.code])
    response = client.post(url, {"submission_key": uuid.uuid4().hex, **AT_THE_WINDOW})
    assert response.status_code == 200
    assert not Case.objects.exists()
    text = body(response)
    assert "请输入以13至19开头的11位手机号码。" in text
    assert f"{reverse('oneform:form', args=[restaurant.code])}#f-legal_person.mobile" in text
    assert SHARED in response.context["missing"]
    assert 'name="submission_key"' not in text


def test_staff_cannot_use_the_applicant_pages(client_for, restaurant):
    case = filed_case(restaurant)
    client = client_for("xinxiang_window")
    assert client.get(reverse("cases:submit", args=[restaurant.code])).status_code == 404
    assert client.get(reverse("cases:list")).status_code == 404
    assert client_for(None).get(reverse("cases:list")).status_code == 302  # to log in
    assert client_for(None).get(detail_url(case)).status_code == 302


# ---------------------------------------------------------------- my cases


def test_my_cases_lists_own_cases_newest_first_with_a_pinned_query_count(
    client_for, restaurant, django_assert_num_queries
):
    first = filed_case(restaurant)
    services.do_request_correction(
        first,
        [{"kind": PointKind.FIELD, "key": "premises.area", "reason": "面积与平面图不一致"}],
        acting_user=window(),
    )
    second = received_case(restaurant)
    third = filed_case(restaurant)
    client = client_for("enterprise")
    client.get(reverse("cases:list"))  # warm caches
    # session, user, the cases (one-thing, region, applicant joined), their items with departments, their
    # deferred materials, their open correction notices: the same six for any number of cases
    with django_assert_num_queries(6):
        response = client.get(reverse("cases:list"))
    assert [row.case for row in response.context["rows"]] == [third, second, first]
    text = body(response)
    assert "待补正" in text and "补正通知所列 1 项" in text
    due = f"{second.materials.get(material_type__key=DEFERRED).deferred_until:%Y-%m-%d}"
    assert f"请于 {due} 前补齐" in text
    assert text.count("暂无") == 1  # the third needs nothing from the applicant
    assert "食品经营许可" in text and str(ItemStatus.QUEUED.label) in text

    # another applicant sees none of them
    response = client_for("citizen").get(reverse("cases:list"))
    assert response.context["rows"] == []


# ---------------------------------------------------------------- someone else's case


def test_another_applicant_gets_the_same_404_as_for_a_number_that_does_not_exist(client_for, restaurant):
    case = received_case(restaurant)
    other = client_for("citizen")
    missing = "410721" + "20990101" + "9999"
    for name, args in [
        ("cases:detail", []),
        ("cases:receipt", []),
        ("cases:material_file", [SHARED]),
    ]:
        theirs = other.get(reverse(name, args=[case.number, *args]))
        nothing = other.get(reverse(name, args=[missing, *args]))
        assert theirs.status_code == nothing.status_code == 404
        assert page_body(theirs).decode().replace(case.number, "N") == page_body(nothing).decode().replace(missing, "N")
    for name, data in [("cases:withdraw", {"reason": "x"}), ("cases:resubmit", {}), ("cases:correct", {})]:
        assert other.post(reverse(name, args=[case.number]), data).status_code == 404
    assert other.post(reverse("cases:upload", args=[case.number, DEFERRED]), {"file": pdf()}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    assert case.materials.get(material_type__key=DEFERRED).state == MaterialState.DEFERRED


def test_staff_see_the_receipt_and_files_of_their_region_only(client_for, restaurant):
    case = received_case(restaurant)
    receipt_url = reverse("cases:receipt", args=[case.number])
    file_url = reverse("cases:material_file", args=[case.number, SHARED])
    assert client_for("xinxiang_window").get(receipt_url).status_code == 200
    assert client_for("xinxiang_window").get(file_url).status_code == 200
    assert client_for("minquan_window").get(receipt_url).status_code == 404
    assert client_for("minquan_window").get(file_url).status_code == 404


# ---------------------------------------------------------------- receipt, files, 容缺


def test_case_page_shows_the_receipt_and_takes_the_deferred_material(client_for, restaurant):
    case = received_case(restaurant)
    client = client_for("enterprise")
    response = client.get(detail_url(case))
    text = body(response)
    receipt = response.context["receipt"]
    assert receipt is not None
    assert "收件回执" in text and "打印回执" in text
    assert "新乡县演示餐饮有限公司（91410721MA44XJ2R3B）" in text
    assert "食品经营许可 — 新乡县市场监督管理局" in text and "新乡县消防救援大队" in text
    deferred = case.materials.get(material_type__key=DEFERRED)
    assert f"{deferred.deferred_until:%Y-%m-%d} 前" in text
    assert [m.material_type.key for m in receipt.committed] == [COMMITTED]
    assert SHARED in {m.material_type.key for m in receipt.received}
    assert str(window()) in text  # received by
    assert "6 个工作日" in text
    assert "data-print" in text  # the print button (static/js/site.js)

    page = client.get(reverse("cases:receipt", args=[case.number]))
    assert page.status_code == 200 and "收件回执" in body(page) and case.number in body(page)

    # the 容缺 material is supplied through the same upload address; the service follows the material's state
    response = client.post(
        reverse("cases:upload", args=[case.number, DEFERRED]), {"file": pdf("预案.pdf")}, follow=True
    )
    assert response.status_code == 200
    deferred.refresh_from_db()
    assert deferred.state == MaterialState.UPLOADED and deferred.original_name == "预案.pdf"
    assert CaseEvent.objects.filter(case=case, action=CaseAction.SUPPLY_DEFERRED).count() == 1


def test_material_file_is_streamed_inline_under_its_original_name(client_for, restaurant):
    case = filed_case(restaurant)
    response = client_for("enterprise").get(reverse("cases:material_file", args=[case.number, SHARED]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert f"{SHARED}.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    # a material without a file (the committed one) has nothing to stream
    assert (
        client_for("enterprise").get(reverse("cases:material_file", args=[case.number, COMMITTED])).status_code == 404
    )


# ---------------------------------------------------------------- correction round


def test_correction_round_on_the_case_page(client_for, restaurant):
    case = filed_case(restaurant)
    services.do_request_correction(
        case,
        [
            {"kind": PointKind.FIELD, "key": "premises.area", "reason": "面积与平面图不一致"},
            {"kind": PointKind.MATERIAL, "key": SHARED, "reason": "未标注消防设施位置"},
        ],
        acting_user=window(),
    )
    client = client_for("enterprise")
    url = detail_url(case)
    text = body(client.get(url))
    assert "面积与平面图不一致" in text and "未标注消防设施位置" in text
    assert 'name="premises.area" value="120"' in text

    # resubmitting before anything changed: every point is named
    response = client.post(reverse("cases:resubmit", args=[case.number]))
    assert response.status_code == 200
    text = body(response)
    assert "未修改" in text  # the field
    assert "仍需上传新文件" in text  # the material
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION

    # an invalid value is kept as typed and its message shown beside the field
    response = client.post(reverse("cases:correct", args=[case.number]), {"premises.area": "一百"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.values["premises.area"] == "一百"
    assert 'name="premises.area" value="一百"' in body(response)
    assert response.context["field_points"][0].error

    # a PNG named .pdf with text content is refused; nothing changes
    shared = case.materials.get(material_type__key=SHARED)
    events = CaseEvent.objects.filter(case=case).count()
    response = client.post(
        reverse("cases:upload", args=[case.number, SHARED]),
        {"file": SimpleUploadedFile("平面图.pdf", b"this is not a picture\n", "image/png")},
        follow=True,
    )
    assert TYPE_MESSAGE in body(response)
    after = case.materials.get(material_type__key=SHARED)
    assert (after.sha256, after.file.name, after.original_name) == (
        shared.sha256,
        shared.file.name,
        shared.original_name,
    )
    assert CaseEvent.objects.filter(case=case).count() == events

    # a real file, a valid value, resubmit: back to formal review
    response = client.post(
        reverse("cases:upload", args=[case.number, SHARED]), {"file": SimpleUploadedFile("平面图v2.png", PNG)}
    )
    assert response.status_code == 302
    response = client.post(reverse("cases:correct", args=[case.number]), {"premises.area": "118"})
    assert response.status_code == 302
    response = client.post(reverse("cases:resubmit", args=[case.number]), follow=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.values["premises.area"] == "118"
    assert case.materials.get(material_type__key=SHARED).original_name == "平面图v2.png"
    assert response.context["notice"] is None


# ---------------------------------------------------------------- withdrawal


def test_withdraw_needs_a_reason_then_ends_every_open_item(client_for, restaurant):
    case = filed_case(restaurant)
    client = client_for("enterprise")
    url = reverse("cases:withdraw", args=[case.number])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "请说明撤回的原因" in body(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED

    response = client.post(url, {"reason": "店面转让，暂不开业"}, follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert case.withdrawal_reason == "店面转让，暂不开业"
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.WITHDRAWN}
    assert not response.context["can_withdraw"]
    assert 'id="withdraw"' not in body(response)

    # a second withdrawal is refused with a message, not a 500
    response = client.post(url, {"reason": "再撤一次"}, follow=True)
    assert response.status_code == 200
    assert "当前无法进行此操作" in body(response)
    assert CaseEvent.objects.filter(case=case, action=CaseAction.WITHDRAW).count() == 1
