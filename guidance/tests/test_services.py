"""build_notice against the seed catalog: 开办餐饮店 and 新生儿出生 of 新乡县 (410721).

Expected numbers are worked out by hand from data/specs/xinxiang_restaurant.yaml and xinxiang_newborn.yaml.
"""

import pytest

from catalog.models import Option
from core.errors import UserFacingError
from guidance.choices import ExemptionKind, ItemState, MaterialStatus
from guidance.queries import forget_guides, get_guide_one_thing
from guidance.services import PersonalNotice, build_notice

pytestmark = pytest.mark.django_db

# 开办餐饮店
VERIFY = "企业营业执照信息核验"  # mandatory, 1 day
FOOD = "食品经营许可"  # mandatory, 5 days, after VERIFY
SIGN = "户外招牌设施设置规范管理"  # optional, 3 days, after VERIFY; signboard.install includes, no_sign excludes
FIRE = "公众聚集场所投入使用、营业前消防安全检查"  # optional, 1 day, after VERIFY; dine_in options

# 新生儿出生
BIRTH = "《出生医学证明》办理（首签）"  # mandatory, 1 day
VACCINE = "预防接种证办理"  # mandatory, 1 day
HUKOU = "户口登记（申报出生登记）1岁以下婚内生育"  # optional, 1 day, after BIRTH
CARD = "社会保障卡申领"  # optional, 5 days, after HUKOU and MEDICAL
MATERNITY = "生育医疗费用报销"  # optional, 15 days, after BIRTH
MEDICAL = "办理居民医保登记"  # optional, 1 day, after HUKOU
PARENTING = "科学育儿指导服务登记"  # optional, 1 day

NEWBORN_ALL = {"hukou": "local", "insurance": "both", "maternity": "not_settled", "applicant": "mother",
               "guidance": "register"}  # fmt: skip


def item(notice: PersonalNotice, name: str):
    (line,) = [it for it in notice.items if it.name == name]
    return line


def material(notice: PersonalNotice, key: str):
    lines = [m for m in notice.materials if m.key == key]
    assert len(lines) == 1, f"{key} appears {len(lines)} times"
    return lines[0]


def pk_of(notice: PersonalNotice, name: str) -> int:
    return item(notice, name).pk


def visible(notice: PersonalNotice) -> list[str]:
    return [q.key for q in notice.questions]


def test_visible_questions_depend_on_earlier_answers(restaurant_code):
    restaurant = get_guide_one_thing(restaurant_code)
    notice = build_notice(restaurant, {})
    assert visible(notice) == ["org_form", "dine_in", "signboard"]
    assert [q.key for q in notice.unanswered] == ["org_form", "dine_in", "signboard"]

    notice = build_notice(restaurant, {"dine_in": "dining_inspection", "signboard": "install"})
    assert visible(notice) == ["org_form", "dine_in", "floor_area", "signboard", "premises_ownership"]
    assert [q.key for q in notice.unanswered] == ["org_form", "floor_area", "premises_ownership"]

    notice = build_notice(restaurant, {"dine_in": "takeaway_only", "signboard": "no_sign"})
    assert visible(notice) == ["org_form", "dine_in", "signboard"]


def test_answers_to_hidden_questions_are_ignored(newborn_code):
    newborn = get_guide_one_thing(newborn_code)
    # insurance is asked only when the baby is registered here (hukou.local); its answer alone includes nothing
    notice = build_notice(newborn, {"insurance": "both", "maternity": "no_such_option", "nonsense": "x"})
    assert "insurance" not in visible(notice)
    assert notice.answers == {}
    assert notice.ignored_answers == {"insurance": "both", "maternity": "no_such_option", "nonsense": "x"}
    assert item(notice, MEDICAL).state == ItemState.NOT_INCLUDED
    assert item(notice, CARD).state == ItemState.NOT_INCLUDED
    assert item(notice, HUKOU).state == ItemState.PENDING

    notice = build_notice(newborn, {"hukou": "elsewhere", "insurance": "both"})
    assert "insurance" not in visible(notice) and "insurance" in notice.ignored_answers
    assert item(notice, MEDICAL).state == ItemState.EXCLUDED

    notice = build_notice(newborn, {"hukou": "local", "insurance": "both"})
    assert notice.answers == {"hukou": "local", "insurance": "both"}
    assert item(notice, MEDICAL).selected and item(notice, CARD).selected


def test_hidden_answer_does_not_trigger_situational_material(restaurant_code):
    restaurant = get_guide_one_thing(restaurant_code)
    # floor_area.large requires the fire acceptance document, but floor_area is asked only with dine-in seats
    notice = build_notice(restaurant, {"dine_in": "takeaway_only", "floor_area": "large"})
    assert notice.ignored_answers == {"floor_area": "large"}
    assert not [m for m in notice.materials if m.key == "fire_acceptance_document"]

    notice = build_notice(restaurant, {"dine_in": "dining_inspection", "floor_area": "large"})
    line = material(notice, "fire_acceptance_document")
    assert line.status == MaterialStatus.SUBMIT and line.items == [FIRE]
    assert line.because == ["300平方米以上，或装修改造依法办理了消防验收（备案）"]


def test_include_and_exclude_rules(restaurant_code, newborn_code):
    restaurant = get_guide_one_thing(restaurant_code)
    notice = build_notice(restaurant, {})
    assert item(notice, VERIFY).selected and item(notice, FOOD).selected  # mandatory: always
    assert item(notice, SIGN).state == ItemState.PENDING  # included only by an option of an unanswered question
    assert item(notice, FIRE).state == ItemState.PENDING

    notice = build_notice(restaurant, {"dine_in": "dining_commitment", "signboard": "no_sign"})
    assert item(notice, FIRE).selected and item(notice, FIRE).because == [
        "设有堂食座位，消防检查选择告知承诺（材料齐全当场许可，之后现场核查）"
    ]
    assert item(notice, SIGN).state == ItemState.EXCLUDED and item(notice, SIGN).because == ["不设置户外招牌"]

    notice = build_notice(restaurant, {"dine_in": "takeaway_only", "signboard": "install"})
    assert item(notice, FIRE).state == ItemState.EXCLUDED
    assert [it.name for it in notice.selected_items] == [VERIFY, FOOD, SIGN]

    newborn = get_guide_one_thing(newborn_code)
    notice = build_notice(newborn, {"hukou": "local", "insurance": "insurance_only"})
    assert item(notice, MEDICAL).selected
    assert item(notice, CARD).state == ItemState.EXCLUDED  # insurance_only includes MEDICAL and excludes CARD
    notice = build_notice(newborn, {"hukou": "other_case", "guidance": "skip", "maternity": "settled"})
    assert [it.name for it in notice.selected_items] == [BIRTH, VACCINE]


def test_optional_item_no_option_includes_is_in_by_default(restaurant_code):
    restaurant = get_guide_one_thing(restaurant_code)
    install = Option.objects.get(question__one_thing=restaurant, question__key="signboard", key="install")
    install.include_items.clear()  # the seed has no such item; make one (rolled back with the test)
    forget_guides()  # edited behind the catalog's back (a published version never changes): read it again
    restaurant = get_guide_one_thing(restaurant_code)
    assert item(build_notice(restaurant, {}), SIGN).selected
    assert item(build_notice(restaurant, {"signboard": "no_sign"}), SIGN).state == ItemState.EXCLUDED


def test_optional_item_can_be_deselected_and_mandatory_cannot(newborn_code):
    newborn = get_guide_one_thing(newborn_code)
    full = build_notice(newborn, NEWBORN_ALL)
    assert len(full.selected_items) == 7
    notice = build_notice(newborn, NEWBORN_ALL, deselected_items={pk_of(full, PARENTING), pk_of(full, MATERNITY)})
    assert item(notice, PARENTING).state == ItemState.DESELECTED
    assert item(notice, MATERNITY).state == ItemState.DESELECTED
    assert [it.name for it in notice.selected_items] == [BIRTH, VACCINE, HUKOU, CARD, MEDICAL]
    assert not [m for m in notice.materials if m.key in ("medical_invoice", "bank_card")]  # only MATERNITY's
    assert notice.deselected_codes == [item(full, MATERNITY).code, item(full, PARENTING).code]

    with pytest.raises(UserFacingError) as refused:
        build_notice(newborn, NEWBORN_ALL, deselected_items={pk_of(full, BIRTH), pk_of(full, PARENTING)})
    assert refused.value.message == f"“{BIRTH}”是本“一件事”的必办事项，不能取消。"


def test_material_shared_by_items_appears_once_with_every_item(restaurant_code, newborn_code):
    restaurant = get_guide_one_thing(restaurant_code)
    notice = build_notice(
        restaurant, {"org_form": "enterprise", "dine_in": "dining_inspection", "signboard": "no_sign"}
    )
    layout = material(notice, "premises_layout")
    assert layout.items == [FOOD, FIRE]
    assert layout.names == ["经营场所平面布局图", "场所平面布置图及消防设施平面图"]
    licence = material(notice, "business_licence")
    assert licence.items == [VERIFY, FOOD, FIRE] and licence.status == MaterialStatus.SUBMIT

    newborn = get_guide_one_thing(newborn_code)
    notice = build_notice(newborn, NEWBORN_ALL)
    id_card = material(notice, "id_card")
    assert id_card.items == [BIRTH, VACCINE, HUKOU, CARD, MATERNITY, MEDICAL, PARENTING]
    assert material(notice, "birth_medical_certificate").items == [HUKOU, CARD, MATERNITY, MEDICAL, PARENTING]


def test_situational_materials_follow_the_chosen_options(restaurant_code, newborn_code):
    restaurant = get_guide_one_thing(restaurant_code)
    notice = build_notice(restaurant, {"org_form": "individual"})
    assert material(notice, "id_card").status == MaterialStatus.SUBMIT
    assert material(notice, "id_card").because == ["个体工商户"]
    removed = material(notice, "legal_person_id_card")
    assert removed.status == MaterialStatus.NOT_NEEDED and removed.because == ["个体工商户"]
    # no option decides about a power of attorney: listed with the item's condition, not demanded
    attorney = material(notice, "power_of_attorney")
    assert attorney.status == MaterialStatus.CONDITIONAL
    assert "委托他人办理时提供，一份委托书可覆盖本“一件事”全部事项" in attorney.notes

    newborn = get_guide_one_thing(newborn_code)
    by_relative = build_notice(newborn, {**NEWBORN_ALL, "applicant": "other"})
    assert material(by_relative, "power_of_attorney").status == MaterialStatus.SUBMIT
    assert material(by_relative, "power_of_attorney").items == [BIRTH, HUKOU]
    by_mother = build_notice(newborn, NEWBORN_ALL)
    assert material(by_mother, "power_of_attorney").status == MaterialStatus.NOT_NEEDED


def test_e_licence_held_or_shared_data_exempts_a_material(restaurant_code):
    restaurant = get_guide_one_thing(restaurant_code)
    answers = {"org_form": "individual", "dine_in": "takeaway_only", "signboard": "no_sign"}
    assert material(build_notice(restaurant, answers), "business_licence").status == MaterialStatus.SUBMIT

    notice = build_notice(restaurant, answers, held_licence_types={"营业执照"})
    licence = material(notice, "business_licence")
    assert licence.status == MaterialStatus.EXEMPT
    assert (licence.exemption.kind, licence.exemption.detail) == (ExemptionKind.E_LICENCE, "营业执照")
    assert licence in notice.exempt and licence not in notice.to_submit
    assert "营业执照" in notice.licence_choices

    notice = build_notice(restaurant, answers, shared_sources={"population"})
    id_card = material(notice, "id_card")
    assert (id_card.status, id_card.exemption.kind) == (MaterialStatus.EXEMPT, ExemptionKind.SHARED_DATA)
    assert id_card.exemption.detail == "人口库"


def test_deferrable_and_commitment_flags(restaurant_code):
    restaurant = get_guide_one_thing(restaurant_code)
    notice = build_notice(restaurant, {"dine_in": "dining_commitment"})
    rules = material(notice, "food_safety_rules")
    assert rules.deferrable and rules.deferrable_for == [FOOD]
    health = material(notice, "health_certificate")
    assert health.deferrable and health.commitment_allowed
    layout = material(notice, "premises_layout")  # deferrable for the fire check only, not for the food licence
    assert not layout.deferrable and layout.deferrable_for == [FIRE]
    assert not material(notice, "application_form").deferrable


def test_combined_limit_is_the_critical_path_of_selected_items(restaurant_code, newborn_code):
    restaurant = get_guide_one_thing(restaurant_code)
    everything = {"dine_in": "dining_commitment", "signboard": "install"}
    # VERIFY 1 → FOOD 5 = 6; VERIFY → SIGN 3 = 4; VERIFY → FIRE 1 = 2; the sum would be 10
    notice = build_notice(restaurant, everything)
    assert notice.combined_days == 6 and notice.figures.days_before == 10

    newborn = get_guide_one_thing(newborn_code)
    full = build_notice(newborn, NEWBORN_ALL)
    assert full.combined_days == 16  # BIRTH 1 → MATERNITY 15
    no_claim = {**NEWBORN_ALL, "maternity": "settled"}
    assert build_notice(newborn, no_claim).combined_days == 8  # BIRTH 1 → HUKOU 1 → MEDICAL 1 → CARD 5
    # without HUKOU its edges go too: MEDICAL 1 → CARD 5 = 6 (keeping them would make BIRTH → HUKOU → … = 7)
    notice = build_notice(newborn, no_claim, deselected_items={pk_of(full, HUKOU)})
    assert notice.combined_days == 6
    assert item(notice, CARD).prerequisites == [MEDICAL]
    assert item(notice, CARD).outside_prerequisites == [HUKOU]


def test_figures_fees_and_delivery(restaurant_code):
    restaurant = get_guide_one_thing(restaurant_code)
    notice = build_notice(restaurant, {"org_form": "individual", "dine_in": "takeaway_only", "signboard": "no_sign"})
    # VERIFY: business_licence, id_card (individual) = 2; FOOD: application_form, business_licence,
    # food_equipment_process, premises_layout, food_safety_rules, health_certificate = 6 → 8 before, 7 types after,
    # of which the application form is generated from the one form: 6 to submit
    figures = notice.figures
    assert (figures.items, figures.departments) == (2, 1)
    assert (figures.materials_before, figures.materials_after, figures.materials_to_submit) == (8, 7, 6)
    assert (figures.days_before, figures.days_after) == (6, 6)
    assert notice.fee_total == 0 and not notice.fee_unknown
    assert [f.basis for f in notice.fees] == [
        "信息核验不收费",
        "《中华人民共和国行政许可法》第五十八条，实施行政许可不收取费用",
    ]
    assert notice.delivery_methods == ["窗口领取", "邮寄送达", "网上下载"]
