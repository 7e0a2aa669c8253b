"""The one materials rule on 新生儿出生 (data/specs/xinxiang_newborn.yaml), one status at a time, through the notice,
the submission check and the case it files."""

from __future__ import annotations

import uuid

import pytest

from accounts.choices import AccountKind
from accounts.models import User
from cases.choices import MaterialState
from cases.services import SubmissionIncomplete, check_submission, do_submit_case
from catalog.choices import OneThingStatus
from catalog.models import MaterialType, OneThing
from guidance import queries as guidance_queries
from guidance.choices import MaterialStatus
from guidance.services import build_notice
from materials.services import do_upload_material
from oneform.forms import draft_state
from oneform.services import do_save_draft, merge_form

from .conftest import pdf, sample_value

CERTIFICATE_ITEM = "《出生医学证明》办理（首签）"
HUKOU_ITEM = "户口登记（申报出生登记）1岁以下婚内生育"
# 在本县落户, 医保和社保卡都办, 需要报销, 母亲本人, 登记育儿指导: every item handled
MOTHER = {
    "hukou": "local",
    "insurance": "both",
    "maternity": "not_settled",
    "applicant": "mother",
    "guidance": "register",
}
FATHER = {**MOTHER, "applicant": "other"}


@pytest.fixture
def newborn(db) -> OneThing:
    one_thing = OneThing.objects.get(name="新生儿出生", status=OneThingStatus.PUBLISHED)
    return guidance_queries.get_guide_one_thing(one_thing.code)


def line(notice, key: str):
    return next(m for m in notice.materials if m.key == key)


def test_the_application_form_is_generated_not_uploaded(newborn):
    form = line(build_notice(newborn, MOTHER), "application_form")
    assert form.status == MaterialStatus.GENERATED
    assert not form.starred and not form.uploadable
    assert set(form.items) == {CERTIFICATE_ITEM, "社会保障卡申领"}


def test_a_material_another_item_produces_is_not_asked(newborn):
    certificate = line(build_notice(newborn, MOTHER), "birth_medical_certificate")
    assert certificate.status == MaterialStatus.PRODUCED
    assert certificate.produced_by == [CERTIFICATE_ITEM]
    assert CERTIFICATE_ITEM in certificate.detail
    assert HUKOU_ITEM in certificate.items


def test_a_produced_material_is_still_asked_where_the_producing_item_itself_needs_it(newborn):
    # 户口登记 produces the newborn's 户口页 for 社保卡 and 医保, but itself needs the parent's 户口簿
    hukou = line(build_notice(newborn, MOTHER), "hukou_book")
    assert hukou.status == MaterialStatus.SUBMIT and hukou.starred
    # without 户口登记 nobody produces it: still asked wherever it is needed
    elsewhere = build_notice(newborn, {**MOTHER, "hukou": "elsewhere"})
    assert "hukou_book" not in {m.key for m in elsewhere.materials}  # its users are excluded too


def test_a_pushed_material_is_not_asked(newborn):
    record = line(build_notice(newborn, MOTHER), "birth_vaccination_record")
    assert record.status == MaterialStatus.PUSHED
    assert not record.uploadable


def test_deferrable_materials_are_labelled_and_never_starred(newborn):
    bank = line(build_notice(newborn, MOTHER), "bank_card")
    assert bank.status == MaterialStatus.DEFERRABLE
    assert bank.to_upload and not bank.starred


def test_the_power_of_attorney_is_required_exactly_when_someone_else_files(newborn):
    assert line(build_notice(newborn, MOTHER), "power_of_attorney").status == MaterialStatus.NOT_NEEDED
    by_father = line(build_notice(newborn, FATHER), "power_of_attorney")
    assert by_father.status == MaterialStatus.SUBMIT and by_father.starred
    unanswered = {k: v for k, v in MOTHER.items() if k != "applicant"}
    pending = line(build_notice(newborn, unanswered), "power_of_attorney")
    assert pending.status == MaterialStatus.CONDITIONAL and not pending.starred and pending.uploadable


def test_an_e_licence_exempts_a_material_to_submit(newborn):
    assert line(build_notice(newborn, MOTHER), "id_card").status == MaterialStatus.SUBMIT
    held = build_notice(newborn, MOTHER, held_licence_types={"居民身份证"})
    assert line(held, "id_card").status == MaterialStatus.EXEMPT


def _draft(newborn: OneThing, answers: dict[str, str], username: str):
    applicant = User.objects.create_user(username=username, kind=AccountKind.NATURAL_PERSON, display_name="李四")
    notice = build_notice(newborn, answers)
    values = {f.key: sample_value(f) for f in merge_form(newborn, notice.selected_items).fields}
    values["newborn.birth_time"] = "08:30"
    values["mother.bank_account"] = "6217002710000684874"
    return applicant, do_save_draft(applicant, newborn, draft_state(notice), values, acting_user=applicant)


def _upload(draft, keys, applicant) -> None:
    for key in keys:
        do_upload_material(draft, MaterialType.objects.get(key=key), pdf(f"{key}.pdf"), acting_user=applicant)


def test_submit_asks_only_the_applicants_own_materials_and_names_the_missing_power_of_attorney(newborn, media_root):
    applicant, draft = _draft(newborn, FATHER, "newborn-father")
    own = ["id_card", "hukou_book", "marriage_certificate", "medical_invoice", "agent_id_card"]
    _upload(draft, own, applicant)
    check = check_submission(draft)
    assert not check.field_errors, check.field_errors
    # nothing generated, produced, pushed or 容缺 stops it; the power of attorney the answers call for does
    assert check.missing == {"power_of_attorney": line(check.notice, "power_of_attorney").title}
    assert set(check.deferrable_missing) == {"delivery_medical_record", "bank_card"}
    with pytest.raises(SubmissionIncomplete) as refused:
        do_submit_case(draft, uuid.uuid4().hex, acting_user=applicant)
    assert "power_of_attorney" in refused.value.missing_materials
    assert line(check.notice, "power_of_attorney").title in refused.value.message  # the message names it

    _upload(draft, ["power_of_attorney"], applicant)
    case = do_submit_case(draft, uuid.uuid4().hex, acting_user=applicant)
    states = {m.material_type.key: m.state for m in case.materials.all()}
    assert states["application_form"] == MaterialState.GENERATED
    assert states["birth_medical_certificate"] == MaterialState.PRODUCED
    assert states["birth_vaccination_record"] == MaterialState.PUSHED
    assert states["bank_card"] == MaterialState.MISSING  # 容缺 asked: the window sets the date
    assert states["power_of_attorney"] == MaterialState.UPLOADED
    stored = {m["key"]: m for m in case.requirements["materials"]}
    assert stored["birth_medical_certificate"]["status"] == MaterialStatus.PRODUCED
    assert not stored["bank_card"]["starred"] and stored["power_of_attorney"]["starred"]


def test_the_mother_is_not_asked_for_a_power_of_attorney(newborn, media_root):
    applicant, draft = _draft(newborn, MOTHER, "newborn-mother")
    _upload(draft, ["id_card", "hukou_book", "marriage_certificate", "medical_invoice"], applicant)
    check = check_submission(draft)
    assert check.ok, (check.field_errors, check.missing)
    case = do_submit_case(draft, uuid.uuid4().hex, acting_user=applicant)
    assert "power_of_attorney" not in {m.material_type.key for m in case.materials.all()}
