"""The sources added for issue 10 part 2, the derived values and the 一人一档 consent, through the real services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import UserFacingError
from shareddata.choices import ConsentScope, EventAction, PrefillSource
from shareddata.derived import DERIVATIONS
from shareddata.models import ApplicantProfileValue, SharedDataEvent
from shareddata.services import (
    PrefilledValue,
    do_grant_consent,
    do_remember_values,
    do_withdraw_consent,
    prefill_for,
)

pytestmark = pytest.mark.django_db

PURPOSE = "预填申请表"
PREMISES = ["premises.address", "premises.area", "premises.ownership", "premises.floors"]
VEHICLE = ["vehicle.plate_number", "vehicle.vin", "vehicle.owner", "vehicle.total_mass"]
PROJECT = ["utility.project_name", "utility.service_address", "utility.power_capacity", "utility.gas_appliances"]
FIRE = ["fire.responsible_name", "fire.manager_name", "fire.manager_mobile", "fire.building_area"]


@pytest.fixture
def enterprise(user_named):
    return user_named("enterprise")


@pytest.fixture
def citizen(user_named):
    return user_named("citizen")


@pytest.fixture
def mother(user_named):
    return user_named("citizen_spouse")


@pytest.fixture
def retiree(user_named):
    return user_named("retiree")


def grant(user, *scopes):
    return [do_grant_consent(user, scope, acting_user=user, purpose=PURPOSE) for scope in scopes]


def values_of(prefilled) -> dict[str, str]:
    return {key: p.value for key, p in prefilled.items()}


# ---------------------------------------------------------------- enterprise sources


def test_the_premises_come_from_real_estate_only_with_its_consent(enterprise):
    assert prefill_for(enterprise, PREMISES) == {}
    grant(enterprise, ConsentScope.MARKET, ConsentScope.TAX)  # other sources do not open this one
    assert prefill_for(enterprise, PREMISES) == {}
    grant(enterprise, ConsentScope.REAL_ESTATE)
    values = prefill_for(enterprise, PREMISES)
    assert values_of(values) == {
        "premises.address": "河南省新乡市新乡县七里营镇演示路88号",
        "premises.area": "186.5",
        "premises.ownership": "租赁",
        "premises.floors": "1层",
    }
    assert {v.source for v in values.values()} == {PrefillSource.REAL_ESTATE}


def test_the_vehicle_registered_to_the_enterprise_needs_its_consent(enterprise, citizen):
    assert prefill_for(enterprise, VEHICLE) == {}
    grant(enterprise, ConsentScope.VEHICLE)
    values = prefill_for(enterprise, VEHICLE)
    assert values["vehicle.owner"].value == enterprise.display_name  # registered to this enterprise
    assert values["vehicle.plate_number"] == PrefilledValue("豫GD3A85", PrefillSource.VEHICLE, authoritative=False)
    with pytest.raises(UserFacingError):  # natural persons' forms have no vehicle section to fill
        grant(citizen, ConsentScope.VEHICLE)


def test_a_construction_project_fills_only_a_form_about_a_project(enterprise):
    grant(enterprise, ConsentScope.CONSTRUCTION)
    values = prefill_for(enterprise, PROJECT)
    assert values["utility.project_name"].value == "新乡县演示餐饮有限公司中央厨房建设项目"
    assert values["utility.service_address"].source == PrefillSource.CONSTRUCTION
    # a shop's connection (我要开火锅店 asks no project name): the central kitchen's address and loads are not its
    assert prefill_for(enterprise, PROJECT[1:]) == {}


def test_bank_finance_and_contact_data_come_from_the_sources_that_hold_them(enterprise):
    keys = [
        "enterprise.phone",
        "legal_person.mobile",
        "enterprise.bank_account",
        "enterprise.finance_contact",
        "housing_fund.unit_contact_name",
    ]
    grant(enterprise, ConsentScope.MARKET)
    assert set(prefill_for(enterprise, keys)) == {"enterprise.phone", "legal_person.mobile"}
    grant(enterprise, ConsentScope.TAX, ConsentScope.HOUSING_FUND)
    values = prefill_for(enterprise, keys)
    assert values["enterprise.bank_account"].source == values["enterprise.finance_contact"].source == "tax"
    assert values["housing_fund.unit_contact_name"] == PrefilledValue("赵六", PrefillSource.HOUSING_FUND, False)


# ---------------------------------------------------------------- personal sources, about the right person


def test_the_wards_residence_and_benefit_account_with_consent(retiree):
    keys = ["disabled.residence_address", "disabled.bank_account", "guardian.name"]
    grant(retiree, ConsentScope.POPULATION)
    assert "disabled.bank_account" not in prefill_for(retiree, keys)  # whose disability: the federation's record
    grant(retiree, ConsentScope.DISABILITY)
    assert "disabled.bank_account" not in prefill_for(retiree, keys)  # no social-security consent yet
    grant(retiree, ConsentScope.SOCIAL_SECURITY)
    values = values_of(prefill_for(retiree, keys))
    assert values["disabled.bank_account"] == "6228480418399011025"  # 孙明's 社会保障卡, not 孙七's
    assert values["disabled.residence_address"] == "河南省新乡市新乡县小冀镇演示街18号"


def test_the_mothers_account_only_when_she_applies(citizen, mother):
    keys = ["mother.bank_account", "mother.name"]
    for user in (citizen, mother):
        grant(user, ConsentScope.POPULATION, ConsentScope.HEALTH, ConsentScope.SOCIAL_SECURITY)
    assert set(prefill_for(citizen, keys)) == {"mother.name"}  # the father: her identity only
    assert prefill_for(mother, keys)["mother.bank_account"].value == "6212261704004418820"


# ---------------------------------------------------------------- derived values


def test_fire_safety_persons_default_to_the_legal_representative(enterprise):
    values = prefill_for(enterprise, FIRE)
    # with no consent at all: the legal representative is the account's own identity
    assert values == {
        "fire.responsible_name": PrefilledValue("王五", PrefillSource.DERIVED, authoritative=False),
        "fire.manager_name": PrefilledValue("王五", PrefillSource.DERIVED, authoritative=False),
    }
    grant(enterprise, ConsentScope.MARKET, ConsentScope.REAL_ESTATE)
    values = prefill_for(enterprise, FIRE)
    assert values["fire.manager_mobile"] == PrefilledValue("13937300155", PrefillSource.DERIVED, False)
    assert values["fire.building_area"].value == "186.5"  # the premises' area from the real-estate register
    assert "legal_person.mobile" not in values and "premises.area" not in values  # inputs are not returned


def test_a_new_project_is_a_new_connection(enterprise):
    keys = ["utility.project_name", "utility.user_category", "utility.power_business"]
    assert prefill_for(enterprise, keys) == {}
    grant(enterprise, ConsentScope.CONSTRUCTION)
    assert prefill_for(enterprise, keys)["utility.power_business"] == PrefilledValue(
        "新装", PrefillSource.DERIVED, False
    )


def test_a_value_from_a_source_or_the_profile_is_never_replaced_by_a_derived_one(enterprise):
    grant(enterprise, ConsentScope.PROFILE)
    do_remember_values(enterprise, {"fire.manager_name": "钱九"}, acting_user=enterprise)
    assert prefill_for(enterprise, ["fire.manager_name"])["fire.manager_name"] == PrefilledValue(
        "钱九", PrefillSource.PROFILE, False
    )


def test_every_derivation_cites_its_reason_and_reads_known_elements():
    from catalog.models import DataElement

    keys = set(DataElement.objects.values_list("key", flat=True))
    for rule in DERIVATIONS:
        assert rule.target in keys and set(rule.inputs) <= keys, rule.target
        assert len(rule.reason) > 20 and rule.target not in rule.inputs


# ---------------------------------------------------------------- 一人一档 is a consent


def test_without_the_profile_consent_nothing_is_kept_or_reused(citizen):
    assert do_remember_values(citizen, {"applicant.occupation": "教师"}, acting_user=citizen) == []
    assert not ApplicantProfileValue.objects.filter(user=citizen).exists()
    assert not SharedDataEvent.objects.filter(subject=citizen, action=EventAction.REMEMBER_VALUES).exists()
    # a value stored somehow (before this change) is not offered without the consent
    ApplicantProfileValue.objects.create(user=citizen, key="applicant.occupation", value="教师")
    assert "applicant.occupation" not in prefill_for(citizen, ["applicant.occupation"])
    (consent,) = grant(citizen, ConsentScope.PROFILE)
    assert prefill_for(citizen, ["applicant.occupation"])["applicant.occupation"].source == PrefillSource.PROFILE


def test_withdrawing_the_profile_consent_erases_it_and_records_which_keys(citizen):
    (consent,) = grant(citizen, ConsentScope.PROFILE)
    do_remember_values(
        citizen, {"applicant.occupation": "教师", "applicant.work_unit": "演示小学"}, acting_user=citizen
    )
    do_withdraw_consent(consent, acting_user=citizen)
    assert not ApplicantProfileValue.objects.filter(user=citizen).exists()
    erased = SharedDataEvent.objects.get(subject=citizen, action=EventAction.ERASE_PROFILE)
    assert erased.before == {"keys": ["applicant.occupation", "applicant.work_unit"]} and erased.consent == consent
    assert "教师" not in str(erased.before)  # the event says what was erased, not the values
    # granting again starts from nothing: the erased values do not come back
    grant(citizen, ConsentScope.PROFILE)
    assert "applicant.occupation" not in prefill_for(citizen, ["applicant.occupation"])


def test_withdrawing_another_consent_keeps_the_profile(citizen):
    population, _profile = grant(citizen, ConsentScope.POPULATION, ConsentScope.PROFILE)
    do_remember_values(citizen, {"applicant.occupation": "教师"}, acting_user=citizen)
    do_withdraw_consent(population, acting_user=citizen)
    assert ApplicantProfileValue.objects.filter(user=citizen).count() == 1
    assert not SharedDataEvent.objects.filter(subject=citizen, action=EventAction.ERASE_PROFILE).exists()


def test_the_profile_is_not_read_without_its_consent(citizen):
    ApplicantProfileValue.objects.create(user=citizen, key="applicant.occupation", value="教师")
    with CaptureQueriesContext(connection) as queries:
        prefill_for(citizen, ["applicant.occupation"])
    assert not any("shareddata_applicantprofilevalue" in q["sql"] for q in queries.captured_queries)
