"""From receipt to the departments' decisions, on the real 2026 calendar (National Day 10-01…10-07, 调休 Sat 10-10).

Restaurant (开办餐饮店): the prerequisite 企业营业执照信息核验 gates the other three; the signboard is refused, the fire
check pauses for a supplement, 食品经营许可 turns 预警 then 超期; the case ends 部分办结.
Newborn (新生儿出生): 户口登记 before 社保卡申领 (pre-review, then the result is pushed), one item denied stops the
items depending on it, then the applicant withdraws the rest.
"""

from __future__ import annotations

import datetime as dt

import pytest

from approvals import services
from approvals.demo import example_produced_values
from approvals.queries import visible_values
from cases.choices import CaseAction, CaseStatus, ItemStatus
from cases.models import Case, CaseItem
from cases.services import do_receive_case, do_submit_case, do_withdraw_case
from cases.tests.conftest import make_ready_draft
from catalog.choices import OneThingStatus
from catalog.models import OneThing
from core.errors import ConflictError, UserFacingError
from guidance.metrics import fullest_answers
from oneform.services import do_save_draft

from .conftest import RESTAURANT_ALL, SHANGHAI, at, user

pytestmark = pytest.mark.django_db


def one_thing(name: str) -> OneThing:
    return OneThing.objects.get(region__code="410721", name=name, status=OneThingStatus.PUBLISHED)


NEWBORN_VALUES = {"newborn.birth_time": "08:30", "mother.bank_account": "6222021234567890123"}  # their formats


def received_case(name: str, username: str, answers: dict) -> Case:
    """File online and receive at the window (every material uploaded): the items are in the departments' queues."""
    applicant = user(username)
    draft = make_ready_draft(applicant, one_thing(name), answers=answers, leave_out=())
    draft = do_save_draft(applicant, draft.one_thing, answers, NEWBORN_VALUES, acting_user=applicant)
    case = do_submit_case(draft, f"scenario-{name}", acting_user=applicant)
    return do_receive_case(case, acting_user=user("xinxiang_window"))


def item(case: Case, name: str) -> CaseItem:
    return case.items.get(name=name)


def test_restaurant_from_receipt_to_partial_completion_across_national_day(
    media_root, django_capture_on_commit_callbacks
):
    with at("2026-09-29 10:00"):
        case = received_case("开办餐饮店", "enterprise", RESTAURANT_ALL)
    licence = item(case, "企业营业执照信息核验")
    food = item(case, "食品经营许可")
    sign = item(case, "户外招牌设施设置规范管理")
    fire = item(case, "公众聚集场所投入使用、营业前消防安全检查")
    assert licence.status == ItemStatus.QUEUED
    assert licence.acceptance_due_at == dt.datetime(2026, 9, 30, 17, 0, tzinfo=SHANGHAI)  # 1 working day

    market = user("xinxiang_rev_market")
    with at("2026-09-30 09:30"):
        services.do_accept_item(licence, acting_user=market)
        food = services.do_accept_item(food, acting_user=market)
        fire = services.do_accept_item(fire, acting_user=user("xinxiang_rev_fire_rescue"))
        services.do_refuse_item(sign, "招牌设置位置位于禁设区域", acting_user=user("xinxiang_rev_housing_construction"))
    licence.refresh_from_db()
    assert licence.status == ItemStatus.ACCEPTED
    assert licence.decision_due_on == dt.date(2026, 10, 8)  # 1 working day after 09-30: the holiday is skipped
    assert food.status == ItemStatus.PRE_REVIEW  # 容缺预审 while the licence check is pending
    assert food.decision_due_on == dt.date(2026, 10, 13)  # 5 working days: 10-08, 10-09, 10-10 (调休), 10-12, 10-13
    assert fire.status == ItemStatus.PRE_REVIEW
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS

    with pytest.raises(UserFacingError):  # another department's reviewer
        services.do_approve_item(licence, acting_user=user("xinxiang_rev_fire_rescue"))
    with pytest.raises(ConflictError):  # not decidable before its prerequisite's result
        services.do_approve_item(food, acting_user=market)

    with at("2026-10-08 10:00"):
        services.do_approve_item(licence, result_number="91410721MA44XJ2R3B", acting_user=market)
    food.refresh_from_db()
    fire.refresh_from_db()
    assert food.status == fire.status == ItemStatus.ACCEPTED  # the result was pushed to both
    assert food.events.filter(action=CaseAction.RELEASE_ITEM).exists()

    with at("2026-10-08 11:00"):
        services.do_request_supplement(fire, "疏散通道示意图", acting_user=user("xinxiang_rev_fire_rescue"))
    with at("2026-10-12 09:00"):
        fire = services.do_resume_item(fire, acting_user=user("xinxiang_rev_fire_rescue"))
    assert fire.paused_workdays == 3  # 10-09, 10-10 (调休 Saturday), 10-12
    assert fire.decision_due_on == dt.date(2026, 10, 13)  # was 10-09 (released 10-08, +1), + 3: 10-10, 10-12, 10-13

    with at("2026-10-12 17:00"):
        assert services.scan_deadlines()["warning"] >= 1  # food: due 10-13, one working day left
    food.refresh_from_db()
    assert food.clock_flag == "warning"
    with at("2026-10-12 17:30"):
        before = food.events.count()
        services.scan_deadlines()
        assert food.events.count() == before  # recorded once
    with at("2026-10-14 09:00"):
        assert services.scan_deadlines()["overdue"] >= 1
    food.refresh_from_db()
    assert food.clock_flag == "overdue"
    assert [e.action for e in food.events.filter(action__startswith="clock")] == [
        CaseAction.CLOCK_WARNING,
        CaseAction.CLOCK_OVERDUE,
    ]

    with at("2026-10-14 10:00"), django_capture_on_commit_callbacks(execute=True):  # e-licences issued on commit
        services.do_approve_item(food, result_number="JY14107210001234", acting_user=market)
        services.do_approve_item(fire, acting_user=user("xinxiang_rev_fire_rescue"))
    case.refresh_from_db()
    assert case.status == CaseStatus.PARTIALLY_COMPLETED  # the signboard was not accepted
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.APPROVED, ItemStatus.REFUSED}

    # delivery: everything together by post (统一领取, only once every item has ended), with the proof
    from results.choices import Verification
    from results.models import ELicence
    from results.queries import ready_for_delivery, verify
    from results.services import do_choose_delivery, do_record_delivery

    food_licence = ELicence.objects.get(item=food)
    assert verify(food_licence.number, food_licence.verification_code).outcome == Verification.VALID
    with at("2026-10-14 11:00"):
        do_choose_delivery(
            case, "unified", "post", "新乡县七里营镇演示路88号", "王五", "13800000002", acting_user=user("enterprise")
        )
    ready = ready_for_delivery(case)
    assert {i.name for i in ready} == {i.name for i in case.items.all()}  # refusal letters are delivered too
    delivery_staff = user("xinxiang_delivery")
    with pytest.raises(UserFacingError):  # post needs a tracking number
        do_record_delivery(case, ready, "post", "", "王五", acting_user=delivery_staff)
    with at("2026-10-14 15:00"):
        delivery = do_record_delivery(case, ready, "post", "EMS1234567890", "王五", acting_user=delivery_staff)
    assert delivery.tracking_number == "EMS1234567890" and delivery.passed_to_departments_at is not None
    assert not ready_for_delivery(case)


def test_newborn_prerequisite_denial_stops_dependants_then_withdrawal(media_root, django_capture_on_commit_callbacks):
    newborn = one_thing("新生儿出生")
    answers = {"q": fullest_answers(newborn), "skip": [], "lic": []}
    with at("2026-09-28 09:00"):
        case = received_case("新生儿出生", "citizen", answers)
    names = set(case.items.values_list("name", flat=True))
    assert {"户口登记（申报出生登记）1岁以下婚内生育", "社会保障卡申领", "办理居民医保登记"} <= names
    health = user("xinxiang_rev_health")
    police = user("xinxiang_rev_public_security")
    hr = user("xinxiang_rev_hr_social")
    insurance = user("xinxiang_rev_medical_insurance")
    certificate = item(case, "《出生医学证明》办理（首签）")
    hukou = item(case, "户口登记（申报出生登记）1岁以下婚内生育")
    card = item(case, "社会保障卡申领")
    medical = item(case, "办理居民医保登记")
    reimbursement = item(case, "生育医疗费用报销")

    with at("2026-09-28 10:00"):
        services.do_accept_item(certificate, acting_user=health)
        hukou = services.do_accept_item(hukou, acting_user=police)
        card = services.do_accept_item(card, acting_user=hr)
        medical = services.do_accept_item(medical, acting_user=insurance)
    assert hukou.status == card.status == medical.status == ItemStatus.PRE_REVIEW
    with at("2026-09-28 15:00"):
        services.do_approve_item(
            certificate,
            result_number="R410000001",
            produced_values=example_produced_values(certificate),
            acting_user=health,
        )
    hukou.refresh_from_db()
    card.refresh_from_db()
    assert hukou.status == ItemStatus.ACCEPTED  # its one prerequisite is approved
    assert card.status == ItemStatus.PRE_REVIEW  # still waiting for 户口登记 (and 医保登记)

    with at("2026-09-29 10:00"):
        services.do_deny_item(hukou, "出生医学证明与户籍信息不一致", acting_user=police)
    for dependant in (card, medical):
        dependant.refresh_from_db()
        assert dependant.status == ItemStatus.STOPPED  # 社保卡 and 医保登记 depend on 户口登记
        assert "户口登记" in dependant.reasons
    hukou.refresh_from_db()
    assert "行政复议" in hukou.remedies or "reconsideration" in hukou.remedies
    reimbursement.refresh_from_db()
    assert reimbursement.status == ItemStatus.QUEUED  # unrelated items go on

    with pytest.raises(ConflictError) as twice:
        services.do_approve_item(hukou, acting_user=police)
    assert str(police) in twice.value.message

    with at("2026-09-29 11:00"), django_capture_on_commit_callbacks(execute=True):
        case = do_withdraw_case(case, "孩子户籍改在外地办理", acting_user=user("citizen"))
    ready = case.events.get(action=CaseAction.RESULTS_READY)  # 统一领取: every item has ended now
    assert ready.detail["all"] is True and certificate.pk in ready.detail["items"]

    from results.queries import ready_for_delivery
    from results.services import do_record_delivery

    to_hand_over = ready_for_delivery(case)  # the certificate and the denial letter; nothing for withdrawn items
    assert {i.name for i in to_hand_over} == {certificate.name, hukou.name}
    with at("2026-09-29 15:00"):
        delivery = do_record_delivery(case, to_hand_over, "window", "", "张三", acting_user=user("xinxiang_delivery"))
    assert delivery.delivered_at is not None and not ready_for_delivery(case)
    assert case.status == CaseStatus.PARTIALLY_COMPLETED  # 出生医学证明 was approved before
    statuses = dict(case.items.values_list("name", "status"))
    assert statuses["《出生医学证明》办理（首签）"] == ItemStatus.APPROVED
    assert statuses["生育医疗费用报销"] == ItemStatus.WITHDRAWN
    with pytest.raises(ConflictError):
        services.do_accept_item(item(case, "生育医疗费用报销"), acting_user=insurance)


def test_assign_and_urge(media_root):
    with at("2026-11-23 10:00"):
        case = received_case("开办餐饮店", "enterprise", RESTAURANT_ALL)
    licence = item(case, "企业营业执照信息核验")
    market = user("xinxiang_rev_market")
    with pytest.raises(UserFacingError):
        services.do_assign_item(licence, user("xinxiang_rev_health"), acting_user=market)
    services.do_assign_item(licence, user("xinxiang_lead"), acting_user=market)  # the lead is MARKET staff too
    licence.refresh_from_db()
    assert licence.assignee == user("xinxiang_lead")
    with pytest.raises(UserFacingError):
        services.do_urge_item(licence, "请尽快受理", acting_user=user("enterprise"))
    services.do_urge_item(licence, "请尽快受理", acting_user=user("xinxiang_supervisor"))
    event = licence.events.get(action=CaseAction.URGE_ITEM)
    assert event.internal_note == "请尽快受理" and event.summary == ""  # internal: not shown to the applicant


def test_newborn_hukou_result_is_pushed_to_the_social_security_card(media_root):
    """户口登记 before 社保卡申领: the card is pre-reviewed, then decidable once every prerequisite's result arrives."""
    newborn = one_thing("新生儿出生")
    answers = {"q": fullest_answers(newborn), "skip": [], "lic": []}
    with at("2026-09-30 09:00"):
        case = received_case("新生儿出生", "citizen", answers)
    health, police = user("xinxiang_rev_health"), user("xinxiang_rev_public_security")
    hr, insurance = user("xinxiang_rev_hr_social"), user("xinxiang_rev_medical_insurance")
    certificate = item(case, "《出生医学证明》办理（首签）")
    hukou = item(case, "户口登记（申报出生登记）1岁以下婚内生育")
    card = item(case, "社会保障卡申领")
    medical = item(case, "办理居民医保登记")
    with at("2026-09-30 10:00"):
        for it, reviewer in ((certificate, health), (hukou, police), (card, hr), (medical, insurance)):
            services.do_accept_item(it, acting_user=reviewer)
    card.refresh_from_db()
    assert card.status == ItemStatus.PRE_REVIEW
    assert card.decision_due_on == dt.date(2026, 10, 13)  # 5 working days across National Day and 调休 10-10
    # neither number was asked of the applicant: each is produced by an item of this case
    asked = {f["key"] for f in case.requirements["fields"] if not f.get("produced_by")}
    assert not asked & {"newborn.birth_certificate_number", "newborn.id_number"}
    with at("2026-09-30 14:00"):
        services.do_approve_item(
            certificate,
            result_number="R410000002",
            produced_values={"newborn.birth_certificate_number": "R410000002"},
            acting_user=health,
        )
    case.refresh_from_db()
    assert visible_values(item(case, hukou.name))["newborn.birth_certificate_number"] == "R410000002"
    with at("2026-10-08 09:30"):
        newborn_id = example_produced_values(item(case, hukou.name))["newborn.id_number"]
        services.do_approve_item(
            hukou, result_number=newborn_id, produced_values={"newborn.id_number": newborn_id}, acting_user=police
        )
    card.refresh_from_db()
    assert card.status == ItemStatus.PRE_REVIEW  # 医保登记 still pending
    case.refresh_from_db()
    assert visible_values(item(case, card.name))["newborn.id_number"] == newborn_id  # the card's department reads it
    with at("2026-10-08 11:00"):
        services.do_approve_item(medical, acting_user=insurance)
    card.refresh_from_db()
    assert card.status == ItemStatus.ACCEPTED
    released = card.events.get(action=CaseAction.RELEASE_ITEM)
    assert released.detail["prerequisite"] == medical.name and released.actor is None  # pushed by the platform
    with at("2026-10-09 10:00"):
        services.do_approve_item(card, result_number="SB4107210001", acting_user=hr)
    card.refresh_from_db()
    assert card.status == ItemStatus.APPROVED
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS  # the other items are still open
