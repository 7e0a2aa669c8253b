"""Login by mobile number and a one-time code, through the real login page, as the demo applicants."""

import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import OneTimeCode
from notifications.choices import Channel, MessageStatus
from notifications.models import Message

pytestmark = pytest.mark.django_db

CITIZEN_MOBILE = "13800000001"  # 张三 (accounts/demo.py)
UNKNOWN_MOBILE = "13912345678"
LOGIN_URL = reverse("accounts:login_mobile")
WRONG_CODE_FIRST = "验证码不正确，还可尝试4次。"
TOO_MANY = "验证码错误次数过多，请重新获取。"


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """POST "send me a code" (the SMS is delivered as the request's transaction commits); the response."""

    def post(client: Client, mobile: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(LOGIN_URL, {"action": "send", "mobile": mobile, **extra})

    return post


def log_in(client: Client, mobile: str, code: str, **extra):
    return client.post(LOGIN_URL, {"action": "login", "mobile": mobile, "code": code, **extra})


def code_sent_to(mobile: str) -> str:
    message = Message.objects.filter(mobile=mobile, kind="otp").latest("created_at")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def logged_in_id(client: Client):
    return client.session.get(SESSION_KEY)


def make_older(mobile: str, seconds: int) -> None:
    """Move this number's codes into the past, as if asked for `seconds` earlier."""
    for otp in OneTimeCode.objects.filter(mobile=mobile):
        otp.created_at -= datetime.timedelta(seconds=seconds)
        otp.expires_at -= datetime.timedelta(seconds=seconds)
        otp.save()


def test_citizen_logs_in_with_the_code_from_the_sms(client_for, user_named, ask):
    client = client_for(None)
    response = ask(client, "138 0000 0001", next="/shared-data/consents/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "如该手机号码已注册申请人账号，验证码已通过短信发送，5分钟内有效。" in body
    assert 'name="code"' in body and 'value="/shared-data/consents/"' in body

    message = Message.objects.get(kind="otp")
    assert (message.recipient, message.mobile, message.channel) == (user_named("citizen"), CITIZEN_MOBILE, Channel.SMS)
    assert message.status == MessageStatus.SENT  # delivered by the console sender
    code = code_sent_to(CITIZEN_MOBILE)
    assert message.body == f"您的登录验证码为 {code}，5分钟内有效。请勿告知他人。"
    otp = OneTimeCode.objects.get(mobile=CITIZEN_MOBILE)
    assert code not in otp.code_hash  # never stored in clear

    response = log_in(client, CITIZEN_MOBILE, code, next="/shared-data/consents/")
    assert response.status_code == 302 and response["Location"] == "/shared-data/consents/"
    assert logged_in_id(client) == str(user_named("citizen").pk)
    assert client.get("/shared-data/consents/").status_code == 200
    otp.refresh_from_db()
    assert otp.used_at is not None

    again = client_for(None)
    response = log_in(again, CITIZEN_MOBILE, code)
    assert "该验证码已使用，请重新获取。" in response.content.decode()
    assert logged_in_id(again) is None


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "", "123"])
def test_next_outside_the_site_is_ignored(client_for, ask, next_url):
    client = client_for(None)
    ask(client, CITIZEN_MOBILE)
    response = log_in(client, CITIZEN_MOBILE, code_sent_to(CITIZEN_MOBILE), next=next_url)
    assert response.status_code == 302 and response["Location"] == reverse("catalog:index")


def test_a_wrong_code_is_a_field_message(client_for, ask):
    client = client_for(None)
    ask(client, CITIZEN_MOBILE)
    wrong = "000000" if code_sent_to(CITIZEN_MOBILE) != "000000" else "111111"
    response = log_in(client, CITIZEN_MOBILE, wrong)
    assert response.status_code == 200
    assert WRONG_CODE_FIRST in response.context["login_form"].errors["code"]
    assert logged_in_id(client) is None
    assert OneTimeCode.objects.get(mobile=CITIZEN_MOBILE).attempts == 1

    response = log_in(client, CITIZEN_MOBILE, "12ab")
    assert response.context["login_form"].errors["code"] == ["请输入短信中的6位数字验证码。"]
    assert OneTimeCode.objects.get(mobile=CITIZEN_MOBILE).attempts == 1  # not a try: not a code at all


def test_five_wrong_codes_lock_the_code(client_for, ask):
    client = client_for(None)
    ask(client, CITIZEN_MOBILE)
    code = code_sent_to(CITIZEN_MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    messages = [log_in(client, CITIZEN_MOBILE, wrong).context["login_form"].errors["code"][0] for _ in range(5)]
    assert messages == [
        WRONG_CODE_FIRST,
        "验证码不正确，还可尝试3次。",
        "验证码不正确，还可尝试2次。",
        "验证码不正确，还可尝试1次。",
        TOO_MANY,
    ]
    response = log_in(client, CITIZEN_MOBILE, code)  # even the right code, now
    assert response.context["login_form"].errors["code"] == [TOO_MANY]
    assert logged_in_id(client) is None


def test_an_expired_code_is_refused(client_for, ask):
    client = client_for(None)
    ask(client, CITIZEN_MOBILE)
    make_older(CITIZEN_MOBILE, 5 * 60)
    response = log_in(client, CITIZEN_MOBILE, code_sent_to(CITIZEN_MOBILE))
    assert response.context["login_form"].errors["code"] == ["验证码已过期，请重新获取。"]
    assert logged_in_id(client) is None


def test_only_the_newest_code_counts(client_for, ask):
    client = client_for(None)
    ask(client, CITIZEN_MOBILE)
    first = code_sent_to(CITIZEN_MOBILE)
    make_older(CITIZEN_MOBILE, 61)
    ask(client, CITIZEN_MOBILE)
    second = code_sent_to(CITIZEN_MOBILE)
    if first != second:
        assert log_in(client, CITIZEN_MOBILE, first).context["login_form"].errors["code"] == [WRONG_CODE_FIRST]
    assert log_in(client, CITIZEN_MOBILE, second).status_code == 302


def test_a_code_is_asked_for_first(client_for):
    response = log_in(client_for(None), "13800000004", "123456")
    assert response.context["login_form"].errors["code"] == ["请先获取验证码。"]


def test_rate_limit_one_code_a_minute_and_five_an_hour(client_for, ask):
    client = client_for(None)
    ask(client, CITIZEN_MOBILE)
    response = ask(client, CITIZEN_MOBILE)
    body = response.content.decode()
    assert re.search(r"该手机号码1分钟内已获取过验证码，请\d+秒后再重新获取。", body)
    assert 'name="code"' in body  # the code sent a moment ago can still be entered
    assert Message.objects.filter(kind="otp").count() == 1

    for _ in range(4):
        make_older(CITIZEN_MOBILE, 61)
        assert "验证码已通过短信发送" in ask(client, CITIZEN_MOBILE).content.decode()
    make_older(CITIZEN_MOBILE, 61)
    body = ask(client, CITIZEN_MOBILE).content.decode()
    assert "该手机号码1小时内获取验证码已达5次，请稍后再试。" in body
    assert Message.objects.filter(kind="otp").count() == 5

    make_older(CITIZEN_MOBILE, 60 * 60 - 5 * 61)  # the first of the five is now more than an hour old
    assert "验证码已通过短信发送" in ask(client, CITIZEN_MOBILE).content.decode()
    assert Message.objects.filter(kind="otp").count() == 6


def _comparable(response, mobile: str) -> str:
    body = response.content.decode().replace(mobile, "MOBILE")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_an_unknown_number_gets_the_same_answer_and_nothing_is_sent(client_for, ask):
    known = ask(client_for(None), CITIZEN_MOBILE)
    unknown = ask(client_for(None), UNKNOWN_MOBILE)
    assert known.status_code == unknown.status_code == 200
    assert _comparable(known, CITIZEN_MOBILE) == _comparable(unknown, UNKNOWN_MOBILE)
    assert not Message.objects.filter(mobile=UNKNOWN_MOBILE).exists()

    # the rate limit and the code checks answer alike too
    assert _comparable(ask(client_for(None), CITIZEN_MOBILE), CITIZEN_MOBILE) == _comparable(
        ask(client_for(None), UNKNOWN_MOBILE), UNKNOWN_MOBILE
    )
    response = log_in(client_for(None), UNKNOWN_MOBILE, "123456")
    assert response.context["login_form"].errors["code"] == [WRONG_CODE_FIRST]


def test_a_staff_mobile_gets_nothing_and_cannot_log_in(client_for, user_named, ask):
    staff = user_named("xinxiang_window")
    staff.mobile = "13800000009"
    staff.save()
    client = client_for(None)
    response = ask(client, staff.mobile)
    assert "如该手机号码已注册申请人账号，验证码已通过短信发送" in response.content.decode()
    assert not Message.objects.filter(mobile=staff.mobile).exists()
    assert OneTimeCode.objects.get(mobile=staff.mobile).user is None
    response = log_in(client, staff.mobile, "123456")
    assert response.context["login_form"].errors["code"] == [WRONG_CODE_FIRST]
    assert logged_in_id(client) is None


def test_a_number_shared_by_two_applicant_accounts_gets_nothing(user_named, ask, client_for):
    spouse = user_named("citizen_spouse")
    spouse.mobile = CITIZEN_MOBILE  # ambiguous: which account? They log in with their password
    spouse.save()
    ask(client_for(None), CITIZEN_MOBILE)
    assert not Message.objects.filter(kind="otp").exists()


def test_an_inactive_applicant_gets_nothing(user_named, ask, client_for):
    citizen = user_named("citizen")
    citizen.is_active = False
    citizen.save()
    ask(client_for(None), CITIZEN_MOBILE)
    assert not Message.objects.filter(kind="otp").exists()


@pytest.mark.parametrize(
    ("mobile", "error"),
    [
        ("12800000001", "请输入以13至19开头的11位手机号码。"),
        ("1380000000", "请输入以13至19开头的11位手机号码。"),
        ("", "请输入手机号码。"),
    ],
)
def test_an_invalid_mobile_is_a_field_message_in_chinese(client_for, ask, mobile, error):
    response = ask(client_for(None), mobile)
    assert response.status_code == 200
    assert response.context["mobile_form"].errors["mobile"] == [error]
    assert error in response.content.decode()
    assert not OneTimeCode.objects.exists()


def test_login_pages_link_to_each_other_keeping_next(client_for):
    client = client_for(None)
    body = client.get(reverse("accounts:login"), {"next": "/shared-data/consents/"}).content.decode()
    assert f'href="{LOGIN_URL}?next=/shared-data/consents/"' in body
    assert "短信验证码登录" in body
    body = client.get(LOGIN_URL, {"next": "/shared-data/consents/"}).content.decode()
    assert f'href="{reverse("accounts:login")}?next=/shared-data/consents/"' in body
    assert 'name="mobile"' in body and 'value="/shared-data/consents/"' in body
    assert "开发者发件箱" not in body  # no page points anyone to where login codes could be read

    body = client.get(LOGIN_URL, {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in body


def test_the_password_login_still_works(client_for):
    client = client_for(None)
    response = client.post(
        reverse("accounts:login"),
        {"username": "citizen", "password": "yijian-demo-2026", "next": "/shared-data/consents/"},
    )
    assert response.status_code == 302 and response["Location"] == "/shared-data/consents/"
