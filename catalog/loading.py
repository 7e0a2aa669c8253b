"""Load the seed catalog from `data/` (see docs/catalog-data.md), all or nothing, idempotently.

Reading happens in two passes: every file is validated first and every problem collected (file, row, field,
reason); only when there is none is anything written, in one transaction. Each one-thing is read into a
catalog.plans.OneThingPlan and written by the catalog services (services.do_load_one_thing, services.ServiceItems),
the writer the Excel import uses too. A one-thing whose source data is unchanged since the last load is left alone,
so a second load writes nothing; a published one whose data changed gets a new version, the old one staying for its
cases (docs/catalog-data.md, "Loading again").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from core.errors import Problem, UserFacingError, ValidationReport
from core.graphs import find_cycle
from regions.choices import DepartmentKind, RegionLevel
from regions.models import Department, Region
from regions.services import normalise_spelling, resolve_cell

from . import services
from .choices import (
    DataSource,
    ElementType,
    ItemKind,
    ItemLevel,
    LifeStage,
    MaterialForm,
    MaterialProvider,
    MaterialRequirement,
    MaterialSource,
    ResultKind,
    Subject,
)
from .models import (
    Batch,
    DataElement,
    ItemFormField,
    ItemMaterial,
    MaterialType,
    OneThing,
    ServiceItem,
)
from .plans import OneThingPlan, PlannedItem, PlannedOption, PlannedOverride, PlannedQuestion

ITEM_DETAIL_KEYS = {
    "kind", "subject", "legal_basis", "conditions", "legal_days", "promised_days", "fee", "result",
    "review_points", "materials", "fields",
}  # fmt: skip


# Guide elements of a spec (docs/catalog-data.md), copied to OneThing fields of the same name.
GUIDE_TEXT_KEYS = ("intermediary_services", "special_steps", "enquiry", "remedies", "photo_note", "special_notes")
GUIDE_FLAG_KEYS = ("appointment_required", "in_person_required", "all_parties_present")


GENERATED_MATERIAL_TYPE = "application_form"  # 申请表: generated from the one form unless the spec says otherwise


def provided_by(material: dict) -> str:
    """Who supplies an item's material: `provided_by` as the spec says; an `application_form` without it is
    generated from the one form (一表申请), any other material is the applicant's."""
    if material.get("provided_by"):
        return str(material["provided_by"])
    return MaterialProvider.FORM if material.get("type") == GENERATED_MATERIAL_TYPE else MaterialProvider.APPLICANT


@dataclass
class LoadResult:
    regions: int = 0
    departments: int = 0
    data_elements: int = 0
    material_types: int = 0
    one_things_written: int = 0  # version 1 made, a listed version edited, or a new version published
    one_things_unchanged: int = 0
    one_things_new_versions: int = 0  # of those written: a published version superseded by a new one
    one_things_kept_retired: int = 0  # changed in the files, but retired in the catalog: left alone
    service_items: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def count(self, outcome: str) -> None:
        """Count what services.do_load_one_thing did with one one-thing."""
        if outcome == services.LOAD_UNCHANGED:
            self.one_things_unchanged += 1
        elif outcome == services.LOAD_KEPT_RETIRED:
            self.one_things_kept_retired += 1
        else:
            self.one_things_written += 1
            self.one_things_new_versions += outcome == services.LOAD_NEW_VERSION


@dataclass(eq=False)
class _Dept:
    region: str
    code: str
    name: str
    short_name: str
    aliases: list[str]
    kind: str


@dataclass
class _Plan:
    """Everything read and validated from the files, before anything is written."""

    regions: list[dict] = field(default_factory=list)
    departments: list[_Dept] = field(default_factory=list)
    elements: dict[str, dict] = field(default_factory=dict)
    materials: dict[str, dict] = field(default_factory=dict)
    lists: list[dict] = field(default_factory=list)
    specs: list[dict] = field(default_factory=list)
    adoptions: list[dict] = field(default_factory=list)
    item_details: dict[tuple[str, str, str], dict] = field(default_factory=dict)


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _values(choices) -> set[str]:
    return {c.value for c in choices}


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader, C-accelerated when available
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, None, None, f"不是有效的 YAML 文件：{exc}"))
        return None


class CatalogLoader:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.problems: list[Problem] = []
        self.plan = _Plan()
        self._region_parent: dict[str, str | None] = {}
        self._dept_index: dict[str, dict[str, _Dept]] = {}

    # ------------------------------------------------------------------ reading and validation
    def problem(self, where: str, reason: str, row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(where, row, column, reason))

    def read(self) -> _Plan:
        self._read_regions()
        self._read_departments()
        self._read_dictionary()
        self._read_lists()
        self._read_specs()
        self._read_adoptions()
        if self.problems:
            raise ValidationReport(self.problems)
        return self.plan

    def _read_regions(self) -> None:
        path = self.data_dir / "regions.yaml"
        doc = _read_yaml(path, self.problems) or {}
        for i, r in enumerate(doc.get("regions", []), 1):
            code = str(r.get("code", ""))
            if not code.isdigit() or len(code) != 6:
                self.problem(path.name, f"区划代码“{code}”应为 6 位数字（GB/T 2260）", i, "code")
                continue
            if r.get("level") not in _values(RegionLevel):
                self.problem(path.name, f"未知层级“{r.get('level')}”", i, "level")
            if code in self._region_parent:
                self.problem(path.name, f"区划代码“{code}”重复", i, "code")
            self._region_parent[code] = str(r["parent"]) if r.get("parent") else None
            self.plan.regions.append({**r, "code": code})
        for code, parent in self._region_parent.items():
            if parent and parent not in self._region_parent:
                self.problem(path.name, f"“{code}”的上级区划“{parent}”不存在", None, "parent")

    def region_chain(self, code: str) -> list[str]:
        chain = []
        node: str | None = code
        while node and node not in chain:
            chain.append(node)
            node = self._region_parent.get(node)
        return chain

    def _read_departments(self) -> None:
        for path in sorted((self.data_dir / "departments").glob("*.yaml")):
            doc = _read_yaml(path, self.problems) or {}
            region = str(doc.get("region", ""))
            if region not in self._region_parent:
                self.problem(path.name, f"未知区划“{region}”", None, "region")
                continue
            index = self._dept_index.setdefault(region, {})
            codes: set[str] = set()
            for i, d in enumerate(doc.get("departments", []), 1):
                code, name = d.get("code"), d.get("name")
                if not code or not name:
                    self.problem(path.name, "部门缺少 code 或 name", i)
                    continue
                if code in codes:
                    self.problem(path.name, f"部门代码“{code}”重复", i, "code")
                codes.add(code)
                if d.get("kind") not in _values(DepartmentKind):
                    self.problem(path.name, f"未知部门类别“{d.get('kind')}”", i, "kind")
                dept = _Dept(region, code, name, d.get("short_name") or "", list(d.get("aliases") or []), d.get("kind"))
                self.plan.departments.append(dept)
                for spelling in {name, dept.short_name, *dept.aliases} - {""}:
                    key = normalise_spelling(spelling)
                    other = index.get(key)
                    if other is not None and other.code != code:
                        self.problem(path.name, f"写法“{spelling}”同时指向“{other.name}”和“{name}”", i, "aliases")
                    index[key] = dept

    def resolve_departments(self, region: str, spelling: str | None) -> list[_Dept] | None:
        """All departments a cell names (regions.services.resolve_cell), or None if any part is unknown."""
        if not spelling:
            return None
        found, unknown = resolve_cell(spelling, lambda text: self._resolve_one(region, text))
        return None if unknown or not found else found

    def resolve_department(self, region: str, spelling: str | None) -> _Dept | None:
        found = self.resolve_departments(region, spelling)
        return found[0] if found else None

    def _resolve_one(self, region: str, spelling: str) -> _Dept | None:
        key = normalise_spelling(spelling)
        for code in self.region_chain(region):
            dept = self._dept_index.get(code, {}).get(key)
            if dept is not None:
                return dept
        return None

    def _read_dictionary(self) -> None:
        origin: dict[str, str] = {}
        for path in sorted((self.data_dir / "dictionary").glob("*.yaml")):
            doc = _read_yaml(path, self.problems) or {}
            for i, e in enumerate(doc.get("data_elements") or [], 1):
                key = e.get("key")
                if not key or not e.get("name"):
                    self.problem(path.name, "数据元缺少 key 或 name", i)
                    continue
                if key in self.plan.elements:
                    self.problem(path.name, f"数据元“{key}”已在 {origin[key]} 中定义", i, "key")
                    continue
                if e.get("type") not in _values(ElementType):
                    self.problem(path.name, f"数据元“{key}”的类型“{e.get('type')}”未知", i, "type")
                if e.get("source") not in _values(DataSource):
                    self.problem(path.name, f"数据元“{key}”的来源“{e.get('source')}”未知", i, "source")
                origin[key] = path.name
                self.plan.elements[key] = e
            for i, m in enumerate(doc.get("material_types") or [], 1):
                key = m.get("key")
                if not key or not m.get("name"):
                    self.problem(path.name, "材料类型缺少 key 或 name", i)
                    continue
                if key in self.plan.materials:
                    self.problem(path.name, f"材料类型“{key}”已在 {origin['m:' + key]} 中定义", i, "key")
                    continue
                if m.get("shared_source") and m["shared_source"] not in _values(DataSource):
                    self.problem(path.name, f"材料类型“{key}”的共享来源未知", i, "shared_source")
                origin["m:" + key] = path.name
                self.plan.materials[key] = m

    def _check_enum(self, where: str, row: int, column: str, value: Any, choices, allow_empty: bool = False) -> None:
        if value in (None, "") and allow_empty:
            return
        if value not in _values(choices):
            self.problem(where, f"取值“{value}”不在允许范围内（{'、'.join(sorted(_values(choices)))}）", row, column)

    def _read_lists(self) -> None:
        seen_names: dict[tuple[str, str], str] = {}
        for path in sorted((self.data_dir / "lists").glob("*.yaml")):
            doc = _read_yaml(path, self.problems) or {}
            region = str(doc.get("region", ""))
            if region not in self._region_parent:
                self.problem(path.name, f"未知区划“{region}”", None, "region")
                continue
            batch = doc.get("batch") or {}
            if not isinstance(batch.get("number"), int):
                self.problem(path.name, "批次缺少编号（batch.number）", None, "batch")
                continue
            seqs: set[int] = set()
            for ot in doc.get("one_things") or []:
                seq = ot.get("seq")
                where = path.name
                if not isinstance(seq, int):
                    self.problem(where, f"“{ot.get('name')}”缺少序号", None, "seq")
                    continue
                if seq in seqs:
                    self.problem(where, f"序号 {seq} 重复", seq, "seq")
                seqs.add(seq)
                name = (ot.get("name") or "").strip()
                if not name:
                    self.problem(where, "缺少一件事名称", seq, "name")
                    continue
                if (region, name) in seen_names:
                    self.problem(where, f"“{name}”在本区划已由 {seen_names[(region, name)]} 列出", seq, "name")
                seen_names[(region, name)] = path.name
                self._check_enum(where, seq, "subject", ot.get("subject"), Subject)
                self._check_enum(where, seq, "stage", ot.get("stage"), LifeStage, allow_empty=True)
                if ot.get("lead") and self.resolve_department(region, ot["lead"]) is None:
                    self.problem(where, f"未知牵头单位“{ot['lead']}”", seq, "lead")
                for item in ot.get("items") or []:
                    self._check_list_item(where, seq, region, item)
            self.plan.lists.append({**doc, "region": region, "_file": path.name})

    def _check_list_item(self, where: str, seq: int, region: str, item: dict) -> None:
        if not (item.get("name") or "").strip():
            self.problem(where, "联办事项缺少名称", seq, "items.name")
        if self.resolve_department(region, item.get("department")) is None:
            self.problem(where, f"未知联办单位“{item.get('department')}”", seq, "items.department")
        self._check_enum(where, seq, "items.level", item.get("level"), ItemLevel, allow_empty=True)

    def _read_specs(self) -> None:
        list_index = {
            (lst["region"], (ot.get("name") or "").strip()): ot for lst in self.plan.lists for ot in lst["one_things"]
        }
        for path in sorted((self.data_dir / "specs").glob("*.yaml")):
            doc = _read_yaml(path, self.problems)
            if not doc:
                continue
            where = path.name
            region = str(doc.get("region", ""))
            name = (doc.get("name") or "").strip()
            if region not in self._region_parent:
                self.problem(where, f"未知区划“{region}”", None, "region")
                continue
            entry = list_index.get((region, name))
            if entry is None and not doc.get("template"):
                self.problem(where, f"{region} 的清单中没有“{name}”，且未标为模板（template: true）", None, "name")
                continue
            items = doc.get("items") or []
            if not items:
                self.problem(where, "完整规格至少要有一个事项", None, "items")
                continue
            names = [it.get("name") for it in items]
            if entry is not None and entry.get("items"):
                self._check_spec_matches_list(where, region, entry, items)
            item_names = set(names)
            if len(item_names) != len(names):
                self.problem(where, "事项名称重复", None, "items.name")
            edges: dict[str, list[str]] = {}
            for i, it in enumerate(items, 1):
                dept = self.resolve_department(region, it.get("department"))
                if dept is None:
                    self.problem(where, f"事项“{it.get('name')}”的部门“{it.get('department')}”未知", i, "department")
                    continue
                for pre in it.get("prerequisites") or []:
                    if pre not in item_names:
                        self.problem(where, f"前置事项“{pre}”不是本一件事的事项", i, "prerequisites")
                edges[it["name"]] = list(it.get("prerequisites") or [])
                self._check_enum(where, i, "level", it.get("level"), ItemLevel, allow_empty=True)
                if ITEM_DETAIL_KEYS & set(it):
                    self._check_item_details(where, i, it)
                    key = (dept.region, dept.code, normalise_spelling(it["name"]))
                    if key in self.plan.item_details:
                        self.problem(
                            where, f"事项“{it['name']}”已在 {self.plan.item_details[key]['_file']} 中详细定义", i
                        )
                    else:
                        self.plan.item_details[key] = {**it, "_file": where}
            cycle = find_cycle(edges)
            if cycle:
                self.problem(where, "前置事项形成循环：" + " → ".join(cycle), None, "prerequisites")
            self._check_situations(where, doc, item_names)
            self._check_form_values(where, doc)
            self._check_guide_keys(where, doc)
            if doc.get("lead") and self.resolve_department(region, doc["lead"]) is None:
                self.problem(where, f"未知牵头单位“{doc['lead']}”", None, "lead")
            self.plan.specs.append({**doc, "region": region, "name": name, "_file": where, "_entry": entry})

    def _check_spec_matches_list(self, where: str, region: str, entry: dict, items: list[dict]) -> None:
        def key(it: dict) -> tuple[str, str]:
            depts = self.resolve_departments(region, it.get("department"))
            names = "、".join(d.code for d in depts) if depts else f"?{it.get('department')}"
            return normalise_spelling(it.get("name") or ""), names

        listed = {key(it) for it in entry["items"]}
        specified = {key(it) for it in items}
        for name, dept in sorted(listed - specified):
            self.problem(where, f"清单中的事项“{name}”（{dept}）在规格中缺失", None, "items")
        for name, dept in sorted(specified - listed):
            self.problem(where, f"规格中的事项“{name}”（{dept}）不在清单中", None, "items")

    def _check_item_details(self, where: str, row: int, it: dict) -> None:
        self._check_enum(where, row, "kind", it.get("kind"), ItemKind)
        self._check_enum(where, row, "subject", it.get("subject"), Subject)
        result = it.get("result") or {}
        self._check_enum(where, row, "result.kind", result.get("kind"), ResultKind)
        for key in result.get("shows") or []:
            if key not in self.plan.elements:
                self.problem(where, f"事项“{it['name']}”结果所载的数据元“{key}”未定义", row, "result.shows")
        for key in result.get("produces") or []:
            if key not in self.plan.elements:
                self.problem(where, f"事项“{it['name']}”结果产生的数据元“{key}”未定义", row, "result.produces")
        if result.get("material") and result["material"] not in self.plan.materials:
            self.problem(where, f"事项“{it['name']}”的结果材料类型“{result['material']}”未定义", row, "result.material")
        holder = result.get("holder")
        if holder and f"{holder}.name" not in self.plan.elements:
            self.problem(
                where,
                f"事项“{it['name']}”的结果所涉对象“{holder}”没有姓名数据元（{holder}.name）",
                row,
                "result.holder",
            )
        for days in ("legal_days", "promised_days"):
            if it.get(days) is not None and (not isinstance(it[days], int) or it[days] < 0):
                self.problem(where, f"事项“{it['name']}”的{days}应为非负整数", row, days)
        if (
            isinstance(it.get("legal_days"), int)
            and isinstance(it.get("promised_days"), int)
            and it["promised_days"] > it["legal_days"]
        ):
            self.problem(where, f"事项“{it['name']}”的承诺时限超过法定时限", row, "promised_days")
        for m in it.get("materials") or []:
            if m.get("type") not in self.plan.materials:
                self.problem(where, f"事项“{it['name']}”的材料类型“{m.get('type')}”未定义", row, "materials.type")
            self._check_enum(where, row, "materials.form", m.get("form", "original"), MaterialForm)
            self._check_enum(where, row, "materials.source", m.get("source", "applicant"), MaterialSource)
            self._check_enum(where, row, "materials.required", m.get("required", "required"), MaterialRequirement)
            self._check_enum(where, row, "materials.provided_by", provided_by(m), MaterialProvider)
        for f in it.get("fields") or []:
            if f.get("element") not in self.plan.elements:
                self.problem(where, f"事项“{it['name']}”的数据元“{f.get('element')}”未定义", row, "fields.element")

    def _check_guide_keys(self, where: str, doc: dict) -> None:
        for key in GUIDE_FLAG_KEYS:
            if doc.get(key) is not None and not isinstance(doc[key], bool):
                self.problem(where, f"{key} 应为 true 或 false", None, key)
        mistakes = doc.get("common_mistakes") or []
        if not isinstance(mistakes, list) or any(
            not isinstance(m, (str, dict)) or (isinstance(m, dict) and not m.get("wrong")) for m in mistakes
        ):
            self.problem(
                where, "common_mistakes 应为列表，每项为文字或含 wrong（及 right）的映射", None, "common_mistakes"
            )

    def _check_situations(self, where: str, doc: dict, item_names: set[str]) -> None:
        seen_options: set[str] = set()
        keys: set[str] = set()
        for i, q in enumerate(doc.get("situations") or [], 1):
            if q.get("key") in keys:
                self.problem(where, f"问题键“{q.get('key')}”重复", i, "situations.key")
            keys.add(q.get("key"))
            for ref in q.get("show_if") or []:
                if ref not in seen_options:
                    self.problem(where, f"问题“{q.get('text')}”的显示条件“{ref}”不是此前问题的选项", i, "show_if")
            for o in q.get("options") or []:
                for name in (o.get("include_items") or []) + (o.get("exclude_items") or []):
                    if name not in item_names:
                        self.problem(where, f"选项“{o.get('label')}”引用了不存在的事项“{name}”", i, "options")
                for mkey in (o.get("require_materials") or []) + (o.get("exempt_materials") or []):
                    if mkey not in self.plan.materials:
                        self.problem(where, f"选项“{o.get('label')}”引用了未定义的材料类型“{mkey}”", i, "options")
            for o in q.get("options") or []:
                seen_options.add(f"{q.get('key')}.{o.get('key')}")

    def _check_form_values(self, where: str, doc: dict) -> None:
        """form_values: what the one-thing or an answer settles (OneThing.form_values), each with its reason."""
        rules = doc.get("form_values") or []
        if not isinstance(rules, list):
            self.problem(where, "form_values 应为列表", None, "form_values")
            return
        asked = {f.get("element") for it in doc.get("items") or [] for f in it.get("fields") or []}
        options = {
            f"{q.get('key')}.{o.get('key')}" for q in doc.get("situations") or [] for o in q.get("options") or []
        }
        for i, rule in enumerate(rules, 1):
            if not isinstance(rule, dict):
                self.problem(where, "form_values 的每一项应为映射", i, "form_values")
                continue
            key = rule.get("element")
            if key not in asked:
                self.problem(where, f"确定值的数据元“{key}”不是本一件事表单的字段", i, "form_values.element")
                continue
            if rule.get("when") and rule["when"] not in options:
                self.problem(where, f"确定值的条件“{rule['when']}”不是本一件事问卷的选项", i, "form_values.when")
            if bool(rule.get("value")) == bool(rule.get("same_as")):
                self.problem(where, f"数据元“{key}”的确定值应给出 value 或 same_as 之一", i, "form_values.value")
            elif rule.get("same_as") and rule["same_as"] not in asked:
                self.problem(where, f"数据元“{key}”的 same_as“{rule['same_as']}”不是本表字段", i, "form_values.same_as")
            choices = self.plan.elements[key].get("choices") if key in self.plan.elements else None
            if rule.get("value") and choices and str(rule["value"]) not in choices:
                self.problem(where, f"数据元“{key}”的确定值“{rule['value']}”不在其选项中", i, "form_values.value")
            if not str(rule.get("reason") or "").strip():
                self.problem(where, f"数据元“{key}”的确定值缺少理由（reason）", i, "form_values.reason")

    def _read_adoptions(self) -> None:
        path = self.data_dir / "adoptions.yaml"
        if not path.exists():
            return
        doc = _read_yaml(path, self.problems) or {}
        templates = {(s["region"], s["name"]): s for s in self.plan.specs if s.get("template")}
        for i, a in enumerate(doc.get("adoptions") or [], 1):
            tpl = a.get("template") or {}
            spec = templates.get((str(tpl.get("region")), tpl.get("name")))
            if spec is None:
                self.problem(path.name, f"模板“{tpl.get('name')}”不存在", i, "template")
                continue
            region = str(a.get("region"))
            if str(tpl.get("region")) not in self.region_chain(region)[1:]:
                self.problem(path.name, f"{region} 不在模板区划 {tpl.get('region')} 之下", i, "region")
                continue
            item_names = {(it.get("name") or "").strip() for it in spec.get("items") or []}
            for o in a.get("overrides") or []:
                if o.get("item") not in item_names:
                    self.problem(path.name, f"“{tpl.get('name')}”没有事项“{o.get('item')}”", i, "overrides.item")
                if o.get("department") and self.resolve_department(region, o["department"]) is None:
                    self.problem(path.name, f"未知部门“{o['department']}”", i, "overrides.department")
            self.plan.adoptions.append({**a, "region": region})

    # ------------------------------------------------------------------ writing
    @transaction.atomic
    def write(self) -> LoadResult:
        plan = self.plan
        result = LoadResult()
        regions: dict[str, Region] = {}
        level_rank = {"province": 0, "city": 1, "county": 2, "township": 3}
        for r in sorted(plan.regions, key=lambda r: level_rank[r["level"]]):
            region, _ = Region.objects.update_or_create(
                code=r["code"],
                defaults={"name": r["name"], "level": r["level"], "parent": regions.get(r.get("parent") or "")},
            )
            regions[r["code"]] = region
        result.regions = len(regions)
        departments: dict[tuple[str, str], Department] = {}
        for d in plan.departments:
            dept, _ = Department.objects.update_or_create(
                region=regions[d.region],
                code=d.code,
                defaults={"name": d.name, "short_name": d.short_name, "aliases": d.aliases, "kind": d.kind},
            )
            departments[(d.region, d.code)] = dept
        result.departments = len(departments)
        self._departments = departments
        for key, e in plan.elements.items():
            DataElement.objects.update_or_create(
                key=key,
                defaults={
                    "name": e["name"],
                    "type": e["type"],
                    "max_length": e.get("max_length"),
                    "pattern": e.get("pattern") or "",
                    "choices": e.get("choices") or [],
                    "source": e["source"],
                    "section": e.get("section") or key.split(".")[0],
                    "authoritative": bool(e.get("authoritative")),
                },
            )
        result.data_elements = len(plan.elements)
        for key, m in plan.materials.items():
            MaterialType.objects.update_or_create(
                key=key,
                defaults={
                    "name": m["name"],
                    "licence_type": m.get("licence_type") or "",
                    "shared_source": m.get("shared_source") or "",
                },
            )
        result.material_types = len(plan.materials)
        # Entries removed from the files go too, unless something still points at them (then they stay and the
        # next load of the file that used them reports the missing key).
        DataElement.objects.exclude(key__in=plan.elements).filter(form_fields__isnull=True).delete()
        MaterialType.objects.exclude(key__in=plan.materials).filter(
            item_materials__isnull=True, required_by_options__isnull=True, exempted_by_options__isnull=True
        ).delete()
        self._elements = {e.key: e for e in DataElement.objects.all()}
        self._material_types = {m.key: m for m in MaterialType.objects.all()}
        self._service_items = services.ServiceItems()

        specs_by_entry = {(s["region"], s["name"]): s for s in plan.specs if not s.get("template")}
        templates = {(s["region"], s["name"]): s for s in plan.specs if s.get("template")}
        template_rows: dict[tuple[str, str], OneThing] = {}
        for (region_code, name), spec in templates.items():
            code = spec.get("code") or f"{region_code}-T-{Path(spec['_file']).stem}"
            row, outcome = self._write_one_thing(
                code, regions[region_code], spec, entry=None, batch=None, spec=spec, template=None, overrides=[]
            )
            template_rows[(region_code, name)] = row
            result.count(outcome)
        adoptions = {(a["region"], a.get("name") or a["template"]["name"]): a for a in plan.adoptions}
        for lst in plan.lists:
            region = regions[lst["region"]]
            b = lst["batch"]
            batch, _ = Batch.objects.update_or_create(
                region=region,
                number=b["number"],
                defaults={
                    "name": b.get("name") or "",
                    "year": b.get("year"),
                    "source_document": lst.get("source") or "",
                },
            )
            for entry in lst["one_things"]:
                name = entry["name"].strip()
                spec = specs_by_entry.get((lst["region"], name))
                adoption = adoptions.get((lst["region"], name))
                template = None
                if adoption is not None:
                    template = template_rows[(str(adoption["template"]["region"]), adoption["template"]["name"])]
                elif entry.get("provincial") and spec is None:
                    template = next(
                        (
                            row
                            for (rc, tname), row in template_rows.items()
                            if tname == name and rc in self.region_chain(lst["region"])
                        ),
                        None,
                    )
                code = f"{lst['region']}-{b['number']:02d}-{entry['seq']:03d}"
                _row, outcome = self._write_one_thing(
                    code,
                    region,
                    entry,
                    entry=entry,
                    batch=batch,
                    spec=spec,
                    template=template,
                    overrides=(adoption or {}).get("overrides") or [],
                    source=lst.get("source") or "",
                    files=[lst["_file"], *([spec["_file"]] if spec else []), *(["adoptions.yaml"] if adoption else [])],
                )
                result.count(outcome)
        result.service_items = ServiceItem.objects.count()
        return result

    def _fingerprint(self, *parts: Any) -> str:
        blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def _write_one_thing(
        self,
        code: str,
        region: Region,
        base: dict,
        *,
        entry: dict | None,
        batch: Batch | None,
        spec: dict | None,
        template: OneThing | None,
        overrides: list[dict],
        source: str = "",
        files: list[str] | None = None,
    ) -> tuple[OneThing, str]:
        """Hand the one-thing to the catalog services (do_load_one_thing): nothing when its files are unchanged,
        else version 1, an edit of a listed version, or a new version of a published one."""
        details = []
        for it in (spec or {}).get("items") or []:
            dept = self.resolve_department(region.code, it.get("department"))
            found = (
                self.plan.item_details.get((dept.region, dept.code, normalise_spelling(it["name"]))) if dept else None
            )
            details.append({k: v for k, v in (found or {}).items() if not k.startswith("_")})
        fingerprint = self._fingerprint(base, spec, overrides, template.source_hash if template else None, details)
        source_document = source or (spec or {}).get("_file", "")

        def build_plan() -> OneThingPlan:
            return self._plan(code, region, base, entry, batch, spec, template, overrides, source_document, fingerprint)

        try:
            return services.do_load_one_thing(
                code, fingerprint, build_plan, acting_user=None, reason=f"种子数据 {source_document}"
            )
        except UserFacingError as exc:
            name = (base.get("name") or "").strip()
            where = "、".join(files or [(spec or {}).get("_file") or code])  # the files that describe it
            raise ValidationReport([Problem(where, None, None, f"“{name}”（{code}）：{exc.message}")]) from None

    def _plan(
        self,
        code: str,
        region: Region,
        base: dict,
        entry: dict | None,
        batch: Batch | None,
        spec: dict | None,
        template: OneThing | None,
        overrides: list[dict],
        source_document: str,
        fingerprint: str,
    ) -> OneThingPlan:
        """What the files say this one-thing holds; the service items it names are found or made here."""
        doc = spec or base
        lead = (spec or {}).get("lead") or base.get("lead")
        basis = doc.get("legal_basis") or []
        fields: dict[str, Any] = {
            "name": (base.get("name") or "").strip(),
            "subject": base.get("subject") or (spec or {}).get("subject") or Subject.NATURAL,
            "stage": base.get("stage") or (spec or {}).get("stage") or "",
            "batch": batch,
            "seq": entry.get("seq") if entry else None,
            "provincial": bool(base.get("provincial")),
            "is_template": bool((spec or {}).get("template")),
            "deadline_text": (entry or {}).get("deadline") or "",
            "note": (entry or {}).get("note") or "",
            "source_document": source_document,
            "lead_department": self._department(region.code, lead) if lead else None,
            "summary": str(doc.get("summary") or "").strip(),
            "service_object": str(doc.get("service_object") or "").strip(),
            "conditions": str(doc.get("conditions") or "").strip(),
            "legal_basis": basis if isinstance(basis, list) else [basis],
            **{f: str(doc.get(f) or "") for f in ("address", "hours", "phone", "complaint_phone")},
            "delivery_methods": list(doc.get("delivery") or []),
            **{f: str(doc.get(f) or "").strip() for f in GUIDE_TEXT_KEYS},
            **{f: doc.get(f) for f in GUIDE_FLAG_KEYS},
            "common_mistakes": [
                m if isinstance(m, dict) else {"wrong": str(m), "right": ""} for m in doc.get("common_mistakes") or []
            ],
            "form_values": [
                {k: str(rule[k]) for k in ("element", "when", "value", "same_as", "reason") if rule.get(k)}
                for rule in doc.get("form_values") or []
            ],
        }
        plan = OneThingPlan(code=code, region=region, fields=fields, source_hash=fingerprint, source=source_document)
        if template is not None and spec is None:
            plan.template = template
            plan.overrides = [
                PlannedOverride(
                    item=o["item"],
                    reason=o.get("reason") or "",
                    department=self._department(region.code, o["department"]) if o.get("department") else None,
                    promised_days=int(o["promised_days"]) if o.get("promised_days") is not None else None,
                )
                for o in overrides
            ]
        elif spec is not None:
            listed_notes = {normalise_spelling(i["name"]): i.get("note") for i in (entry or {}).get("items") or []}
            items = [
                {**it, "note": it.get("note") or listed_notes.get(normalise_spelling(it["name"]))}
                for it in spec["items"]
            ]
            plan.items = self._planned_items(region, items, spec_mode=True)
            plan.questions = [
                PlannedQuestion(
                    key=q["key"],
                    text=q["text"],
                    show_if=list(q.get("show_if") or []),
                    options=[
                        PlannedOption(
                            key=str(o["key"]),
                            label=o["label"],
                            include_items=list(o.get("include_items") or []),
                            exclude_items=list(o.get("exclude_items") or []),
                            require_materials=[self._material_types[k] for k in o.get("require_materials") or []],
                            exempt_materials=[self._material_types[k] for k in o.get("exempt_materials") or []],
                        )
                        for o in q.get("options") or []
                    ],
                )
                for q in spec.get("situations") or []
            ]
            plan.faqs = [(f["q"], f["a"]) for f in spec.get("faq") or []]
        else:
            plan.items = self._planned_items(region, (entry or {}).get("items") or [], spec_mode=False)
        return plan

    def _planned_items(self, region: Region, items: list[dict], *, spec_mode: bool) -> list[PlannedItem]:
        planned = []
        for it in items:
            department = self._department(region.code, it["department"])
            level = it.get("level") or ""
            others = (self.resolve_departments(region.code, it["department"]) or [])[1:]
            planned.append(
                PlannedItem(
                    name=it["name"],
                    service_item=self._service_item(region, department, it["name"].strip(), level),
                    department=department,
                    supporting=[self._departments[(d.region, d.code)] for d in others],
                    level=level,
                    mandatory=it.get("mandatory", True) is not False,
                    note=str(it.get("note") or ""),
                    prerequisites=list(it.get("prerequisites") or []) if spec_mode else [],
                )
            )
        return planned

    def _department(self, region_code: str, spelling: str) -> Department:
        dept = self.resolve_department(region_code, spelling)
        assert dept is not None, spelling  # validated in read()
        return self._departments[(dept.region, dept.code)]

    def _service_item(self, region: Region, department: Department, name: str, level: str) -> ServiceItem:
        """The item (services.ServiceItems: found, or made with the next code), its details written from the spec
        that describes it, once per load."""
        item, _created = self._service_items.obtain(region, department, name, level=level)
        details = self.plan.item_details.get((region.code, department.code, normalise_spelling(name)))
        if details is not None and not details.get("_written"):
            self._write_item_details(item, details)
        return item

    def _write_item_details(self, item: ServiceItem, d: dict) -> None:
        fee = d.get("fee") or {}
        result = d.get("result") or {}
        basis = d.get("legal_basis") or ""
        item.kind = d.get("kind") or ""
        item.subject = d.get("subject") or ""
        item.legal_basis = "\n".join(basis) if isinstance(basis, list) else str(basis)
        conditions = d.get("conditions") or ""
        item.conditions = "\n".join(conditions) if isinstance(conditions, list) else str(conditions)
        item.legal_days = d.get("legal_days")
        item.promised_days = d.get("promised_days")
        item.fee_amount = Decimal(str(fee.get("amount"))) if fee.get("amount") is not None else None
        item.fee_basis = str(fee.get("basis") or "")
        item.result_name = result.get("name") or ""
        item.result_kind = result.get("kind") or ""
        item.result_holder = str(result.get("holder") or "")
        item.result_fields = [str(k) for k in result.get("shows") or []]
        item.result_produces = [str(k) for k in result.get("produces") or []]
        item.result_sample = str(result.get("sample") or "").strip()
        item.result_material = str(result.get("material") or "")
        item.review_points = list(d.get("review_points") or [])
        item.is_specified = True
        if d.get("level"):
            item.level = d["level"]
        item.save()
        item.materials.all().delete()
        item.form_fields.all().delete()
        seen: set[tuple[str, str]] = set()
        materials = []
        for order, m in enumerate(d.get("materials") or []):
            mtype = self._material_types[m["type"]]
            name = m.get("name") or mtype.name
            if (m["type"], name) in seen:
                continue
            seen.add((m["type"], name))
            materials.append(
                ItemMaterial(
                    item=item,
                    material_type=mtype,
                    order=order,
                    name=name,
                    basis=str(m.get("basis") or ""),
                    form=m.get("form") or MaterialForm.ORIGINAL,
                    source=m.get("source") or MaterialSource.APPLICANT,
                    paper_copies=int(m.get("copies") or 0),
                    requirement=m.get("required") or MaterialRequirement.REQUIRED,
                    provided_by=provided_by(m),
                    deferrable=bool(m.get("deferrable")),
                    commitment_allowed=bool(m.get("commitment")),
                    licence_type=m.get("exempt_by_licence") or mtype.licence_type,
                    standard=str(m.get("standard") or ""),
                    note=str(m.get("note") or ""),
                )
            )
        ItemMaterial.objects.bulk_create(materials)
        fields_seen: set[str] = set()
        form_fields = []
        for order, f in enumerate(d.get("fields") or []):
            if f["element"] in fields_seen:
                continue
            fields_seen.add(f["element"])
            form_fields.append(
                ItemFormField(
                    item=item,
                    data_element=self._elements[f["element"]],
                    order=order,
                    required=f.get("required", True) is not False,
                    label=f.get("label") or "",
                )
            )
        ItemFormField.objects.bulk_create(form_fields)
        d["_written"] = True


def load_catalog(data_dir: Path) -> LoadResult:
    """Validate every file, then write everything in one transaction (or raise ValidationReport)."""
    loader = CatalogLoader(data_dir)
    loader.read()
    return loader.write()
