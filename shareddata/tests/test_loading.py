"""load_demo_shared_data: all or nothing, idempotent, consistent with the demo accounts."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from accounts.choices import AccountKind
from accounts.demo import DEMO_APPLICANTS
from accounts.models import User
from core.errors import ValidationReport
from shareddata.loading import DEMO_DATA_FILE, load_demo_shared_data
from shareddata.models import DemoEnterprise, DemoLicence, DemoPerson
from shareddata.sources import LocalDemoSource

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        list(DemoPerson.objects.values_list("id_number", "name", "values")),
        list(DemoEnterprise.objects.values_list("credit_code", "name", "values")),
        list(DemoLicence.objects.values_list("licence_type", "number", "holder_id", "valid_until", "status")),
    )


def test_loading_twice_changes_nothing():
    before = snapshot()
    first = load_demo_shared_data()
    second = load_demo_shared_data()
    assert first == second
    assert (first.people, first.enterprises, first.licences) == (5, 1, 14)
    assert snapshot() == before


def test_the_file_is_the_truth():
    DemoPerson.objects.create(id_number="410721200001010012", name="多余的人")
    DemoLicence.objects.filter(licence_type="营业执照").update(holder_name="改过的名称")
    load_demo_shared_data()
    assert not DemoPerson.objects.filter(name="多余的人").exists()
    assert DemoLicence.objects.get(licence_type="营业执照").holder_name == "新乡县演示餐饮有限公司"


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
    before = snapshot()

    with pytest.raises(ValidationReport) as exc:
        load_demo_shared_data(write(tmp_path, doc))

    reasons = [str(p) for p in exc.value.problems]
    assert any("公民身份号码校验位" in r for r in reasons)
    assert any("“applicant.gender”" in r and "应为女" in r for r in reasons)
    assert any("“applicant.favourite_colour”" in r and "不是数据元目录中的数据元" in r for r in reasons)
    assert any("“enterprise.name”" in r and "来源是“market”" in r for r in reasons)
    assert any("会员卡" in r for r in reasons)
    assert snapshot() == before


def test_command_reports_and_refuses_a_bad_file(tmp_path):
    out = StringIO()
    call_command("load_demo_shared_data", stdout=out)
    assert "人口库 5 人" in out.getvalue()
    with pytest.raises(CommandError, match="未写入任何内容"):
        call_command(
            "load_demo_shared_data", file=str(write(tmp_path, {"people": ["not a mapping"]})), stderr=StringIO()
        )
