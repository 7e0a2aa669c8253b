"""Case services: submission, the one correction notice, 容缺 receipt, scanning, withdrawal; one table of transitions."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases import rules, services
from cases.choices import CaseAction, CaseStatus, Channel, ItemStatus, MaterialState, PointKind
from cases.models import Case, CaseEvent, CorrectionNotice
from catalog.choices import OneThingStatus
from catalog.models import MaterialType, OneThing
from core.errors import ConflictError, UserFacingError
from materials.services import do_sign_commitment, do_upload_material, notice_for_draft
from oneform.models import ApplicationDraft
from oneform.services import do_save_draft, merge_form
from shareddata.choices import ConsentScope
from shareddata.services import do_grant_consent
from workcalendar.services import WorkingCalendar

from .conftest import pdf, sample_value

pytestmark = pytest.mark.django_db

# 开办餐饮店 with dine-in seats (fire check) and a signboard: every item in
RESTAURANT_ALL = {"q": {"dine_in": "dining_commitment", "signboard": "install"}, "skip": [], "lic": []}
DEFERRABLE = {"food_safety_rules", "health_certificate", "fire_safety_plan"}  # 容缺 in the spec


@pytest.fixture
def restaurant() -> OneThing:
    return OneThing.objects.get(region__code="410721", name="开办餐饮店", status=OneThingStatus.PUBLISHED)


def ready_draft(one_thing: OneThing, username: str = "enterprise", *, skip: set[str] = DEFERRABLE) -> ApplicationDraft:
    """A draft with every field valid and every material uploaded except `skip` (容缺 materials by default)."""
    user = User.objects.get(username=username)
    scope = ConsentScope.MARKET if user.kind == "legal" else ConsentScope.POPULATION
    do_grant_consent(user, scope, acting_user=user, purpose="开办餐饮店")
    draft = do_save_draft(user, one_thing, RESTAURANT_ALL, {}, acting_user=user)
    notice = notice_for_draft(draft)
    form = merge_form(one_thing, notice.selected_items)
    draft = do_save_draft(
        user, one_thing, RESTAURANT_ALL, {f.key: sample_value(f) for f in form.fields}, acting_user=user
    )
    types = {mt.key: mt for mt in MaterialType.objects.all()}
    for line in notice.to_submit:
        if line.key not in skip:
            do_upload_material(draft, types[line.key], pdf(f"{line.key}.pdf"), acting_user=user)
    return draft


def submit(draft: ApplicationDraft, key: str | None = None) -> Case:
    return services.do_submit_case(draft, key or uuid.uuid4().hex, acting_user=draft.user, ip="10.0.0.8")


def window() -> User:
    return User.objects.get(username="xinxiang_window")


# ---------------------------------------------------------------- submission


def test_submission_creates_one_case_with_snapshot_items_materials_and_event(restaurant):
    draft = ready_draft(restaurant)
    case = submit(draft)

    assert case.status == CaseStatus.SUBMITTED and case.channel == Channel.ONLINE
    assert case.number.startswith("410721") and len(case.number) == 18
    assert case.one_thing == restaurant
    assert {i.name for i in case.items.all()} == {
        "企业营业执照信息核验",
        "食品经营许可",
        "户外招牌设施设置规范管理",
        "公众聚集场所投入使用、营业前消防安全检查",
    }
    assert all(i.status == ItemStatus.AWAITING_RECEIPT for i in case.items.all())
    shared = case.materials.get(material_type__key="premises_layout")
    assert shared.state == MaterialState.UPLOADED and len(shared.items) == 2 and shared.sha256
    assert {m.material_type.key for m in case.materials.filter(state=MaterialState.MISSING)} == DEFERRABLE
    assert case.values["enterprise.name"] == "新乡县演示餐饮有限公司"  # from the market registry, with consent
    assert case.review_due_at is not None and case.review_due_at > case.submitted_at
    event = case.events.get()
    assert (event.action, event.to_status, event.actor, event.ip) == (
        CaseAction.SUBMIT,
        CaseStatus.SUBMITTED,
        draft.user,
        "10.0.0.8",
    )
    draft.refresh_from_db()
    assert draft.submitted_at is not None


def test_prerequisites_are_kept_between_the_case_items(restaurant):
    case = submit(ready_draft(restaurant))
    wanted = {
        (item.name, p.name) for item in case.items.prefetch_related("prerequisites") for p in item.prerequisites.all()
    }
    catalog = {
        (row.service_item.name, p.service_item.name)
        for row in restaurant.items.prefetch_related("prerequisites__service_item").select_related("service_item")
        for p in row.prerequisites.all()
    }
    assert wanted == catalog


def test_a_repeated_submission_creates_no_second_case(restaurant):
    draft = ready_draft(restaurant)
    key = uuid.uuid4().hex
    first = submit(draft, key)
    again = submit(draft, key)
    other_key = submit(draft)  # a second tab: the draft is closed, the same case comes back
    assert first.pk == again.pk == other_key.pk
    assert Case.objects.filter(applicant=draft.user).count() == 1
    assert CaseEvent.objects.filter(case=first, action=CaseAction.SUBMIT).count() == 1


def test_a_closed_draft_takes_no_more_uploads_and_a_new_application_starts_a_new_draft(restaurant):
    draft = ready_draft(restaurant)
    submit(draft)
    with pytest.raises(UserFacingError):
        do_upload_material(draft, MaterialType.objects.get(key="food_safety_rules"), pdf(), acting_user=draft.user)
    fresh = do_save_draft(draft.user, restaurant, RESTAURANT_ALL, {}, acting_user=draft.user)
    assert fresh.pk != draft.pk and fresh.submitted_at is None


def test_submission_is_refused_with_every_field_and_missing_material_and_nothing_written(restaurant):
    draft = ready_draft(restaurant, skip=DEFERRABLE | {"premises_layout"})
    user = draft.user
    do_save_draft(
        user,
        restaurant,
        RESTAURANT_ALL,
        {"legal_person.mobile": "1380000", "premises.area": "大约一百"},
        acting_user=user,
    )
    with pytest.raises(services.SubmissionIncomplete) as refused:
        submit(ApplicationDraft.objects.get(pk=draft.pk))
    assert set(refused.value.field_errors) == {"legal_person.mobile", "premises.area"}
    assert set(refused.value.missing_materials) == {"premises_layout"}  # 容缺-able ones do not stop it
    assert "经营场所平面布局图" in refused.value.message
    assert not Case.objects.exists()
    draft.refresh_from_db()
    assert draft.submitted_at is None and draft.values["premises.area"] == "大约一百"  # kept as typed


def test_a_commitment_replaces_a_material_where_the_catalog_allows_it(restaurant):
    draft = ready_draft(restaurant)
    user = draft.user
    health = MaterialType.objects.get(key="health_certificate")
    with pytest.raises(UserFacingError):
        do_sign_commitment(draft, health, "钱八", acting_user=user)  # not the applicant, its representative or agent
    do_sign_commitment(draft, health, user.legal_representative or str(user), acting_user=user)
    with pytest.raises(UserFacingError):  # 经营场所平面图 may not be replaced by a commitment
        do_sign_commitment(draft, MaterialType.objects.get(key="premises_layout"), str(user), acting_user=user)
    case = submit(draft)
    material = case.materials.get(material_type=health)
    assert material.state == MaterialState.COMMITTED
    assert material.commitment_text and material.committed_at is not None


def test_the_number_sequence_counts_per_region_and_day(restaurant):
    first = submit(ready_draft(restaurant))
    second = submit(ready_draft(restaurant, "citizen"))
    assert first.number[:14] == second.number[:14]
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_an_applicant_cannot_submit_someone_elses_draft(restaurant):
    draft = ready_draft(restaurant)
    with pytest.raises(UserFacingError):
        services.do_submit_case(draft, "k", acting_user=User.objects.get(username="citizen"))
    with pytest.raises(UserFacingError):  # staff of another county may not file it either
        services.do_submit_case(draft, "k", acting_user=User.objects.get(username="minquan_window"))
    assert not Case.objects.exists()


# ---------------------------------------------------------------- formal review


def test_one_correction_notice_lists_every_point_and_the_applicant_resubmits_the_same_case(restaurant):
    case = submit(ready_draft(restaurant))
    notice = services.do_request_correction(
        case,
        [
            {"kind": PointKind.MATERIAL, "key": "premises_layout", "reason": "平面图未标注面积"},
            {"kind": PointKind.FIELD, "key": "premises.area", "reason": "面积与平面图不一致"},
        ],
        acting_user=window(),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION and notice.round == 1 and len(notice.points) == 2

    applicant = case.applicant
    with pytest.raises(services.SubmissionIncomplete) as still:
        services.do_resubmit_case(case, acting_user=applicant)
    assert set(still.value.field_errors) == {"premises.area"}
    assert set(still.value.missing_materials) == {"premises_layout"}

    assert services.do_save_correction(case, {"premises.area": "abc", "enterprise.name": "X"}, acting_user=applicant)
    case.refresh_from_db()
    assert case.values["enterprise.name"] == "新乡县演示餐饮有限公司"  # only the notice's fields can change
    with pytest.raises(services.SubmissionIncomplete) as invalid:
        services.do_resubmit_case(case, acting_user=applicant)
    assert "premises.area" in invalid.value.field_errors
    services.do_save_correction(case, {"premises.area": "98.5"}, acting_user=applicant)
    old_file = case.materials.get(material_type__key="premises_layout").file.name
    with pytest.raises(UserFacingError):  # a material the notice does not list
        services.do_replace_case_material(
            case, MaterialType.objects.get(key="business_licence"), pdf(), acting_user=applicant
        )
    with pytest.raises(UserFacingError):  # not a PDF/JPG/PNG by content: nothing changes
        services.do_replace_case_material(
            case, MaterialType.objects.get(key="premises_layout"), pdf(content=b"not a pdf"), acting_user=applicant
        )
    assert case.materials.get(material_type__key="premises_layout").file.name == old_file
    services.do_replace_case_material(
        case, MaterialType.objects.get(key="premises_layout"), pdf("new.pdf"), acting_user=applicant
    )
    case = services.do_resubmit_case(case, acting_user=applicant)
    assert case.status == CaseStatus.SUBMITTED and case.review_due_at is not None
    assert Case.objects.count() == 1
    replaced = case.events.get(action=CaseAction.REPLACE_MATERIAL)
    assert replaced.detail["before"]["file"] == old_file != replaced.detail["after"]["file"]


def test_a_later_round_may_not_add_points_the_first_notice_did_not_list(restaurant):
    case = submit(ready_draft(restaurant))
    services.do_request_correction(
        case, [{"kind": "field", "key": "premises.area", "reason": "与平面图不一致"}], acting_user=window()
    )
    services.do_save_correction(case, {"premises.area": "99"}, acting_user=case.applicant)
    services.do_resubmit_case(case, acting_user=case.applicant)
    with pytest.raises(ConflictError) as refused:
        services.do_request_correction(
            case, [{"kind": "material", "key": "premises_layout", "reason": "模糊"}], acting_user=window()
        )
    assert "经营场所平面布局图" in refused.value.message
    second = services.do_request_correction(
        case, [{"kind": "field", "key": "premises.area", "reason": "仍不一致"}], acting_user=window()
    )
    assert second.round == 2


def test_a_point_without_reason_or_of_another_case_is_refused_and_nothing_written(restaurant):
    case = submit(ready_draft(restaurant))
    for points in (
        [{"kind": "field", "key": "premises.area", "reason": " "}],
        [{"kind": "material", "key": "no_such_material", "reason": "缺"}],
        [],
    ):
        with pytest.raises(UserFacingError):
            services.do_request_correction(case, points, acting_user=window())
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and not CorrectionNotice.objects.exists()


def test_receipt_with_deferred_materials_and_due_dates_then_distribution(restaurant):
    case = submit(ready_draft(restaurant))
    calendar = WorkingCalendar()
    today = timezone.localdate()
    due = calendar.add_workdays(today, 5)
    deferrals = {key: due for key in DEFERRABLE}
    with pytest.raises(UserFacingError) as no_date:
        services.do_receive_case(case, deferrals={"food_safety_rules": due}, acting_user=window())
    for key in DEFERRABLE - {"food_safety_rules"}:  # every material without a date is named at once
        assert case.materials.get(material_type__key=key).name in no_date.value.message
    with pytest.raises(UserFacingError):
        services.do_receive_case(case, deferrals={**deferrals, "food_safety_rules": today}, acting_user=window())
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and not case.materials.filter(state=MaterialState.DEFERRED).exists()

    case = services.do_receive_case(case, deferrals=deferrals, acting_user=window())
    assert case.status == CaseStatus.RECEIVED and case.received_by == window()
    assert set(case.materials.filter(state=MaterialState.DEFERRED).values_list("deferred_until", flat=True)) == {due}
    assert case.distributed_at is not None
    assert all(i.status == ItemStatus.QUEUED for i in case.items.all())
    assert [e.action for e in case.events.all()] == [
        CaseAction.SUBMIT,
        CaseAction.RECEIVE,
        CaseAction.ISSUE_DOCUMENT,  # the receipt (收件回执), issued by the receiving itself
        CaseAction.DISTRIBUTE,
    ]

    supplied = services.do_supply_deferred_material(
        case, MaterialType.objects.get(key="food_safety_rules"), pdf(), acting_user=case.applicant
    )
    assert supplied.state == MaterialState.UPLOADED


def test_only_window_staff_of_the_region_review(restaurant):
    case = submit(ready_draft(restaurant))
    for username in ("minquan_window", "xinxiang_reviewer", "xinxiang_supervisor", "enterprise"):
        with pytest.raises(UserFacingError):
            services.do_receive_case(case, acting_user=User.objects.get(username=username))
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


# ---------------------------------------------------------------- window intake


def test_walk_in_with_paper_materials_is_distributed_after_the_last_scan(restaurant):
    applicant = User.objects.get(username="citizen")
    staff = window()
    draft = do_save_draft(applicant, restaurant, RESTAURANT_ALL, {}, acting_user=staff)
    form = merge_form(restaurant, notice_for_draft(draft).selected_items)
    draft = do_save_draft(
        applicant, restaurant, RESTAURANT_ALL, {f.key: sample_value(f) for f in form.fields}, acting_user=staff
    )
    paper = {m.key for m in notice_for_draft(draft).to_submit} - DEFERRABLE
    case = services.do_submit_case(draft, "walk-in-1", acting_user=staff, paper_received=paper)
    assert case.channel == Channel.WINDOW and case.filed_by == staff and case.applicant == applicant
    assert case.scan_due_at is not None and case.review_due_at is None
    assert case.events.get().action == CaseAction.FILE_WALK_IN

    deferrals = {k: WorkingCalendar().add_workdays(timezone.localdate(), 3) for k in DEFERRABLE}
    case = services.do_receive_case(case, deferrals=deferrals, acting_user=staff)
    assert case.distributed_at is None  # paper still to scan
    keys = sorted(paper)
    for key in keys:
        services.do_attach_scan(case, MaterialType.objects.get(key=key), pdf(f"{key}.pdf"), acting_user=staff)
    case.refresh_from_db()
    assert case.scanned_at is not None and case.distributed_at is not None
    assert case.events.filter(action=CaseAction.ATTACH_SCAN).count() == len(keys)
    with pytest.raises(UserFacingError):  # nothing left on paper
        services.do_attach_scan(case, MaterialType.objects.get(key=keys[0]), pdf(), acting_user=staff)


# ---------------------------------------------------------------- withdrawal and transitions


def test_withdrawal_needs_a_reason_ends_every_open_item_and_is_final(restaurant):
    case = submit(ready_draft(restaurant))
    with pytest.raises(UserFacingError):
        services.do_withdraw_case(case, "  ", acting_user=case.applicant)
    with pytest.raises(UserFacingError):
        services.do_withdraw_case(case, "不办了", acting_user=User.objects.get(username="citizen"))
    case = services.do_withdraw_case(case, "店面未租成", acting_user=case.applicant)
    assert case.status == CaseStatus.WITHDRAWN and case.withdrawal_reason == "店面未租成"
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.WITHDRAWN}
    with pytest.raises(ConflictError):
        services.do_withdraw_case(case, "再撤一次", acting_user=case.applicant)
    with pytest.raises(ConflictError):
        services.do_receive_case(case, acting_user=window())


@pytest.mark.parametrize("status", list(CaseStatus.values))
@pytest.mark.parametrize("action", list(CaseAction.values))
def test_every_action_not_in_the_table_is_refused(status, action):
    if rules.is_allowed(status, action):
        rules.check_allowed(status, action)  # no exception
        return
    with pytest.raises(ConflictError) as refused:
        rules.check_allowed(status, action)
    assert str(CaseStatus(status).label) in refused.value.message


@pytest.mark.parametrize("status", [s for s in CaseStatus.values if s != CaseStatus.SUBMITTED])
def test_review_actions_are_refused_outside_formal_review(restaurant, status):
    case = submit(ready_draft(restaurant))
    Case.objects.filter(pk=case.pk).update(status=status)
    with pytest.raises(ConflictError):
        services.do_request_correction(
            case, [{"kind": "field", "key": "premises.area", "reason": "x"}], acting_user=window()
        )
    with pytest.raises(ConflictError):
        services.do_receive_case(case, acting_user=window())
    assert Case.objects.get(pk=case.pk).status == status


def test_derived_status_from_items():
    case = Case(withdrawn_at=None)

    def items(*statuses):
        return [type("I", (), {"status": s})() for s in statuses]

    assert services.derive_status(case, items(ItemStatus.QUEUED, ItemStatus.QUEUED)) == CaseStatus.RECEIVED
    assert services.derive_status(case, items(ItemStatus.ACCEPTED, ItemStatus.QUEUED)) == CaseStatus.IN_PROGRESS
    assert services.derive_status(case, items(ItemStatus.APPROVED, ItemStatus.APPROVED)) == CaseStatus.COMPLETED
    assert (
        services.derive_status(case, items(ItemStatus.APPROVED, ItemStatus.STOPPED)) == CaseStatus.PARTIALLY_COMPLETED
    )
    assert services.derive_status(case, items(ItemStatus.REFUSED, ItemStatus.STOPPED)) == CaseStatus.NOT_ACCEPTED
    case.withdrawn_at = dt.datetime(2026, 10, 9, tzinfo=dt.UTC)
    assert services.derive_status(case, items(ItemStatus.WITHDRAWN, ItemStatus.REFUSED)) == CaseStatus.WITHDRAWN


def test_the_applicant_is_told_by_sms_and_site_message_after_commit(restaurant, django_capture_on_commit_callbacks):
    from notifications.models import Message

    draft = ready_draft(restaurant)
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(draft)
    sent = Message.objects.filter(case_number=case.number, kind="case.submitted")
    assert set(sent.values_list("channel", flat=True)) == {"sms", "site"}
    assert all(case.number in m.body for m in sent)
    assert sent.get(channel="sms").mobile == draft.user.mobile


def test_what_the_platform_provides_cannot_be_put_on_a_correction_notice(restaurant, client_for):
    """The 申请表 generated from the one form (and what another item produces or a department pushes) is not the
    applicant's to replace: the window flags the fields it is made from; the review page offers no checkbox."""
    case = submit(ready_draft(restaurant))
    generated = case.materials.filter(state=MaterialState.GENERATED).first()
    assert generated is not None, "the restaurant's 申请表 is generated from the one form"
    with pytest.raises(UserFacingError, match="不由申请人提交"):
        services.do_request_correction(
            case,
            [{"kind": PointKind.MATERIAL, "key": generated.material_type.key, "reason": "申请表有误"}],
            acting_user=window(),
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and not case.corrections.exists()

    body = client_for("xinxiang_window").get(reverse("window:case", args=[case.number])).content.decode()
    token = f'value="material:{generated.material_type.key}"'
    assert token not in body
    assert "不由申请人提交" in body
