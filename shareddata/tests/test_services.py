"""Consent, profile and pre-fill through the real services, as the demo applicants."""

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from core.errors import ConflictError, UserFacingError
from shareddata.choices import ConsentScope, EventAction, PrefillSource
from shareddata.models import ApplicantProfileValue, Consent, DemoBirth, SharedDataEvent
from shareddata.services import (
    PrefilledValue,
    do_grant_consent,
    do_remember_values,
    do_withdraw_consent,
    licences_for,
    prefill_for,
    scopes_for,
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


NEWBORN_KEYS = [
    "newborn.name",
    "newborn.gender",
    "newborn.birth_date",
    "newborn.birth_time",
    "newborn.birth_weight",
    "newborn.birth_institution",
    "newborn.birth_certificate_number",
    "newborn.first_vaccines",
    "newborn.id_number",
    "newborn.householder_name",
    "newborn.feeding_mode",
]
PARENT_KEYS = [
    "father.name",
    "father.id_number",
    "mother.name",
    "mother.id_number",
    "mother.delivery_mode",
    "mother.admission_date",
    "mother.insurance_type",
    "mother.mobile",
]
STUDENT_KEYS = [
    "student.name",
    "student.id_number",
    "student.previous_school",
    "guardian.name",
    "guardian.insurance_unit",
]
DISABLED_KEYS = ["disabled.name", "disabled.id_number", "disabled.card_number", "disabled.level", "guardian.name"]
DECEASED_KEYS = [
    "deceased.name",
    "deceased.id_number",
    "deceased.death_date",
    "deceased.death_place_type",
    "deceased.pension_type",
    "deceased.housing_fund_account",
]
FAMILY_KEYS = [*NEWBORN_KEYS, *PARENT_KEYS, *STUDENT_KEYS, *DISABLED_KEYS, *DECEASED_KEYS]
ZHANG_FAMILY = {"410721199003070010", "410721199205120020", "410721202103150020", "张三", "李四", "张子涵", "3350"}
SUN_FAMILY = {"410721196511030054", "410721199208090015", "410721193806120037", "孙七", "孙明", "孙守义"}
HEALTH_LABEL = "卫生健康部门"


class CountingSource(LocalDemoSource):
    """The demo source, counting how often each registry is asked."""

    calls: list[str] = []

    def lookup_person(self, id_number):
        CountingSource.calls.append("person")
        return super().lookup_person(id_number)

    def lookup_enterprise(self, credit_code):
        CountingSource.calls.append("enterprise")
        return super().lookup_enterprise(credit_code)

    def relatives_of(self, id_number):
        CountingSource.calls.append("relatives")
        return super().relatives_of(id_number)

    def births_to(self, parent_id_number):
        CountingSource.calls.append("births")
        return super().births_to(parent_id_number)

    def lookup_record(self, scope, holder_id, section):
        CountingSource.calls.append(f"{scope}:{section}")
        return super().lookup_record(scope, holder_id, section)


@pytest.fixture
def citizen(user_named):
    return user_named("citizen")


@pytest.fixture
def enterprise(user_named):
    return user_named("enterprise")


@pytest.fixture
def mother(user_named):
    return user_named("citizen_spouse")


@pytest.fixture
def retiree(user_named):
    return user_named("retiree")


def grant(user, scope=ConsentScope.POPULATION):
    return do_grant_consent(user, scope, acting_user=user, purpose=PURPOSE)


def grant_all(user):
    for scope in scopes_for(user):
        grant(user, scope)


def values_of(prefilled) -> dict[str, str]:
    return {key: p.value for key, p in prefilled.items()}


# ---------------------------------------------------------------- pre-fill only with consent


# Without any consent: the applicant's own identity from their account (issue 10 part 2), nothing from a registry
CITIZEN_ACCOUNT = {
    "applicant.name": PrefilledValue("张三", PrefillSource.ACCOUNT, authoritative=True),
    "applicant.id_number": PrefilledValue("410721199003070010", PrefillSource.ACCOUNT, authoritative=True),
    "applicant.mobile": PrefilledValue("13800000001", PrefillSource.ACCOUNT, authoritative=False),
}
ENTERPRISE_ACCOUNT = {
    "enterprise.name": PrefilledValue("新乡县演示餐饮有限公司", PrefillSource.ACCOUNT, authoritative=True),
    "enterprise.credit_code": PrefilledValue("91410721MA44XJ2R3B", PrefillSource.ACCOUNT, authoritative=True),
    "legal_person.name": PrefilledValue("王五", PrefillSource.ACCOUNT, authoritative=True),
}


def test_prefill_gives_only_the_accounts_identity_without_consent(citizen, enterprise):
    assert prefill_for(citizen, APPLICANT_KEYS) == CITIZEN_ACCOUNT
    assert prefill_for(enterprise, ENTERPRISE_KEYS) == ENTERPRISE_ACCOUNT  # not 所属行业: the registry's
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
        "applicant.mobile": CITIZEN_ACCOUNT["applicant.mobile"],  # no registry supplies it: the account's
    }
    assert values["applicant.name"].source_label == "人口库"

    do_withdraw_consent(consent, acting_user=citizen)
    assert prefill_for(citizen, APPLICANT_KEYS) == CITIZEN_ACCOUNT


def test_market_consent_prefills_the_enterprise(enterprise):
    grant(enterprise, ConsentScope.MARKET)
    values = prefill_for(enterprise, ENTERPRISE_KEYS)
    assert values["enterprise.name"] == PrefilledValue("新乡县演示餐饮有限公司", PrefillSource.MARKET, True)
    assert values["legal_person.name"] == PrefilledValue("王五", PrefillSource.MARKET, True)
    assert values["enterprise.industry"] == PrefilledValue("正餐服务", PrefillSource.MARKET, False)  # not locked


def test_one_source_consent_does_not_open_another(citizen, enterprise):
    grant(citizen, ConsentScope.E_LICENCE)
    assert prefill_for(citizen, APPLICANT_KEYS) == CITIZEN_ACCOUNT
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


@override_settings(SHARED_DATA_SOURCE="shareddata.tests.test_services.CountingSource")
def test_related_persons_are_looked_up_only_for_the_sections_the_form_has(citizen):
    grant_all(citizen)
    CountingSource.calls = []
    prefill_for(citizen, ["applicant.name", "applicant.marital_status"])
    assert sorted(CountingSource.calls) == ["civil_affairs:applicant", "person"]  # no relatives, births, others
    CountingSource.calls = []
    prefill_for(citizen, ["newborn.birth_weight", "father.name", "mother.name", "mother.delivery_mode"])
    # each asked once for three sections; the mother's own delivery record not at all (he is the father)
    assert sorted(CountingSource.calls) == ["births", "person", "person", "relatives"]


# ---------------------------------------------------------------- related persons (家庭成员), each with consent


def test_the_birth_registration_fills_the_newborn_with_its_source_label_only_with_health_consent(citizen):
    grant(citizen)  # population only: the registry does not know the newborn yet
    assert prefill_for(citizen, NEWBORN_KEYS + PARENT_KEYS) == {}
    health = grant(citizen, ConsentScope.HEALTH)
    values = prefill_for(citizen, NEWBORN_KEYS)
    assert values_of(values) == {
        "newborn.gender": "男",
        "newborn.birth_date": "2026-10-28",
        "newborn.birth_time": "08:46",
        "newborn.birth_weight": "3350",
        "newborn.birth_institution": "新乡县演示人民医院",
        "newborn.first_vaccines": "乙肝疫苗和卡介苗均已接种",
        "newborn.householder_name": "张三",  # both parents are in his household (人口库)
    }  # the name and the certificate come with 首签, the ID number with registration; feeding is the parents' to say
    assert values["newborn.birth_weight"] == PrefilledValue("3350", PrefillSource.HEALTH, authoritative=True)
    assert values["newborn.birth_weight"].source_label == HEALTH_LABEL
    assert values["newborn.householder_name"].source == PrefillSource.POPULATION

    do_withdraw_consent(health, acting_user=citizen)
    assert prefill_for(citizen, NEWBORN_KEYS + PARENT_KEYS) == {}


def test_the_other_parent_is_filled_by_identity_only(citizen, mother):
    grant_all(citizen)
    assert values_of(prefill_for(citizen, PARENT_KEYS)) == {
        "father.name": "张三",
        "father.id_number": "410721199003070010",
        "mother.name": "李四",
        "mother.id_number": "410721199205120020",
    }  # her delivery and insurance records are hers: not given to her husband
    grant_all(mother)
    values = prefill_for(mother, PARENT_KEYS)
    assert values_of(values) == {
        "father.name": "张三",
        "father.id_number": "410721199003070010",
        "mother.name": "李四",
        "mother.id_number": "410721199205120020",
        "mother.delivery_mode": "自然分娩",
        "mother.admission_date": "2026-10-27",
        "mother.insurance_type": "职工基本医疗保险（含生育保险）",
    }
    assert values["mother.delivery_mode"].source == PrefillSource.HEALTH
    assert values["mother.insurance_type"].source_label == "社保经办机构"


def test_consent_is_needed_for_every_source_a_value_comes_from(mother):
    grant(mother, ConsentScope.HEALTH)
    # the births are known, but without the population registry not which child is new
    assert prefill_for(mother, NEWBORN_KEYS + PARENT_KEYS) == {}
    grant(mother)
    values = prefill_for(mother, NEWBORN_KEYS + PARENT_KEYS)
    assert values["newborn.birth_date"].value == "2026-10-28" and "mother.delivery_mode" in values
    assert "mother.insurance_type" not in values
    grant(mother, ConsentScope.SOCIAL_SECURITY)
    assert prefill_for(mother, ["mother.insurance_type"])["mother.insurance_type"].value.startswith("职工")


def test_a_child_already_registered_is_not_the_newborn(citizen):
    grant_all(citizen)
    DemoBirth.objects.filter(certificate_number="").delete()  # no new baby: only 张子涵, registered in 2021
    assert prefill_for(citizen, NEWBORN_KEYS + PARENT_KEYS) == {}


def test_another_applicant_gets_none_of_that_familys_data(retiree):
    grant_all(retiree)
    values = prefill_for(retiree, FAMILY_KEYS)
    assert not ZHANG_FAMILY & set(values_of(values).values())
    assert not {k for k in values if k.split(".")[0] in ("newborn", "father", "mother", "student")}
    # 孙七's own family: his son in his care, his late father
    assert values["disabled.name"].value == "孙明" and values["deceased.name"].value == "孙守义"


def test_the_spouse_gets_her_own_familys_data_and_nobody_elses(mother, retiree):
    grant_all(mother)
    values = values_of(prefill_for(mother, FAMILY_KEYS))
    assert not SUN_FAMILY & set(values.values())
    assert values["student.name"] == "张子涵"  # her daughter too


@time_machine.travel("2026-11-23 10:00 +0800", tick=False)
def test_the_school_age_child_with_population_education_and_social_security_consent(citizen):
    grant(citizen)
    assert values_of(prefill_for(citizen, STUDENT_KEYS)) == {
        "student.name": "张子涵",  # six on 31 August 2027: she starts school in the coming school year
        "student.id_number": "410721202103150020",
        "guardian.name": "张三",
    }
    grant(citizen, ConsentScope.EDUCATION)
    grant(citizen, ConsentScope.SOCIAL_SECURITY)
    values = prefill_for(citizen, STUDENT_KEYS)
    assert values["student.previous_school"] == PrefilledValue(
        "新乡县七里营镇演示幼儿园", PrefillSource.EDUCATION, False
    )
    assert values["guardian.insurance_unit"].value == "新乡县演示机械制造有限公司"


@time_machine.travel("2026-06-01 10:00 +0800", tick=False)
def test_a_child_too_young_for_this_school_year_is_not_a_student(citizen):
    grant(citizen)
    assert "student.name" not in prefill_for(citizen, STUDENT_KEYS)  # five on 31 August 2026


def test_the_ward_is_found_only_with_disability_consent(retiree):
    grant(retiree)
    assert prefill_for(retiree, DISABLED_KEYS) == {}  # who has a disability is the federation's record
    consent = grant(retiree, ConsentScope.DISABILITY)
    values = prefill_for(retiree, DISABLED_KEYS)
    assert values_of(values) == {
        "disabled.name": "孙明",
        "disabled.id_number": "410721199208090015",
        "disabled.card_number": "41072119920809001552",
        "disabled.level": "二级",
        "guardian.name": "孙七",
    }
    assert values["disabled.level"].source_label == "残联" and values["disabled.level"].authoritative
    do_withdraw_consent(consent, acting_user=retiree)
    assert prefill_for(retiree, DISABLED_KEYS) == {}


def test_the_deceased_relative_needs_the_death_certificate(retiree):
    grant(retiree)
    grant(retiree, ConsentScope.SOCIAL_SECURITY)
    assert prefill_for(retiree, DECEASED_KEYS) == {}  # nobody is known to have died without the health authority
    grant(retiree, ConsentScope.HEALTH)
    grant(retiree, ConsentScope.HOUSING_FUND)
    values = prefill_for(retiree, DECEASED_KEYS)
    assert values_of(values) == {
        "deceased.name": "孙守义",
        "deceased.id_number": "410721193806120037",
        "deceased.death_date": "2026-11-10",
        "deceased.death_place_type": "家中",
        "deceased.pension_type": "城乡居民基本养老保险",
    }  # a farmer: no housing fund account
    assert values["deceased.death_date"] == PrefilledValue("2026-11-10", PrefillSource.HEALTH, authoritative=True)


def test_the_other_party_to_a_marriage_is_never_prefilled(citizen):
    grant_all(citizen)
    keys = ["spouse.name", "spouse.id_number", "spouse.hukou_address", "applicant.marital_status"]
    assert values_of(prefill_for(citizen, keys)) == {"applicant.marital_status": "已婚"}


def test_authoritative_related_values_are_locked_and_win_over_the_profile(citizen, retiree):
    grant(citizen, ConsentScope.PROFILE)
    grant(retiree, ConsentScope.PROFILE)
    do_remember_values(citizen, {"newborn.birth_weight": "3400", "newborn.name": "张小墨"}, acting_user=citizen)
    grant(citizen)
    grant(citizen, ConsentScope.HEALTH)
    values = prefill_for(citizen, ["newborn.birth_weight", "newborn.name"])
    assert values["newborn.birth_weight"] == PrefilledValue("3350", PrefillSource.HEALTH, authoritative=True)
    assert values["newborn.name"] == PrefilledValue("张小墨", PrefillSource.PROFILE, authoritative=False)
    # a non-authoritative value about a relative: what the applicant entered before wins
    keys = ["deceased.pension_type", "deceased.death_date"]
    do_remember_values(
        retiree, {"deceased.pension_type": "未参加", "deceased.death_date": "2026-11-11"}, acting_user=retiree
    )
    for scope in (ConsentScope.POPULATION, ConsentScope.HEALTH, ConsentScope.SOCIAL_SECURITY):
        grant(retiree, scope)
    values = prefill_for(retiree, keys)
    assert values["deceased.pension_type"] == PrefilledValue("未参加", PrefillSource.PROFILE, authoritative=False)
    assert values["deceased.death_date"] == PrefilledValue("2026-11-10", PrefillSource.HEALTH, authoritative=True)


def test_the_enterprise_gets_its_own_tax_and_social_insurance_records(enterprise):
    keys = ["tax.taxpayer_type", "tax.invoices_held", "social_insurance.unit_number", "housing_fund.unit_account"]
    grant(enterprise, ConsentScope.TAX)
    assert values_of(prefill_for(enterprise, keys)) == {
        "tax.taxpayer_type": "小规模纳税人",
        "tax.invoices_held": "true",
    }
    grant(enterprise, ConsentScope.SOCIAL_SECURITY)
    grant(enterprise, ConsentScope.HOUSING_FUND)
    values = prefill_for(enterprise, keys)
    assert values["social_insurance.unit_number"].source_label == "社保经办机构"
    assert values["housing_fund.unit_account"].value == "410721250088"


# ---------------------------------------------------------------- the applicant's profile (一人一档)


def test_profile_values_need_their_own_consent_and_registry_values_win_when_authoritative(citizen):
    grant(citizen, ConsentScope.PROFILE)
    changed = do_remember_values(
        citizen,
        {"applicant.mobile": "13800000001", "applicant.name": "张小三", "applicant.email": ""},
        acting_user=citizen,
    )
    assert changed == ["applicant.mobile", "applicant.name"]  # the empty e-mail is not remembered
    assert prefill_for(citizen, APPLICANT_KEYS) == {
        **CITIZEN_ACCOUNT,  # the account's name is verified: what was typed before does not replace it
        "applicant.mobile": PrefilledValue("13800000001", PrefillSource.PROFILE, False),
    }
    assert prefill_for(citizen, APPLICANT_KEYS, include_profile=False) == CITIZEN_ACCOUNT  # the window's view
    grant(citizen)
    values = prefill_for(citizen, APPLICANT_KEYS)
    assert values["applicant.name"] == PrefilledValue("张三", PrefillSource.POPULATION, True)
    assert values["applicant.mobile"] == PrefilledValue("13800000001", PrefillSource.PROFILE, False)


def test_the_applicants_own_entry_wins_over_a_non_authoritative_registry_value(enterprise):
    grant(enterprise, ConsentScope.PROFILE)
    do_remember_values(enterprise, {"enterprise.industry": "快餐服务"}, acting_user=enterprise)
    grant(enterprise, ConsentScope.MARKET)
    assert prefill_for(enterprise, ["enterprise.industry"])["enterprise.industry"] == PrefilledValue(
        "快餐服务", PrefillSource.PROFILE, False
    )


def test_remembering_records_what_changed_once(citizen):
    grant(citizen, ConsentScope.PROFILE)
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
    grant(citizen, ConsentScope.PROFILE)
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
