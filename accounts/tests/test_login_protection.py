"""Issue 11 part 4: lockout after repeated failures (per account, per address; site and admin), the password
policy, password change for everyone, the staff idle timeout and the TOTP second factor — through the real pages."""

from __future__ import annotations

import io
import time

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_SEEN
from accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.security]

PASSWORD = "yijian-demo-2026"  # every demo account's (accounts/demo.py)
LOGIN = "/accounts/login/"


def attempt(client: Client, username: str, password: str, ip: str = "10.9.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def test_an_account_is_locked_after_five_wrong_passwords_then_unlocked_by_an_administrator():
    client = Client()
    for _ in range(4):
        assert attempt(client, "xinxiang_window", "wrong-password", ip=f"10.9.1.{_}").status_code == 200
    locked = attempt(client, "xinxiang_window", "wrong-password", ip="10.9.1.9")  # 5th, from yet another address
    assert locked.status_code == 429 and "登录暂时受限" in locked.content.decode()
    right = attempt(Client(), "xinxiang_window", PASSWORD, ip="10.9.2.1")  # even the right password, from elsewhere
    assert right.status_code == 429 and "_auth_user_id" not in right.wsgi_request.session
    assert attempt(Client(), "xixia_window", PASSWORD, ip="10.9.2.1").status_code == 302  # others are not concerned

    call_command("axes_reset_username", "xinxiang_window", stdout=io.StringIO())
    assert attempt(Client(), "xinxiang_window", PASSWORD, ip="10.9.2.1").status_code == 302


def test_an_address_is_locked_after_five_failures_whatever_the_accounts_and_the_admin_login_too():
    client = Client()
    for name in ("citizen", "retiree", "enterprise", "xixia_window", "nobody-at-all"):
        attempt(client, name, "wrong-password", ip="10.9.3.3")
    assert attempt(client, "citizen_spouse", PASSWORD, ip="10.9.3.3").status_code == 429
    admin = client.post("/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.9.3.3")
    assert admin.status_code == 429 and "登录暂时受限" in admin.content.decode()
    assert attempt(Client(), "citizen_spouse", PASSWORD, ip="10.9.3.4").status_code == 302


def test_the_admin_login_counts_failures_like_the_site():
    for _ in range(5):
        Client().post("/admin/login/", {"username": "admin", "password": "nope"}, REMOTE_ADDR=f"10.9.4.{_}")
    assert attempt(Client(), "admin", PASSWORD, ip="10.9.4.9").status_code == 429


@pytest.mark.parametrize(
    "password",
    [
        "410721199003070010",
        "Zs13800000001!",
        "ab19900307cd",
        "12345678901",
        "abcdefghij",
        "qwertyuiop!",
        "aaaaaaaaaaaa",
    ],
)
def test_the_password_policy_refuses_own_identifiers_and_simple_patterns(password):
    citizen = User.objects.get(username="citizen")  # 410721199003070010, 13800000001
    with pytest.raises(ValidationError):
        validate_password(password, citizen)


def test_a_good_password_passes_the_policy():
    validate_password("Hu4#mountain-river", User.objects.get(username="citizen"))


def test_every_user_changes_their_password_from_the_account_page(client_for):
    client = client_for("citizen")
    page = client.get("/").content.decode()
    assert 'href="/accounts/security/"' in page
    assert 'href="/accounts/password/"' in client.get("/accounts/security/").content.decode()
    refused = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "zs410721199003070010", "new_password2": "zs410721199003070010"},
    )
    assert refused.status_code == 200 and "不得包含您的身份证号码" in refused.content.decode()
    assert User.objects.get(username="citizen").check_password(PASSWORD)
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Hu4#mountain-river", "new_password2": "Hu4#mountain-river"},
    )
    assert done.status_code == 302 and User.objects.get(username="citizen").check_password("Hu4#mountain-river")
    assert client.get("/cases/").status_code == 200  # still logged in on this session


def test_an_applicant_without_a_password_sets_one(client_for):
    citizen = User.objects.get(username="citizen")
    citizen.set_unusable_password()
    citizen.save()
    client = client_for("citizen")
    response = client.post(
        "/accounts/password/", {"new_password1": "Hu4#mountain-river", "new_password2": "Hu4#mountain-river"}
    )
    assert response.status_code == 302 and User.objects.get(pk=citizen.pk).check_password("Hu4#mountain-river")


def test_a_staff_session_ends_after_the_idle_time_and_an_applicants_does_not(client_for, settings):
    settings.STAFF_IDLE_MINUTES = 30
    staff = client_for("xinxiang_window")
    assert staff.get("/window/").status_code == 200
    session = staff.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = staff.get("/window/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fwindow%2F"
    assert staff.get("/window/").status_code == 302  # logged out for good
    assert "30 分钟未操作" in staff.get(response["Location"]).content.decode()  # the login page says why

    applicant = client_for("citizen")
    session = applicant.session
    session[LAST_SEEN] = int(time.time()) - 3 * 3600
    session.save()
    assert applicant.get("/cases/").status_code == 200


def test_an_administrator_sets_up_the_second_factor_before_anything_else():
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin)
    response = client.get("/window/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?next=")
    setup = client.get(response["Location"], follow=True)
    assert setup.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")
    text = setup.content.decode()
    assert "<svg" in text and "系统管理员必须使用两步验证" in text
    assert client.get("/admin/").status_code == 302  # the admin site too

    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    throttled = client.post("/accounts/two-factor/setup/", {"code": code_of(device)})  # right, but too soon
    assert throttled.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    with time_machine.travel(time.time() + 5, tick=True):  # the wait after a failure doubles each time (django-otp)
        done = client.post("/accounts/two-factor/setup/", {"code": code_of(device), "next": "/window/"})
    assert done.status_code == 302 and done["Location"] == "/window/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 200
    off = client.post("/accounts/two-factor/disable/", {"code": code_of(device)})
    assert off.status_code == 302 and TOTPDevice.objects.filter(user=admin, confirmed=True).exists()  # required


def test_staff_who_turned_the_second_factor_on_enter_a_code_after_the_password():
    window = User.objects.get(username="xinxiang_window")
    client = Client()
    assert attempt(client, "xinxiang_window", PASSWORD).status_code == 302
    assert client.get("/window/").status_code == 200  # optional for staff: off until they turn it on
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=window)
    client.post("/accounts/two-factor/setup/", {"code": code_of(device)})

    again = Client()
    traveller = time_machine.travel(time.time() + 60, tick=True)  # a new code: each code is accepted once
    traveller.start()
    assert attempt(again, "xinxiang_window", PASSWORD).status_code == 302
    response = again.get("/window/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/?next=%2Fwindow%2F"
    refused = again.post("/accounts/two-factor/", {"code": "12ab"})
    assert refused.status_code == 200 and "验证码只能由数字组成" in refused.content.decode()
    device.refresh_from_db()
    ok = again.post("/accounts/two-factor/", {"code": code_of(device), "next": "/window/"})
    assert ok.status_code == 302 and ok["Location"] == "/window/"
    assert again.get("/window/").status_code == 200
    replayed = Client()
    attempt(replayed, "xinxiang_window", PASSWORD)
    assert replayed.post("/accounts/two-factor/", {"code": code_of(device)}).status_code == 200  # used once
    traveller.stop()
