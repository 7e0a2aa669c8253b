"""The seed loader: all or nothing, every problem named, idempotent."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.loading import load_catalog
from catalog.models import CatalogChange, DataElement, ItemMaterial, OneThing, OneThingItem, ServiceItem
from core.errors import ValidationReport
from regions.models import Department

pytestmark = pytest.mark.django_db

COUNTED = [OneThing, OneThingItem, ServiceItem, ItemMaterial, Department, DataElement, CatalogChange]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in COUNTED}


def edit_yaml(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(data_dir: Path) -> list[str]:
    before = counts()
    with pytest.raises(ValidationReport) as exc:
        load_catalog(data_dir)
    assert counts() == before, "a refused load must write nothing"
    return [str(p) for p in exc.value.problems]


def test_second_load_writes_nothing():
    before = counts()
    result = load_catalog(settings.CATALOG_DATA_DIR)
    assert result.one_things_written == 0
    assert result.one_things_unchanged == OneThing.objects.filter(version=1).count()
    assert counts() == before


def test_an_override_of_an_item_the_template_lacks_is_refused(data_dir):
    def misname(doc):
        doc["adoptions"][0]["overrides"][0]["item"] = "模板里没有的事项"

    edit_yaml(data_dir / "adoptions.yaml", misname)
    problems = problems_of(data_dir)
    assert any("adoptions.yaml" in p and "overrides.item" in p and "模板里没有的事项" in p for p in problems), problems


def test_unknown_department_is_named_with_file_and_row(data_dir):
    def break_it(doc):
        doc["one_things"][1]["items"][0]["department"] = "区不存在局"

    edit_yaml(data_dir / "lists" / "002_hualong.yaml", break_it)
    problems = problems_of(data_dir)
    assert any("002_hualong.yaml" in p and "第2行" in p and "区不存在局" in p for p in problems), problems


def test_duplicate_department_code_is_refused(data_dir):
    def duplicate(doc):
        doc["departments"].append({**doc["departments"][0], "name": "另一个部门", "aliases": [], "short_name": ""})

    edit_yaml(data_dir / "departments" / "410902.yaml", duplicate)
    problems = problems_of(data_dir)
    assert any("410902.yaml" in p and "重复" in p for p in problems), problems


def test_duplicate_data_element_key_across_files_is_refused(data_dir):
    (data_dir / "dictionary" / "zz_extra.yaml").write_text(
        "data_elements:\n  - {key: applicant.name, name: 重复, type: string, source: applicant, section: applicant}\n",
        encoding="utf-8",
    )
    problems = problems_of(data_dir)
    assert any("zz_extra.yaml" in p and "applicant.name" in p and "core.yaml" in p for p in problems), problems


def test_duplicate_list_number_and_name_are_refused(data_dir):
    def duplicate(doc):
        doc["one_things"].append(dict(doc["one_things"][0]))

    edit_yaml(data_dir / "lists" / "000_minquan.yaml", duplicate)
    problems = problems_of(data_dir)
    assert any("序号 1 重复" in p for p in problems), problems
    assert any("出生一件事" in p and "已由" in p for p in problems), problems


def test_prerequisite_cycle_in_a_spec_is_refused_with_the_cycle_named(data_dir):
    spec = {
        "region": "410000",
        "template": True,
        "name": "测试循环",
        "items": [
            {"name": "甲事项", "department": "河南省民政厅", "prerequisites": ["乙事项"]},
            {"name": "乙事项", "department": "河南省民政厅", "prerequisites": ["丙事项"]},
            {"name": "丙事项", "department": "河南省民政厅", "prerequisites": ["甲事项"]},
        ],
    }
    (data_dir / "specs" / "zz_cycle.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    problems = problems_of(data_dir)
    cycle = [p for p in problems if "zz_cycle.yaml" in p and "循环" in p]
    assert cycle, problems
    assert all(name in cycle[0] for name in ("甲事项", "乙事项", "丙事项")) and "→" in cycle[0]


def test_spec_must_keep_the_items_the_seed_gives(data_dir):
    spec_path = next(p for p in (data_dir / "specs").glob("xinxiang_*.yaml"))

    def drop_item(doc):
        doc["items"] = doc["items"][1:]

    edit_yaml(spec_path, drop_item)
    problems = problems_of(data_dir)
    assert any(spec_path.name in p and "在规格中缺失" in p for p in problems), problems


def test_malformed_yaml_is_reported_by_file(data_dir):
    (data_dir / "lists" / "002_hualong.yaml").write_text("one_things: [unclosed\n", encoding="utf-8")
    problems = problems_of(data_dir)
    assert any("002_hualong.yaml" in p and "YAML" in p for p in problems), problems


def test_bad_enumeration_value_is_refused(data_dir):
    def bad(doc):
        doc["one_things"][0]["subject"] = "robot"

    edit_yaml(data_dir / "lists" / "003_xixia.yaml", bad)
    problems = problems_of(data_dir)
    assert any("003_xixia.yaml" in p and "robot" in p and "subject" in p for p in problems), problems


def test_command_prints_every_problem_and_fails(data_dir, capsys):
    def break_two(doc):
        doc["one_things"][0]["items"][0]["department"] = "甲不存在"
        doc["one_things"][2]["items"][0]["department"] = "乙不存在"

    edit_yaml(data_dir / "lists" / "002_hualong.yaml", break_two)
    with pytest.raises(CommandError, match="未写入任何内容"):
        call_command("load_catalog", data_dir=str(data_dir))
    err = capsys.readouterr().err
    assert "甲不存在" in err and "乙不存在" in err


def test_form_values_are_checked_before_anything_is_written(data_dir):
    """A settled value names an element the form asks, an option of the questionnaire, a value within the element's
    choices and a reason; each problem is named with its row and key."""

    def break_rules(doc):
        doc["form_values"] = [
            {"element": "newborn.name", "value": "某某", "reason": "不是本表字段"},
            {"element": "fire.approach", "when": "fire_mode.maybe", "value": "告知承诺方式", "reason": "未知选项"},
            {"element": "utility.gas_category", "value": "民用气", "reason": "不在选项中"},
            {"element": "signboard.text", "same_as": "enterprise.name"},
            {"element": "signboard.material", "value": "铝", "same_as": "enterprise.name", "reason": "两者都给"},
        ]

    edit_yaml(data_dir / "specs" / "minquan_hotpot.yaml", break_rules)
    problems = "\n".join(problems_of(data_dir))
    assert "确定值的数据元“newborn.name”不是本一件事表单的字段" in problems
    assert "确定值的条件“fire_mode.maybe”不是本一件事问卷的选项" in problems
    assert "数据元“utility.gas_category”的确定值“民用气”不在其选项中" in problems
    assert "数据元“signboard.text”的确定值缺少理由（reason）" in problems
    assert "数据元“signboard.material”的确定值应给出 value 或 same_as 之一" in problems


def test_form_values_are_written_with_the_one_thing_and_copied_to_its_next_version():
    from catalog.services import copy_one_thing

    hotpot = OneThing.objects.get(region__code="411421", name="我要开火锅店", version=1)
    rules = {(r["element"], r.get("when", "")): r for r in hotpot.form_values}
    assert rules[("fire.approach", "fire_mode.inspection")]["value"] == "一般程序（现场检查后许可）"
    assert rules[("utility.service_address", "")]["same_as"] == "premises.address"
    copy = copy_one_thing(hotpot, region=hotpot.region, version=2, code=hotpot.code)
    assert copy.form_values == hotpot.form_values
