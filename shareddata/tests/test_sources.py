"""The one interface in front of the shared-data sources, and the demo implementation behind it.

`check_contract` is what any SharedDataSource must do; a real exchange adapter can run it against a test double.
"""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from catalog.models import DataElement, MaterialType
from shareddata.choices import LicenceStatus
from shareddata.models import DemoLicence
from shareddata.sources import LicenceRecord, LocalDemoSource, SharedDataSource, get_source

pytestmark = pytest.mark.django_db

CITIZEN_ID = "410721199003070010"  # 张三
ENTERPRISE_CODE = "91410721MA44XJ2R3B"  # 新乡县演示餐饮有限公司


class NotASource:
    pass


def check_contract(source: SharedDataSource, *, person: str, enterprise: str) -> None:
    assert isinstance(source, SharedDataSource)
    sources = dict(DataElement.objects.values_list("key", "source"))

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


def test_local_demo_source_satisfies_the_interface():
    assert issubclass(LocalDemoSource, SharedDataSource)
    check_contract(LocalDemoSource(), person=CITIZEN_ID, enterprise=ENTERPRISE_CODE)


def test_an_incomplete_source_cannot_be_made():
    class Partial(SharedDataSource):
        def lookup_person(self, id_number):
            return None

    with pytest.raises(TypeError):
        Partial()


def test_get_source_follows_the_setting():
    assert type(get_source()) is LocalDemoSource
    with override_settings(SHARED_DATA_SOURCE="shareddata.tests.test_sources.NotASource"):
        with pytest.raises(ImproperlyConfigured):
            get_source()


def test_population_record_of_the_demo_citizen():
    assert LocalDemoSource().lookup_person(CITIZEN_ID) == {
        "applicant.id_number": CITIZEN_ID,
        "applicant.name": "张三",
        "applicant.gender": "男",
        "applicant.birth_date": "1990-03-07",
        "applicant.ethnicity": "汉族",
        "applicant.hukou_address": "河南省新乡市新乡县七里营镇演示村一组12号",
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
