"""The "my consents" page through real HTTP, as the demo applicants."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.pages import page_body
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


NATURAL_SOURCES = (
    "人口库",
    "电子证照库",
    "卫生健康部门",
    "民政部门",
    "社保经办机构",
    "住房公积金中心",
    "残联",
    "教育部门",
)
NATURAL_SOURCES += ("不动产登记机构",)


def section_of(body: str, scope: str) -> str:
    start = body.index(f'id="scope-{scope}"')
    return body[start : body.index("</section>", start)]


def test_citizen_sees_each_source_and_what_it_supplies_about_whom(client_for):
    response = client_for("citizen").get(consents_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "我的授权" in body
    assert all(f"<h2>{source}" in body for source in NATURAL_SOURCES)
    assert f"<h2>{ConsentScope.PROFILE.label}" in body  # 一人一档, a consent like the others
    assert "市场主体库" not in body and "税务部门" not in body
    for supplied in ("公民身份号码", "户籍地址", "居民户口簿", "结婚证", "营业执照"):
        assert supplied in body  # 营业执照: one of the licence types the library holds
    population = section_of(body, "population")
    assert "<strong>本人</strong>：" in population and "<strong>新生儿及其父母</strong>：" in population
    assert "母亲公民身份号码" in population and "逝者姓名" in population and "学生姓名" in population
    assert "新生儿公民身份号码" not in body  # never filled: a newborn has no number until it is registered
    assert "另一方姓名" not in body  # the other party to a marriage: not a relative the registries know
    health = section_of(body, "health")
    assert "出生医学证明编号" in health and "死亡日期" in health and "<strong>已故近亲属</strong>：" in health
    assert body.count("同意授权") == len(NATURAL_SOURCES) + 1 and "/withdraw/" not in body
    # the applicant sees what a consent is for before giving it, and that purpose is what is stored
    assert (
        body.count("用途：办理“一件事”时自动填写申请表，并以共享数据和电子证照代替相应材料。")
        == len(NATURAL_SOURCES) + 1
    )


def test_enterprise_sees_the_market_registry_and_its_own_department_records(client_for):
    body = client_for("enterprise").get(consents_url()).content.decode()
    assert "市场主体库" in body and "法定代表人（负责人）姓名" in body and "人口库" not in body
    assert "卫生健康部门" not in body and "残联" not in body
    social = section_of(body, "social_security")
    assert "<strong>本企业</strong>：" in social and "单位社会保险登记编号" in social
    assert "退休前参保身份" not in social  # a natural person's records
    assert "增值税纳税人类型" in section_of(body, "tax")
    assert str(ConsentScope.CONSTRUCTION.label) in body and "工程（项目）名称" in section_of(body, "construction")
    assert "行驶证登记所有人" in section_of(body, "vehicle") and "经营场所地址" in section_of(body, "real_estate")
    assert str(ConsentScope.PROFILE.label) in body
    assert body.count("同意授权") == 9  # 市场主体库, 电子证照库, 税务, 社保, 公积金, 不动产, 工改, 机动车, 一人一档


def test_a_new_source_is_granted_and_withdrawn_like_the_others(client_for, user_named):
    client = client_for("retiree")
    response = client.post(reverse("shareddata:grant"), {"scope": ConsentScope.HEALTH}, follow=True)
    assert "您已授权使用卫生健康部门。" in response.content.decode()
    consent = Consent.objects.get(user=user_named("retiree"), scope=ConsentScope.HEALTH, withdrawn_at__isnull=True)
    response = client.post(reverse("shareddata:withdraw", args=[consent.pk]), follow=True)
    assert "您已撤回对卫生健康部门的授权。" in response.content.decode()
    refused = client_for("enterprise").post(reverse("shareddata:grant"), {"scope": "health"}, follow=True)
    assert "本账号不适用“卫生健康部门”授权。" in refused.content.decode()


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
    assert page_body(not_yours) == page_body(missing)  # the same answer: ids cannot be probed
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
    do_grant_consent(citizen, ConsentScope.PROFILE, acting_user=citizen, purpose=PURPOSE)
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
    assert body.count("/withdraw/") == 2  # the current profile and e-licence consents
    assert body.count("<td>撤回授权</td>") == 3 and body.count("<td>授权</td>") == 5 and "更新档案" in body
    assert len(full.captured_queries) == len(empty.captured_queries) <= 10
