"""load_demo_shared_data: all or nothing, idempotent, consistent with the demo accounts and the one form."""

from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import AccountKind
from accounts.demo import DEMO_APPLICANTS
from accounts.models import User
from catalog.models import DataElement
from core.errors import ValidationReport
from oneform.services import MergedField, validate_values
from shareddata.choices import ConsentScope, Relation
from shareddata.loading import DEMO_DATA_FILE, load_demo_shared_data
from shareddata.models import DemoBirth, DemoEnterprise, DemoLicence, DemoPerson, DemoRecord, DemoRelation
from shareddata.sources import LocalDemoSource

pytestmark = pytest.mark.django_db

SUN_QI = "410721196511030054"  # 孙七 (account `retiree`)
ZHOU_BA = "410721196704210043"  # his wife


def snapshot() -> tuple:
    return (
        list(DemoPerson.objects.values_list("id_number", "name", "values", "household", "householder")),
        list(DemoEnterprise.objects.values_list("credit_code", "name", "values")),
        list(DemoLicence.objects.values_list("licence_type", "number", "holder_id", "valid_until", "status")),
        list(DemoRelation.objects.values_list("person__id_number", "relation", "relative__id_number")),
        list(DemoBirth.objects.values_list("record_number", "certificate_number", "father_id_number", "values")),
        list(DemoRecord.objects.values_list("source", "holder_id", "section", "values")),
    )


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_loading_twice_changes_nothing_and_the_second_run_writes_nothing():
    before = snapshot()
    first = load_demo_shared_data()
    with CaptureQueriesContext(connection) as second_run:
        second = load_demo_shared_data()
    assert first == second
    assert (first.people, first.enterprises, first.licences) == (11, 1, 16)
    assert (first.relations, first.births, first.records) == (7, 2, 30)
    assert snapshot() == before
    assert writes(second_run.captured_queries) == []


def test_the_file_is_the_truth():
    DemoPerson.objects.create(id_number="410721200001010012", name="多余的人")
    DemoLicence.objects.filter(licence_type="营业执照").update(holder_name="改过的名称")
    DemoRecord.objects.create(source=ConsentScope.HEALTH, holder_id=SUN_QI, section="deceased", values={})
    DemoRecord.objects.filter(source=ConsentScope.DISABILITY).update(values={"disabled.level": "一级"})
    DemoRelation.objects.filter(relation=Relation.SPOUSE).update(relation=Relation.CHILD)
    DemoPerson.objects.filter(id_number=SUN_QI).update(household="", householder=False)
    load_demo_shared_data()
    assert not DemoPerson.objects.filter(name="多余的人").exists()
    assert DemoLicence.objects.get(licence_type="营业执照").holder_name == "新乡县演示餐饮有限公司"
    assert not DemoRecord.objects.filter(holder_id=SUN_QI, section="deceased").exists()
    assert DemoRecord.objects.get(source=ConsentScope.DISABILITY).values["disabled.level"] == "二级"
    assert DemoRelation.objects.filter(relation=Relation.SPOUSE).count() == 2
    assert DemoPerson.objects.filter(id_number=SUN_QI, household="410721100871", householder=True).exists()


def test_every_demo_value_is_one_the_one_form_accepts():
    """What a source supplies is shown in the form (locked when authoritative): it must pass the form's checks."""
    values = {k: v for person in DemoPerson.objects.all() for k, v in person.as_elements().items()}
    values |= {k: v for e in DemoEnterprise.objects.all() for k, v in e.as_elements().items()}
    for row in [*DemoBirth.objects.all(), *DemoRecord.objects.all()]:
        values |= row.values
    fields = [
        MergedField(
            key=e.key,
            label=e.name,
            name=e.name,
            type=e.type,
            required=False,
            used_by=[],
            section=e.section,
            source=e.source,
            authoritative=e.authoritative,
            choices=e.choices,
            max_length=e.max_length,
            pattern=e.pattern,
        )
        for e in DataElement.objects.filter(key__in=values)
    ]
    assert len(fields) == len(values)
    assert validate_values(SimpleNamespace(fields=fields), values) == {}


def test_family_records_agree_with_each_other():
    source = LocalDemoSource()
    spouse = next(r for r in source.relatives_of(SUN_QI) if r.relation == Relation.SPOUSE)
    marriage = source.lookup_record(ConsentScope.CIVIL_AFFAIRS, SUN_QI, "retiree")
    assert (marriage["retiree.spouse_name"], marriage["retiree.spouse_id_number"]) == (spouse.name, spouse.id_number)
    assert spouse.id_number == ZHOU_BA
    only_child = source.lookup_record(ConsentScope.HEALTH, SUN_QI, "retiree")["retiree.only_child_name"]
    assert [r.name for r in source.relatives_of(SUN_QI) if r.relation == Relation.CHILD] == [only_child]
    for birth in DemoBirth.objects.all():  # both parents named on a certificate are married to each other
        assert birth.father_id_number in [
            r.id_number for r in source.relatives_of(birth.mother_id_number) if r.relation == Relation.SPOUSE
        ]


def test_every_demo_applicant_is_known_to_the_registries():
    source = LocalDemoSource()
    for row in DEMO_APPLICANTS:
        user = User.objects.get(username=row["username"])
        if user.kind == AccountKind.NATURAL_PERSON:
            assert source.lookup_person(user.id_number)["applicant.name"] == user.display_name
        else:
            record = source.lookup_enterprise(user.credit_code)
            assert record["enterprise.name"] == user.display_name
            assert record["legal_person.name"] == user.legal_representative
            assert source.lookup_person(record["legal_person.id_number"])["applicant.name"] == user.legal_representative
            assert source.lookup_person(user.agent_id_number)["applicant.name"] == user.agent_name
        assert source.licences_of(user.identity_number), user.username


def write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_a_bad_file_writes_nothing_and_names_every_problem(tmp_path):
    doc = yaml.safe_load(DEMO_DATA_FILE.read_text(encoding="utf-8"))
    doc["people"][0]["applicant.id_number"] = "410721199003070011"  # bad check digit
    doc["people"][1]["applicant.gender"] = "男"  # 李四's number is a woman's
    doc["people"][2]["applicant.favourite_colour"] = "蓝"  # not a data element
    doc["people"][3]["enterprise.name"] = "某公司"  # a market element listed under the population registry
    doc["licences"][0]["type"] = "会员卡"  # not a licence type of any material
    doc["relations"][0]["relative"] = "110101199001010011"  # valid number, not a person in the file
    doc["births"][0]["values"]["mother.delivery_mode"] = "自然分娩"  # the mother's record, not the certificate's
    doc["records"][0]["values"]["mother.delivery_mode"] = "顺产"  # not one of the element's choices
    doc["records"].append(
        {
            "source": "health",
            "holder": ZHOU_BA,
            "section": "retiree",
            "values": {"retiree.contribution_months": "12"},
        }
    )  # a social-security element
    before = snapshot()

    with pytest.raises(ValidationReport) as exc:
        load_demo_shared_data(write(tmp_path, doc))

    reasons = [str(p) for p in exc.value.problems]
    assert any("公民身份号码校验位" in r for r in reasons)
    assert any("“applicant.gender”" in r and "应为女" in r for r in reasons)
    assert any("“applicant.favourite_colour”" in r and "不是数据元目录中的数据元" in r for r in reasons)
    assert any("“enterprise.name”" in r and "来源是“market”" in r for r in reasons)
    assert any("会员卡" in r for r in reasons)
    assert any("relations" in r and "110101199001010011 不在 people 中" in r for r in reasons)
    assert any("“mother.delivery_mode”" in r and "属于“mother”部分，不是“newborn”" in r for r in reasons)
    assert any("“顺产”不是可选值" in r for r in reasons)
    assert any("“retiree.contribution_months”" in r and "来源是“social_security”，不是“health”" in r for r in reasons)
    assert snapshot() == before


def test_command_reports_and_refuses_a_bad_file(tmp_path):
    out = StringIO()
    call_command("load_demo_shared_data", stdout=out)
    assert "人口库 11 人（家庭关系 7 条）" in out.getvalue() and "出生登记 2 条，部门记录 30 条" in out.getvalue()
    with pytest.raises(CommandError, match="未写入任何内容"):
        call_command(
            "load_demo_shared_data", file=str(write(tmp_path, {"people": ["not a mapping"]})), stderr=StringIO()
        )
