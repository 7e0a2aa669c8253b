"""Consent, profile and pre-fill through the real services, as the demo applicants."""

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from core.errors import ConflictError, UserFacingError
from shareddata.choices import ConsentScope, EventAction, PrefillSource
from shareddata.models import ApplicantProfileValue, Consent, SharedDataEvent
from shareddata.services import (
    PrefilledValue,
    do_grant_consent,
    do_remember_values,
    do_withdraw_consent,
    licences_for,
    prefill_for,
)
from shareddata.sources import LocalDemoSource

pytestmark = pytest.mark.django_db

PURPOSE = "办理新生儿出生一件事时自动填写申请表"
APPLICANT_KEYS = [
    "applicant.name",
    "applicant.id_number",
    "applicant.gender",
    "applicant.birth_date",
    "applicant.hukou_address",
    "applicant.mobile",
]
ENTERPRISE_KEYS = ["enterprise.name", "enterprise.credit_code", "enterprise.industry", "legal_person.name"]


class CountingSource(LocalDemoSource):
    """The demo source, counting how often each registry is asked."""

    calls: list[str] = []

    def lookup_person(self, id_number):
        CountingSource.calls.append("person")
        return super().lookup_person(id_number)

    def lookup_enterprise(self, credit_code):
        CountingSource.calls.append("enterprise")
        return super().lookup_enterprise(credit_code)


@pytest.fixture
def citizen(user_named):
    return user_named("citizen")


@pytest.fixture
def enterprise(user_named):
    return user_named("enterprise")


def grant(user, scope=ConsentScope.POPULATION):
    return do_grant_consent(user, scope, acting_user=user, purpose=PURPOSE)


# ---------------------------------------------------------------- pre-fill only with consent


def test_prefill_gives_nothing_without_consent(citizen, enterprise):
    assert prefill_for(citizen, APPLICANT_KEYS) == {}
    assert prefill_for(enterprise, ENTERPRISE_KEYS) == {}
    assert licences_for(citizen) == []


def test_prefill_gives_population_values_after_consent_and_nothing_after_withdrawal(citizen):
    consent = grant(citizen)
    values = prefill_for(citizen, APPLICANT_KEYS)
    assert values == {
        "applicant.name": PrefilledValue("张三", PrefillSource.POPULATION, authoritative=True),
        "applicant.id_number": PrefilledValue("410721199003070010", PrefillSource.POPULATION, authoritative=True),
        "applicant.gender": PrefilledValue("男", PrefillSource.POPULATION, authoritative=True),
        "applicant.birth_date": PrefilledValue("1990-03-07", PrefillSource.POPULATION, authoritative=True),
        "applicant.hukou_address": PrefilledValue(
            "河南省新乡市新乡县七里营镇演示村一组12号", PrefillSource.POPULATION, authoritative=True
        ),
    }  # applicant.mobile is the applicant's to enter: no registry supplies it
    assert values["applicant.name"].source_label == "人口库"

    do_withdraw_consent(consent, acting_user=citizen)
    assert prefill_for(citizen, APPLICANT_KEYS) == {}


def test_market_consent_prefills_the_enterprise(enterprise):
    grant(enterprise, ConsentScope.MARKET)
    values = prefill_for(enterprise, ENTERPRISE_KEYS)
    assert values["enterprise.name"] == PrefilledValue("新乡县演示餐饮有限公司", PrefillSource.MARKET, True)
    assert values["legal_person.name"] == PrefilledValue("王五", PrefillSource.MARKET, True)
    assert values["enterprise.industry"] == PrefilledValue("正餐服务", PrefillSource.MARKET, False)  # not locked


def test_one_source_consent_does_not_open_another(citizen, enterprise):
    grant(citizen, ConsentScope.E_LICENCE)
    assert prefill_for(citizen, APPLICANT_KEYS) == {}
    assert {lic.type for lic in licences_for(citizen)} == {"居民身份证", "居民户口簿", "结婚证", "社会保障卡"}
    grant(enterprise, ConsentScope.E_LICENCE)
    assert [lic.type for lic in licences_for(enterprise)] == ["营业执照"]


@override_settings(SHARED_DATA_SOURCE="shareddata.tests.test_services.CountingSource")
def test_a_registry_is_asked_only_for_what_the_form_needs(citizen):
    CountingSource.calls = []
    prefill_for(citizen, APPLICANT_KEYS)
    assert CountingSource.calls == []  # no consent: not asked at all
    grant(citizen)
    prefill_for(citizen, ["applicant.mobile", "premises.address"])
    assert CountingSource.calls == []  # nothing the population registry supplies
    prefill_for(citizen, ["applicant.name", "applicant.mobile"])
    assert CountingSource.calls == ["person"]


# ---------------------------------------------------------------- the applicant's profile (一人一档)


def test_profile_values_need_no_consent_and_registry_values_win_when_authoritative(citizen):
    changed = do_remember_values(
        citizen,
        {"applicant.mobile": "13800000001", "applicant.name": "张小三", "applicant.email": ""},
        acting_user=citizen,
    )
    assert changed == ["applicant.mobile", "applicant.name"]  # the empty e-mail is not remembered
    assert prefill_for(citizen, APPLICANT_KEYS) == {
        "applicant.mobile": PrefilledValue("13800000001", PrefillSource.PROFILE, False),
        "applicant.name": PrefilledValue("张小三", PrefillSource.PROFILE, False),
    }
    grant(citizen)
    values = prefill_for(citizen, APPLICANT_KEYS)
    assert values["applicant.name"] == PrefilledValue("张三", PrefillSource.POPULATION, True)
    assert values["applicant.mobile"] == PrefilledValue("13800000001", PrefillSource.PROFILE, False)


def test_the_applicants_own_entry_wins_over_a_non_authoritative_registry_value(enterprise):
    do_remember_values(enterprise, {"enterprise.industry": "快餐服务"}, acting_user=enterprise)
    grant(enterprise, ConsentScope.MARKET)
    assert prefill_for(enterprise, ["enterprise.industry"])["enterprise.industry"] == PrefilledValue(
        "快餐服务", PrefillSource.PROFILE, False
    )


def test_remembering_records_what_changed_once(citizen):
    do_remember_values(citizen, {"applicant.occupation": "教师"}, acting_user=citizen)
    assert do_remember_values(citizen, {"applicant.occupation": "教师"}, acting_user=citizen) == []
    do_remember_values(citizen, {"applicant.occupation": "工程师"}, acting_user=citizen)
    events = list(SharedDataEvent.objects.filter(subject=citizen, action=EventAction.REMEMBER_VALUES).order_by("id"))
    assert [(e.before, e.after) for e in events] == [
        ({"applicant.occupation": None}, {"applicant.occupation": "教师"}),
        ({"applicant.occupation": "教师"}, {"applicant.occupation": "工程师"}),
    ]
    assert ApplicantProfileValue.objects.get(user=citizen, key="applicant.occupation").value == "工程师"


def test_unknown_keys_are_refused_and_nothing_is_stored(citizen):
    with pytest.raises(ValueError, match="applicant.favourite_colour"):
        do_remember_values(
            citizen, {"applicant.mobile": "13800000001", "applicant.favourite_colour": "蓝"}, acting_user=citizen
        )
    assert not ApplicantProfileValue.objects.filter(user=citizen).exists()


def test_nobody_else_changes_an_applicants_profile(citizen, user_named):
    with pytest.raises(UserFacingError):
        do_remember_values(citizen, {"applicant.mobile": "13900000000"}, acting_user=user_named("citizen_spouse"))
    assert not ApplicantProfileValue.objects.filter(user=citizen).exists()


# ---------------------------------------------------------------- consent and its history


def test_grant_and_withdraw_record_who_when_before_and_after(citizen):
    consent = grant(citizen)
    (granted,) = SharedDataEvent.objects.filter(subject=citizen)
    assert (granted.action, granted.actor, granted.actor_label, granted.consent) == (
        EventAction.GRANT_CONSENT,
        citizen,
        "张三",
        consent,
    )
    assert granted.at == consent.granted_at
    assert granted.before is None
    assert granted.after == {
        "scope": "population",
        "purpose": PURPOSE,
        "granted_at": consent.granted_at.isoformat(),
        "withdrawn_at": None,
    }

    do_withdraw_consent(consent, acting_user=citizen)
    consent.refresh_from_db()
    withdrawn = SharedDataEvent.objects.get(subject=citizen, action=EventAction.WITHDRAW_CONSENT)
    assert withdrawn.actor == citizen and withdrawn.at == consent.withdrawn_at
    assert withdrawn.before == granted.after
    assert withdrawn.after == {**granted.after, "withdrawn_at": consent.withdrawn_at.isoformat()}


def test_granting_again_while_current_changes_nothing(citizen):
    first = grant(citizen)
    assert grant(citizen) == first
    assert SharedDataEvent.objects.filter(subject=citizen).count() == 1


def test_withdrawing_twice_is_refused(citizen):
    consent = grant(citizen)
    do_withdraw_consent(consent, acting_user=citizen)
    with pytest.raises(ConflictError, match="该授权已于.*撤回。"):
        do_withdraw_consent(consent, acting_user=citizen)


def test_consent_after_withdrawal_is_a_new_consent(citizen):
    first = grant(citizen)
    do_withdraw_consent(first, acting_user=citizen)
    second = grant(citizen)
    assert second.pk != first.pk and second.is_current and not Consent.objects.get(pk=first.pk).is_current
    assert prefill_for(citizen, ["applicant.name"])["applicant.name"].value == "张三"


def test_one_applicant_cannot_withdraw_anothers_consent(citizen, user_named):
    consent = grant(citizen)
    with pytest.raises(UserFacingError, match="只有申请人本人"):
        do_withdraw_consent(consent, acting_user=user_named("citizen_spouse"))
    with pytest.raises(UserFacingError, match="只有申请人本人"):
        do_grant_consent(citizen, ConsentScope.E_LICENCE, acting_user=user_named("xinxiang_window"), purpose=PURPOSE)
    assert Consent.objects.get(pk=consent.pk).is_current
    assert SharedDataEvent.objects.filter(subject=citizen).count() == 1


def test_refused_grants(citizen, user_named):
    with pytest.raises(UserFacingError) as exc:
        grant(citizen, ConsentScope.MARKET)
    assert exc.value.message == "本账号不适用“市场主体库”授权。"
    admin = user_named("admin")
    with pytest.raises(UserFacingError):
        grant(admin, ConsentScope.POPULATION)  # staff have no registry record to share
    with pytest.raises(UserFacingError) as exc:
        do_grant_consent(citizen, ConsentScope.POPULATION, acting_user=citizen, purpose="  ")
    assert exc.value.message == "请说明授权用途。"
    assert not Consent.objects.filter(user__in=[citizen, admin]).exists()


def test_at_most_one_current_consent_per_source(citizen):
    grant(citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(user=citizen, scope=ConsentScope.POPULATION, purpose="x", granted_at=timezone.now())


def test_events_are_append_only(citizen):
    grant(citizen)
    event = SharedDataEvent.objects.get(subject=citizen)
    event.actor_label = "someone else"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
