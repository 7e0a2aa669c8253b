"""merge_form, validate_values and the draft services on the seed catalog."""

import pytest

from accounts.models import User
from core.errors import UserFacingError
from oneform import services
from oneform.choices import DraftEventAction
from oneform.models import ApplicationDraft, DraftEvent

pytestmark = pytest.mark.django_db

VERIFY = "企业营业执照信息核验"
FOOD = "食品经营许可"
SIGN = "户外招牌设施设置规范管理"
FIRE = "公众聚集场所投入使用、营业前消防安全检查"
CARD = "社会保障卡申领"
MEDICAL = "办理居民医保登记"

# exact texts of core.validators in the zh_Hans catalogue
ID_CHECKSUM = "公民身份号码校验位（最后一位）不正确，请逐位核对。"
CREDIT_CHECKSUM = "统一社会信用代码校验码（最后一位）不正确，请逐位核对。"
MOBILE = "请输入以13至19开头的11位手机号码。"


def all_items(one_thing):
    return list(one_thing.items.all())


def field(form, key):
    return next(f for f in form.fields if f.key == key)


def test_restaurant_merges_fields_by_data_element(restaurant):
    form = services.merge_form(restaurant, all_items(restaurant))
    assert form.items == [VERIFY, FOOD, SIGN, FIRE]
    assert form.keys.count("enterprise.name") == 1
    name = field(form, "enterprise.name")
    assert name.used_by == [VERIFY, FOOD, SIGN, FIRE]
    assert name.label == "企业名称"  # the items disagree (名称…, 场所名称, none): the element's name
    assert name.required
    address = field(form, "premises.address")
    assert address.used_by == [FOOD, SIGN, FIRE]
    assert field(form, "enterprise.credit_code").used_by == [VERIFY, FOOD]
    assert field(form, "enterprise.type").label == "组织形式"  # one item, its own label
    assert field(form, "premises.seats").required is False
    # 8 + 10 + 9 + 9 fields one by one; 29 distinct data elements
    assert (form.fields_before, form.fields_after) == (36, 29)
    assert form.fields_after == len(form.keys) == len(set(form.keys))


def test_restaurant_sections_put_the_applicant_first_then_the_subject(restaurant):
    form = services.merge_form(restaurant, all_items(restaurant))
    assert [s.key for s in form.sections] == ["enterprise", "legal_person", "premises", "food", "signboard", "fire"]
    assert [s.title for s in form.sections] == ["企业", "法定代表人", "经营场所", "食品经营", "户外招牌", "消防安全"]


def test_deselected_items_contribute_no_fields(restaurant):
    items = [it for it in all_items(restaurant) if it.service_item.name in (VERIFY, FOOD)]
    form = services.merge_form(restaurant, items)
    assert form.items == [VERIFY, FOOD]
    assert "signboard.text" not in form.keys and "fire.approach" not in form.keys
    assert field(form, "enterprise.name").used_by == [VERIFY, FOOD]
    assert (form.fields_before, form.fields_after) == (18, 15)


def test_newborn_merges_mother_and_newborn_fields_and_puts_delivery_last(newborn):
    form = services.merge_form(newborn, all_items(newborn))
    mother_name = field(form, "mother.name")
    assert CARD in mother_name.used_by and MEDICAL in mother_name.used_by
    assert len(mother_name.used_by) >= 5
    assert mother_name.label == mother_name.name  # the items disagree: the element's name
    assert "监护人（母亲）姓名" in mother_name.other_labels
    assert form.keys.count("newborn.name") == 1
    assert form.fields_before > form.fields_after
    sections = [s.key for s in form.sections]
    assert sections[:2] == ["newborn", "mother"]
    assert sections[-1] == "delivery"
    assert form.sections[-1].title == "送达"
    assert field(form, "delivery.method").label == "社保卡领取方式"  # the only item asking agrees with itself


def test_validation_messages_are_chinese_and_exact(restaurant):
    form = services.merge_form(restaurant, all_items(restaurant))
    errors = services.validate_values(
        form,
        {
            "enterprise.name": "新乡县演示餐饮有限公司",
            "enterprise.credit_code": "91410721MA44XJ2R3C",
            "legal_person.id_number": "410721199003070011",
            "legal_person.mobile": "1380000",
            "enterprise.type": "公司",
            "food.online_sales": "maybe",
            "premises.area": "八十",
            "fire.max_occupancy": "12.5",
            "premises.seats": "",  # optional and empty: fine
        },
    )
    assert errors["enterprise.credit_code"] == CREDIT_CHECKSUM
    assert errors["legal_person.id_number"] == ID_CHECKSUM
    assert errors["legal_person.mobile"] == MOBILE
    assert errors["enterprise.type"].startswith("请从以下选项中选择：有限责任公司、股份有限公司")
    assert errors["food.online_sales"] == "请选择“是”或“否”。"
    assert errors["premises.area"] == "请输入数字，例如 12.5。"
    assert errors["fire.max_occupancy"] == "请输入整数。"
    assert errors["signboard.text"] == "此项为必填项。"
    assert "enterprise.name" not in errors and "premises.seats" not in errors


def test_validation_of_dates_lengths_and_patterns(newborn, retirement):
    form = services.merge_form(newborn, all_items(newborn))
    errors = services.validate_values(form, {"newborn.birth_date": "2026-02-30", "mother.name": "李" * 51})
    assert errors["newborn.birth_date"] == "请按“年-月-日”格式填写日期，例如 2026-03-07。"
    assert errors["mother.name"] == "最多可填写 50 个字符，您输入了 51 个。"
    assert "newborn.birth_date" not in services.validate_values(form, {"newborn.birth_date": "2026-02-28"})
    form = services.merge_form(retirement, all_items(retirement))
    errors = services.validate_values(form, {"applicant.bank_account": "62-22"})
    assert errors["applicant.bank_account"] == "银行账号格式不正确，请核对。"


def test_validate_values_never_raises_on_odd_input(restaurant):
    form = services.merge_form(restaurant, all_items(restaurant))
    values = {"premises.area": "NaN", "fire.max_occupancy": 12, "premises.seats": None, "unknown.key": object()}
    errors = services.validate_values(form, values)
    assert errors["premises.area"] == "请输入数字，例如 12.5。"  # not a finite number
    assert "fire.max_occupancy" not in errors  # a non-string value is read as text
    assert "premises.seats" not in errors and "unknown.key" not in errors


def test_saving_keeps_every_value_and_records_the_changed_keys(restaurant):
    user = User.objects.get(username="enterprise")
    answers = {"q": {"dine_in": "dining_commitment"}, "skip": [], "lic": []}
    draft = services.do_save_draft(
        user, restaurant, answers, {"legal_person.mobile": "1380000", "premises.seats": "40"}, acting_user=user
    )
    assert draft.values == {"legal_person.mobile": "1380000", "premises.seats": "40"}  # the bad one kept too
    draft = services.do_save_draft(user, restaurant, answers, {"premises.seats": "42"}, acting_user=user)
    assert draft.values == {"legal_person.mobile": "1380000", "premises.seats": "42"}
    assert ApplicationDraft.objects.filter(user=user, one_thing=restaurant).count() == 1
    events = list(DraftEvent.objects.filter(draft=draft).order_by("id"))
    assert [e.action for e in events] == [DraftEventAction.SAVE_DRAFT] * 2
    assert events[1].before == {"premises.seats": "40"} and events[1].after == {"premises.seats": "42"}
    assert events[1].actor == user
    services.do_save_draft(user, restaurant, answers, {"premises.seats": "42"}, acting_user=user)
    assert DraftEvent.objects.filter(draft=draft).count() == 2  # nothing changed, nothing recorded


def test_only_the_applicant_saves_their_own_draft(restaurant):
    user = User.objects.get(username="enterprise")
    other = User.objects.get(username="citizen")
    with pytest.raises(UserFacingError):
        services.do_save_draft(user, restaurant, {}, {"premises.seats": "1"}, acting_user=other)
    assert not ApplicationDraft.objects.filter(user=user).exists()
