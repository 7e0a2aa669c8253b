"""Identity-number and mobile validators: what is accepted, and the exact Chinese message for each mistake."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc

from core.validators import (
    birth_date_from_id_number,
    gender_from_id_number,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


def with_check_digit(first17: str) -> str:
    """An ID number whose check digit is right, so that any error is about something else."""
    return first17 + ric.calc_check_digit(first17 + "0")


def message(validator, value) -> str:
    with pytest.raises(ValidationError) as exc:
        validator(value)
    assert len(exc.value.messages) == 1
    return exc.value.messages[0]


# ---------------------------------------------------------------- 公民身份号码 (GB 11643)


@pytest.mark.parametrize(
    "number",
    [
        "410721199003070010",  # demo account `citizen`
        "41072119880101019X",  # check character X
        "410721196511030054",  # born 1965 in a county whose code stdnum's region list dates later: still accepted
    ],
)
def test_valid_id_numbers_pass(number):
    validate_id_number(number)
    assert normalize_id_number(number) == number


def test_lowercase_x_is_accepted_and_normalized_to_capital_x():
    validate_id_number("41072119880101019x")
    assert normalize_id_number("41072119880101019x") == "41072119880101019X"


def test_spaces_and_full_width_digits_are_normalized():
    typed = "４１０７２１ 1990 0307 0010"
    validate_id_number(typed)
    assert normalize_id_number(typed) == "410721199003070010"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("41072119900307001", "公民身份号码应为18位，您输入了17位。"),
        ("4107211990030700100", "公民身份号码应为18位，您输入了19位。"),
        ("", "公民身份号码应为18位，您输入了0位。"),
        ("41072119900307001A", "公民身份号码格式不正确：前17位应为数字，最后一位为数字或字母X。"),
        ("4107211990030700X0", "公民身份号码格式不正确：前17位应为数字，最后一位为数字或字母X。"),
    ],
)
def test_wrong_length_or_format(number, expected):
    assert message(validate_id_number, number) == expected


def test_bad_checksum():
    assert message(validate_id_number, "410721199003070011") == "公民身份号码校验位（最后一位）不正确，请逐位核对。"


@pytest.mark.parametrize("birth", ["19990230", "19901301", "19900431", "19000229"])
def test_birth_date_that_does_not_exist(birth):
    number = with_check_digit(f"410721{birth}001")  # the check digit is right: only the date is wrong
    assert message(validate_id_number, number) == f"公民身份号码中的出生日期（第7至14位：{birth}）不存在，请核对。"


def test_leap_day_exists():
    validate_id_number(with_check_digit("41072120000229002"))


def test_birth_date_in_the_future():
    number = with_check_digit("41072120991231001")
    assert message(validate_id_number, number) == "公民身份号码中的出生日期（第7至14位：20991231）晚于今天，请核对。"


def test_birth_date_and_gender_read_from_the_number():
    assert birth_date_from_id_number("410721199003070010").isoformat() == "1990-03-07"
    assert gender_from_id_number("410721199003070010") == "男"  # sequence 001: odd
    assert gender_from_id_number("410721199205120020") == "女"  # sequence 002: even


# ---------------------------------------------------------------- 统一社会信用代码 (GB 32100)


def test_valid_credit_code_passes_and_lowercase_is_normalized():
    validate_credit_code("91410721MA44XJ2R3B")
    validate_credit_code("91410721ma44xj2r3b")
    assert normalize_credit_code(" 91410721ma44xj2r3b ") == "91410721MA44XJ2R3B"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91410721MA44XJ2R3", "统一社会信用代码应为18位，您输入了17位。"),
        (
            "A1410721MA44XJ2R3B",
            "统一社会信用代码格式不正确：前8位应为数字，其后为数字或大写英文字母（不含I、O、Z、S、V）。",
        ),
        (
            "91410721MAI4XJ2R3B",
            "统一社会信用代码格式不正确：前8位应为数字，其后为数字或大写英文字母（不含I、O、Z、S、V）。",
        ),
        ("91410721MA44XJ2R3C", "统一社会信用代码校验码（最后一位）不正确，请逐位核对。"),
    ],
)
def test_invalid_credit_codes(code, expected):
    assert message(validate_credit_code, code) == expected


def test_credit_code_check_character_agrees_with_stdnum():
    body = "91410721MA44XJ2R3"
    assert uscc.calc_check_digit(body) == "B"
    validate_credit_code(body + uscc.calc_check_digit(body))


# ---------------------------------------------------------------- 手机号码


@pytest.mark.parametrize("mobile", ["13800000001", "19912345678", "138 0000 0001", "138-0000-0001"])
def test_valid_mobiles(mobile):
    validate_mobile(mobile)
    assert len(normalize_mobile(mobile)) == 11


@pytest.mark.parametrize("mobile", ["12800000001", "1380000000", "138000000012", "23800000001", "1380000000a", ""])
def test_invalid_mobiles(mobile):
    assert message(validate_mobile, mobile) == "请输入以13至19开头的11位手机号码。"
