"""The "my consents" page through real HTTP, as the demo applicants."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shareddata.choices import ConsentScope
from shareddata.models import Consent, SharedDataEvent
from shareddata.services import do_grant_consent, do_remember_values, do_withdraw_consent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("shareddata.tests.urls")]

PURPOSE = "测试"


def consents_url() -> str:
    return reverse("shareddata:consents")


@pytest.mark.parametrize(("username", "status"), [(None, 302), ("admin", 404), ("xinxiang_window", 404)])
def test_only_applicants_have_the_page(client_for, username, status):
    response = client_for(username).get(consents_url())
    assert response.status_code == status
    if status == 302:
        assert reverse("accounts:login") in response["Location"]


def test_citizen_sees_each_source_and_what_it_supplies(client_for):
    response = client_for("citizen").get(consents_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "我的授权" in body
    assert "人口库" in body and "电子证照库" in body and "市场主体库" not in body
    for supplied in ("公民身份号码", "户籍地址", "居民户口簿", "结婚证", "营业执照"):
        assert supplied in body  # 营业执照: one of the licence types the library holds
    assert "新生儿公民身份号码" not in body  # what the registry knows of others is not the applicant's to share
    assert body.count("同意授权") == 2 and "/withdraw/" not in body
    # the applicant sees what a consent is for before giving it, and that purpose is what is stored
    assert body.count("用途：办理“一件事”时自动填写申请表，并以共享数据和电子证照代替相应材料。") == 2


def test_enterprise_sees_the_market_registry(client_for):
    body = client_for("enterprise").get(consents_url()).content.decode()
    assert "市场主体库" in body and "法定代表人（负责人）姓名" in body and "人口库" not in body


def test_grant_then_withdraw_through_the_page(client_for, user_named):
    client = client_for("citizen")
    response = client.post(reverse("shareddata:grant"), {"scope": ConsentScope.POPULATION}, follow=True)
    consent = Consent.objects.get(user=user_named("citizen"), scope=ConsentScope.POPULATION)
    assert consent.is_current
    assert consent.purpose == "办理“一件事”时自动填写申请表，并以共享数据和电子证照代替相应材料。"
    body = response.content.decode()
    assert "您已授权使用人口库。" in body and "已授权" in body
    assert reverse("shareddata:withdraw", args=[consent.pk]) in body

    response = client.post(reverse("shareddata:withdraw", args=[consent.pk]), follow=True)
    consent.refresh_from_db()
    assert not consent.is_current
    assert "您已撤回对人口库的授权。" in response.content.decode()
    assert SharedDataEvent.objects.filter(consent=consent).count() == 2

    response = client.post(reverse("shareddata:withdraw", args=[consent.pk]), follow=True)
    assert "该授权已于" in response.content.decode()  # refused with a message, nothing recorded
    assert SharedDataEvent.objects.filter(consent=consent).count() == 2


def test_a_scope_that_does_not_apply_is_refused_with_a_message(client_for, user_named):
    response = client_for("citizen").post(reverse("shareddata:grant"), {"scope": "market"}, follow=True)
    assert "本账号不适用“市场主体库”授权。" in response.content.decode()
    assert not Consent.objects.filter(user=user_named("citizen")).exists()


def test_anothers_consent_is_not_found(client_for, user_named):
    citizen = user_named("citizen")
    consent = do_grant_consent(citizen, ConsentScope.POPULATION, acting_user=citizen, purpose=PURPOSE)
    spouse = client_for("citizen_spouse")
    not_yours = spouse.post(reverse("shareddata:withdraw", args=[consent.pk]))
    missing = spouse.post(reverse("shareddata:withdraw", args=[consent.pk + 100000]))
    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content == missing.content  # the same answer: ids cannot be probed
    assert Consent.objects.get(pk=consent.pk).is_current


def test_changes_need_post_and_a_csrf_token(user_named):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_named("citizen"))
    assert client.get(reverse("shareddata:grant")).status_code == 405
    assert client.post(reverse("shareddata:grant"), {"scope": "population"}).status_code == 403
    token = client.get(consents_url()).cookies["csrftoken"].value
    response = client.post(reverse("shareddata:grant"), {"scope": "population", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Consent.objects.filter(user=user_named("citizen"), withdrawn_at__isnull=True).count() == 1


def test_page_shows_profile_and_history_with_a_fixed_number_of_queries(client_for, user_named):
    citizen = user_named("citizen")
    client = client_for("citizen")
    with CaptureQueriesContext(connection) as empty:
        client.get(consents_url())
    do_remember_values(
        citizen, {"applicant.occupation": "教师", "applicant.residence_address": "演示路1号"}, acting_user=citizen
    )
    for _ in range(3):
        consent = do_grant_consent(citizen, ConsentScope.POPULATION, acting_user=citizen, purpose=PURPOSE)
        do_withdraw_consent(consent, acting_user=citizen)
    do_grant_consent(citizen, ConsentScope.E_LICENCE, acting_user=citizen, purpose=PURPOSE)
    with CaptureQueriesContext(connection) as full:
        response = client.get(consents_url())
    body = response.content.decode()
    assert "职业" in body and "教师" in body and "演示路1号" in body
    assert body.count("/withdraw/") == 1  # the current e-licence consent
    assert body.count("<td>撤回授权</td>") == 3 and body.count("<td>授权</td>") == 4 and "更新档案" in body
    assert len(full.captured_queries) == len(empty.captured_queries) <= 10
