"""Applicant identity on the account: validation, normalization, uniqueness; the demo applicants."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.choices import AccountKind
from accounts.demo import DEMO_APPLICANTS, load_demo_accounts
from accounts.models import User
from core.validators import validate_credit_code, validate_id_number, validate_mobile

pytestmark = pytest.mark.django_db


def new_user(username: str, **fields) -> User:
    user = User(username=username, **fields)
    user.set_password("a-long-enough-password")
    return user


def test_lowercase_x_is_stored_as_capital_x():
    user = new_user("x_person", id_number="41072119880101019x", mobile="138 0000 0009")
    user.full_clean()
    user.save()
    user.refresh_from_db()
    assert user.id_number == "41072119880101019X"
    assert user.mobile == "13800000009"


def test_invalid_numbers_are_field_errors_in_chinese():
    user = new_user(
        "bad_numbers",
        kind=AccountKind.LEGAL_PERSON,
        id_number="410721199003070011",
        credit_code="91410721MA44XJ2R3C",
        agent_id_number="41072119900307001",
        mobile="12800000001",
    )
    with pytest.raises(ValidationError) as exc:
        user.full_clean()
    errors = exc.value.message_dict
    assert errors["id_number"] == ["公民身份号码校验位（最后一位）不正确，请逐位核对。"]
    assert errors["credit_code"] == ["统一社会信用代码校验码（最后一位）不正确，请逐位核对。"]
    assert errors["agent_id_number"] == ["公民身份号码应为18位，您输入了17位。"]
    assert errors["mobile"] == ["请输入以13至19开头的11位手机号码。"]


def test_an_id_number_belongs_to_one_account(user_named):
    taken = user_named("citizen").id_number
    duplicate = new_user("second_zhang", id_number=taken.lower())
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()  # normalized first, so the lowercase spelling is caught too
    assert exc.value.messages == ["该公民身份号码已注册账号。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        new_user("second_zhang", id_number=taken).save()


def test_a_credit_code_belongs_to_one_account(user_named):
    taken = user_named("enterprise").credit_code
    duplicate = new_user("second_enterprise", kind=AccountKind.LEGAL_PERSON, credit_code=taken)
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert exc.value.messages == ["该统一社会信用代码已注册账号。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_many_accounts_may_leave_the_numbers_empty():
    # every staff account has neither number: the uniqueness only counts filled-in numbers
    assert User.objects.filter(kind=AccountKind.STAFF, id_number="", credit_code="").count() > 2
    new_user("another_staff", kind=AccountKind.STAFF).save()


def test_identity_number_is_what_registries_know_the_applicant_by(user_named):
    assert user_named("citizen").identity_number == "410721199003070010"
    assert user_named("enterprise").identity_number == "91410721MA44XJ2R3B"
    assert user_named("admin").identity_number == ""


# ---------------------------------------------------------------- demo applicants


def test_demo_applicants_have_valid_identities(user_named):
    citizen = user_named("citizen")
    assert (citizen.kind, citizen.display_name, citizen.id_number, citizen.mobile) == (
        AccountKind.NATURAL_PERSON,
        "张三",
        "410721199003070010",
        "13800000001",
    )
    enterprise = user_named("enterprise")
    assert enterprise.kind == AccountKind.LEGAL_PERSON
    assert enterprise.display_name == "新乡县演示餐饮有限公司"
    assert enterprise.legal_representative and enterprise.agent_name
    for row in DEMO_APPLICANTS:
        user = user_named(row["username"])
        user.full_clean()  # every field passes the same validators a registration form uses
        if user.kind == AccountKind.NATURAL_PERSON:
            validate_id_number(user.id_number)
        else:
            validate_credit_code(user.credit_code)
            validate_id_number(user.agent_id_number)
        validate_mobile(user.mobile)
        assert user.check_password("yijian-demo-2026")


def test_demo_loader_is_idempotent_and_repairs_identity_fields(user_named):
    count = User.objects.count()
    citizen = user_named("citizen")
    password_hash = citizen.password
    citizen.mobile = "13900000000"
    citizen.id_number = ""
    citizen.save()

    assert load_demo_accounts() == count
    assert load_demo_accounts() == count

    citizen.refresh_from_db()
    assert citizen.mobile == "13800000001"
    assert citizen.id_number == "410721199003070010"
    assert citizen.password == password_hash  # an existing account keeps its password
    assert citizen.roles.count() == 0
