"""Case fixtures: a temporary MEDIA_ROOT and a 开办餐饮店 (新乡县, 410721-01-003) application ready to file or filed.

The seed catalog, demo accounts and demo shared data come from the root conftest. The demo enterprise
(新乡县演示餐饮有限公司, account `enterprise`) applies; it gives no consent to shared data, so every value is typed.

RESTAURANT_ANSWERS: an enterprise, take-away only (no fire check), no signboard — two items, 企业营业执照信息核验
and 食品经营许可. The materials to submit are then RESTAURANT_MATERIALS; of those, 保证食品安全的规章制度目录清单
(`food_safety_rules`) may be supplied later (容缺) and is left out by `restaurant_draft_ready`, so a submitted case
has one MISSING material that window staff defer when receiving it. The application form (`application_form`) is
generated from the one form: not uploaded (guidance.materials).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from cases.models import Case
from cases.services import do_submit_case
from catalog.choices import ElementType, OneThingStatus
from catalog.models import MaterialType, OneThing
from materials.samples import MINIMAL_PDF
from materials.services import do_upload_material, notice_for_draft
from oneform.models import ApplicationDraft
from oneform.services import do_save_draft, merge_form

PDF = MINIMAL_PDF
RESTAURANT_CODE = "410721-01-003"
RESTAURANT_ANSWERS = {
    "q": {"org_form": "enterprise", "dine_in": "takeaway_only", "signboard": "no_sign"},
    "skip": [],
    "lic": [],
}
RESTAURANT_MATERIALS = [
    "business_licence",
    "food_equipment_process",
    "premises_layout",
    "food_safety_rules",  # 容缺
    "health_certificate",  # 容缺 or 告知承诺
    "legal_person_id_card",
]
DEFERRED_MATERIAL = "food_safety_rules"

# The demo enterprise as registries know it (accounts/demo.py, shareddata/demo_data.yaml).
ENTERPRISE_VALUES = {
    "enterprise.name": "新乡县演示餐饮有限公司",
    "enterprise.credit_code": "91410721MA44XJ2R3B",
    "enterprise.type": "有限责任公司",
    "enterprise.address": "河南省新乡市新乡县七里营镇演示路88号",
    "legal_person.name": "王五",
    "legal_person.id_number": "410702198508160034",
    "legal_person.mobile": "13800000002",
}


def pdf(name: str = "scan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    """An upload named like a PDF; its content is a minimal PDF unless given."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def sample_value(field) -> str:
    """A valid value for a field of the merged form."""
    return {
        ElementType.DATE: "2026-03-07",
        ElementType.INTEGER: "40",
        ElementType.DECIMAL: "120.5",
        ElementType.BOOLEAN: "false",
        ElementType.CHOICE: field.choices[0] if field.choices else "示例",
        ElementType.ID_NUMBER: "410721199511200045",
        ElementType.CREDIT_CODE: "91410721MA44XJ2R3B",
        ElementType.PHONE: "13800000002",
        ElementType.EMAIL: "demo@example.com",
    }.get(field.type, "新乡县演示内容")


def restaurant_values(one_thing: OneThing, answers: dict = RESTAURANT_ANSWERS) -> dict[str, str]:
    """Every field of the restaurant form filled in validly: the enterprise's own data, sample values elsewhere."""
    from guidance import queries as guidance_queries
    from oneform.forms import query_from_state

    notice = query_from_state(answers).notice(guidance_queries.get_guide_one_thing(one_thing.code))[0]
    form = merge_form(one_thing, notice.selected_items)
    return {f.key: ENTERPRISE_VALUES.get(f.key, sample_value(f)) for f in form.fields}


def make_ready_draft(
    applicant: User,
    one_thing: OneThing,
    *,
    acting_user: User | None = None,
    answers: dict = RESTAURANT_ANSWERS,
    leave_out: tuple[str, ...] = (DEFERRED_MATERIAL,),
) -> ApplicationDraft:
    """A draft with every field valid and a PDF for every material to submit except `leave_out`."""
    acting_user = acting_user or applicant
    draft = do_save_draft(applicant, one_thing, answers, restaurant_values(one_thing, answers), acting_user=acting_user)
    types = {mt.key: mt for mt in MaterialType.objects.all()}
    for line in notice_for_draft(draft).to_submit:
        if line.key not in leave_out:
            do_upload_material(draft, types[line.key], pdf(f"{line.key}.pdf"), acting_user=acting_user)
    return draft


def file_again(draft: ApplicationDraft, submission_key: str, *, ip: str | None = None) -> Case:
    """File `draft` online, or — when its applicant already has an open case of the one-thing (tests that need
    several cases of one applicant) — at the window with a reason, as the one-open-case rule requires."""
    from accounts.choices import StaffRole
    from cases.services import open_case_of

    if open_case_of(draft.user, draft.one_thing) is None:
        return do_submit_case(draft, submission_key, acting_user=draft.user, ip=ip)
    window = User.objects.filter(roles__role=StaffRole.WINDOW, roles__region=draft.one_thing.region).first()
    # a shortcut of the fixture: the draft becomes the window's (staff file only a draft of their own channel)
    ApplicationDraft.objects.filter(pk=draft.pk).update(channel=ApplicationDraft.WINDOW)
    draft.refresh_from_db()
    return do_submit_case(draft, submission_key, acting_user=window, ip=ip, duplicate_reason="测试：另一件申请")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def restaurant_one_thing(db) -> OneThing:
    """开办餐饮店 of 新乡县, the published version (data/specs/xinxiang_restaurant.yaml)."""
    return OneThing.objects.get(code=RESTAURANT_CODE, status=OneThingStatus.PUBLISHED)


@pytest.fixture
def restaurant_draft_ready(restaurant_one_thing) -> ApplicationDraft:
    """The demo enterprise's draft, ready to submit: 容缺 asked for `food_safety_rules` (DEFERRED_MATERIAL)."""
    return make_ready_draft(User.objects.get(username="enterprise"), restaurant_one_thing)


@pytest.fixture
def submitted_restaurant_case(restaurant_draft_ready) -> Case:
    """The demo enterprise's restaurant application, submitted online and awaiting formal review."""
    enterprise = User.objects.get(username="enterprise")
    return do_submit_case(restaurant_draft_ready, "fixture-online-submit", acting_user=enterprise, ip="127.0.0.1")
