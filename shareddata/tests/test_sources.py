"""The one interface in front of the shared-data sources, and the demo implementation behind it.

`check_contract` is what any SharedDataSource must do; a real exchange adapter can run it against a test double.
"""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from catalog.models import DataElement, MaterialType
from shareddata.choices import DEPARTMENT_SCOPES, ConsentScope, LicenceStatus, Relation
from shareddata.models import DemoLicence
from shareddata.sources import (
    BirthRecord,
    Household,
    LicenceRecord,
    LocalDemoSource,
    Relative,
    SharedDataSource,
    get_source,
)

pytestmark = pytest.mark.django_db

CITIZEN_ID = "410721199003070010"  # 张三
SPOUSE_ID = "410721199205120020"  # 李四
DAUGHTER_ID = "410721202103150020"  # 张子涵
RETIREE_ID = "410721196511030054"  # 孙七
FATHER_OF_RETIREE_ID = "410721193806120037"  # 孙守义
ENTERPRISE_CODE = "91410721MA44XJ2R3B"  # 新乡县演示餐饮有限公司


class NotASource:
    pass


def check_contract(source: SharedDataSource, *, person: str, enterprise: str, parent: str, deceased: str) -> None:
    """`person` has a spouse and a household; `parent` is named on a birth certificate; `deceased` has a death
    certificate."""
    assert isinstance(source, SharedDataSource)
    sources = dict(DataElement.objects.values_list("key", "source"))
    sections = dict(DataElement.objects.values_list("key", "section"))

    record = source.lookup_person(person)
    assert record["applicant.id_number"] == person
    assert record["applicant.name"]
    assert all(isinstance(v, str) for v in record.values())
    assert {sources.get(key) for key in record} == {"population"}  # only what the population registry supplies
    assert source.lookup_person(person.lower()) == record  # any case and spacing
    assert source.lookup_person("110101199001010011") is None  # valid number, not in the registry

    record = source.lookup_enterprise(enterprise)
    assert record["enterprise.credit_code"] == enterprise
    assert {sources.get(key) for key in record} == {"market"}
    assert source.lookup_enterprise(enterprise.lower()) == record
    assert source.lookup_enterprise("91110000600037341L") is None

    licence_types = set(MaterialType.objects.values_list("licence_type", flat=True))
    for holder in (person, enterprise):
        licences = source.licences_of(holder)
        assert licences and all(isinstance(lic, LicenceRecord) for lic in licences)
        assert all(lic.holder_id == holder and lic.type in licence_types for lic in licences)
        assert all(lic.status in LicenceStatus.values for lic in licences)
    assert source.licences_of("110101199001010011") == []

    relatives = source.relatives_of(person)
    assert relatives and all(isinstance(r, Relative) and r.relation in Relation.values for r in relatives)
    assert all(source.lookup_person(r.id_number)["applicant.name"] == r.name for r in relatives)
    assert source.relatives_of(person.lower()) == relatives
    assert source.relatives_of("110101199001010011") == []
    household = source.household_of(person)
    assert isinstance(household, Household) and household.number and household.householder_name
    assert source.household_of("110101199001010011") is None

    births = source.births_to(parent)
    assert births and all(
        isinstance(b, BirthRecord) and parent in (b.mother_id_number, b.father_id_number) for b in births
    )
    dates = [b.values["newborn.birth_date"] for b in births]
    assert dates == sorted(dates, reverse=True)  # newest first
    for birth in births:
        assert birth.record_number
        assert birth.values.get("newborn.birth_certificate_number", "") == birth.certificate_number
        assert {(sources[k], sections[k]) for k in birth.values} == {("health", "newborn")}
    assert source.births_to("110101199001010011") == []

    record = source.lookup_record(ConsentScope.HEALTH, deceased, "deceased")
    assert record["deceased.death_date"] and all(isinstance(v, str) for v in record.values())
    assert {(sources[k], sections[k]) for k in record} == {("health", "deceased")}  # that source, that section
    assert source.lookup_record(ConsentScope.HEALTH, deceased, "retiree") is None
    assert source.lookup_record(ConsentScope.TAX, deceased, "deceased") is None
    assert source.lookup_record(ConsentScope.HEALTH, "110101199001010011", "deceased") is None


def test_local_demo_source_satisfies_the_interface():
    assert issubclass(LocalDemoSource, SharedDataSource)
    check_contract(
        LocalDemoSource(),
        person=CITIZEN_ID,
        enterprise=ENTERPRISE_CODE,
        parent=SPOUSE_ID,
        deceased=FATHER_OF_RETIREE_ID,
    )


def test_an_incomplete_source_cannot_be_made():
    class Partial(SharedDataSource):
        def lookup_person(self, id_number):
            return None

    with pytest.raises(TypeError):
        Partial()


def test_get_source_follows_the_setting():
    assert type(get_source()) is LocalDemoSource
    with (
        override_settings(SHARED_DATA_SOURCE="shareddata.tests.test_sources.NotASource"),
        pytest.raises(ImproperlyConfigured),
    ):
        get_source()


def test_population_record_of_the_demo_citizen():
    assert LocalDemoSource().lookup_person(CITIZEN_ID) == {
        "applicant.id_number": CITIZEN_ID,
        "applicant.name": "张三",
        "applicant.gender": "男",
        "applicant.birth_date": "1990-03-07",
        "applicant.ethnicity": "汉族",
        "applicant.hukou_address": "河南省新乡市新乡县七里营镇演示村一组12号",
        "applicant.residence_address": "河南省新乡市新乡县七里营镇演示村一组12号",  # 现住址 (lives at home)
    }


def test_market_record_names_the_legal_representative(user_named):
    record = LocalDemoSource().lookup_enterprise(ENTERPRISE_CODE)
    enterprise = user_named("enterprise")
    assert record["enterprise.name"] == enterprise.display_name
    assert record["legal_person.name"] == enterprise.legal_representative == "王五"


def test_licence_status_valid_expired_revoked():
    source = LocalDemoSource()
    by_type = {lic.type: lic for lic in source.licences_of("410721199205120020")}  # 李四
    assert by_type["居民身份证"].status == LicenceStatus.VALID and by_type["居民身份证"].is_valid
    assert by_type["健康证明"].valid_until == datetime.date(2025, 6, 2)
    assert by_type["健康证明"].status == LicenceStatus.EXPIRED and not by_type["健康证明"].is_valid

    DemoLicence.objects.filter(holder_id=ENTERPRISE_CODE, licence_type="营业执照").update(status=LicenceStatus.REVOKED)
    (licence,) = source.licences_of(ENTERPRISE_CODE)
    assert (licence.type, licence.number, licence.valid_until, licence.status) == (
        "营业执照",
        ENTERPRISE_CODE,
        None,
        LicenceStatus.REVOKED,
    )


def test_family_relations_read_both_ways():
    source = LocalDemoSource()
    assert source.relatives_of(CITIZEN_ID) == [
        Relative(Relation.CHILD, DAUGHTER_ID, "张子涵", same_household=True),
        Relative(Relation.SPOUSE, SPOUSE_ID, "李四", same_household=True),
    ]
    assert Relative(Relation.PARENT, CITIZEN_ID, "张三", same_household=True) in source.relatives_of(DAUGHTER_ID)
    assert [(r.relation, r.name) for r in source.relatives_of(RETIREE_ID)] == [
        (Relation.CHILD, "孙明"),
        (Relation.PARENT, "孙守义"),
        (Relation.SPOUSE, "周八"),
    ]
    assert source.household_of(SPOUSE_ID) == Household("410721100234", CITIZEN_ID, "张三")
    assert source.household_of("410702198508160034") is None  # 王五: no household in the demo data


def test_births_and_department_records():
    source = LocalDemoSource()
    newest, older = source.births_to(CITIZEN_ID)
    assert (newest.mother_id_number, newest.father_id_number) == (SPOUSE_ID, CITIZEN_ID)
    assert newest.values["newborn.birth_date"] == "2026-10-28"
    assert newest.certificate_number == "" and "newborn.name" not in newest.values  # both come with 首签
    assert older.certificate_number == older.values["newborn.birth_certificate_number"] == "T410631207"
    assert older.values["newborn.name"] == "张子涵"
    assert source.births_to(RETIREE_ID) == []
    assert set(DEPARTMENT_SCOPES) == set(ConsentScope.values) - {"population", "market", "e_licence", "profile"}
    assert source.lookup_record(ConsentScope.DISABILITY, "410721199208090015", "disabled") == {
        "disabled.card_number": "41072119920809001552",
        "disabled.category": "智力残疾",
        "disabled.level": "二级",
    }
    assert source.lookup_record(ConsentScope.TAX, ENTERPRISE_CODE.lower(), "tax")["tax.taxpayer_type"] == "小规模纳税人"
