"""demo_data.yaml → the simulated registries and department records. Validate everything first, then write in one
transaction.

Idempotent, and the file is the truth: demo rows that are no longer in it are removed, and a second run writes
nothing. Needs the data dictionary (`manage.py load_catalog`) because every key must be a data element of the
source (and, for department records, the form section) it is listed under, and every licence type one that a
material type names.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import DataElement, MaterialType
from core.errors import Problem, ValidationReport
from core.validators import (
    birth_date_from_id_number,
    gender_from_id_number,
    normalize_credit_code,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
)

from .choices import DEPARTMENT_SCOPES, ConsentScope, LicenceStatus, Relation
from .models import DemoBirth, DemoEnterprise, DemoLicence, DemoPerson, DemoRecord, DemoRelation

DEMO_DATA_FILE = Path(__file__).resolve().parent / "demo_data.yaml"


@dataclass
class LoadResult:
    people: int
    enterprises: int
    licences: int
    relations: int
    births: int
    records: int


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as the one form's yes/no fields
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


class _Reader:
    def __init__(self, path: Path) -> None:
        self.where = path.name
        self.problems: list[Problem] = []
        self.people: dict[str, dict[str, str]] = {}
        self.enterprises: dict[str, dict[str, str]] = {}
        self.licences: list[dict[str, Any]] = []
        self.households: dict[str, tuple[str, bool]] = {}  # ID number -> (household number, householder)
        self.relations: dict[tuple[str, str], str] = {}  # (person, relative) -> relation
        self.births: dict[str, dict[str, Any]] = {}
        self.records: dict[tuple[str, str, str], dict[str, str]] = {}  # (source, holder, section) -> values
        self.elements: dict[str, DataElement] = {}
        try:
            self.doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            self.doc = {}
            self.problem(None, None, f"无法读取：{exc}")
        if not isinstance(self.doc, dict):
            self.doc = {}
            self.problem(None, None, "应为含 people、enterprises、licences 的映射")

    def problem(self, row: int | None, column: str | None, reason: str) -> None:
        self.problems.append(Problem(self.where, row, column, reason))

    def read(self) -> None:
        self.elements = {e.key: e for e in DataElement.objects.all()}
        elements = {key: e.source for key, e in self.elements.items()}
        if not elements:
            self.problem(None, None, "数据元目录为空，请先运行 load_catalog")
            return
        self._read_records("people", ConsentScope.POPULATION, "applicant.id_number", elements, self.people)
        self._read_records("enterprises", ConsentScope.MARKET, "enterprise.credit_code", elements, self.enterprises)
        self._read_licences()
        self._read_households()
        self._read_relations()
        self._read_births()
        self._read_department_records()

    def _read_records(
        self, section: str, scope: str, id_key: str, elements: dict[str, str], into: dict[str, dict[str, str]]
    ) -> None:
        name_key = id_key.split(".")[0] + ".name"
        for row, record in enumerate(self.doc.get(section) or [], start=1):
            where = section
            if not isinstance(record, dict):
                self.problem(row, None, f"{where}：每条记录应为“数据元: 值”的映射")
                continue
            values = {str(k): _text(v) for k, v in record.items() if v not in (None, "")}
            for key in values:
                if key not in elements:
                    self.problem(row, key, f"{where}：不是数据元目录中的数据元")
                elif elements[key] != scope:
                    self.problem(row, key, f"{where}：该数据元的来源是“{elements[key]}”，不是“{scope}”")
            if not values.get(name_key):
                self.problem(row, name_key, f"{where}：缺少名称")
            number = values.get(id_key, "")
            try:
                if scope == ConsentScope.POPULATION:
                    validate_id_number(number)
                    number = normalize_id_number(number)
                else:
                    validate_credit_code(number)
                    number = normalize_credit_code(number)
            except ValidationError as exc:
                self.problem(row, id_key, "；".join(exc.messages))
                continue
            if number in into:
                self.problem(row, id_key, f"{number} 重复")
                continue
            if scope == ConsentScope.POPULATION:
                self._check_person(row, number, values)
            if values.get("legal_person.id_number"):
                try:
                    validate_id_number(values["legal_person.id_number"])
                except ValidationError as exc:
                    self.problem(row, "legal_person.id_number", "；".join(exc.messages))
            values[id_key] = number
            into[number] = values

    def _check_person(self, row: int, number: str, values: dict[str, str]) -> None:
        """Gender and birth date must agree with the ID number (GB 11643)."""
        if values.get("applicant.gender") and values["applicant.gender"] != gender_from_id_number(number):
            self.problem(row, "applicant.gender", f"与身份证号码不符（应为{gender_from_id_number(number)}）")
        if values.get("applicant.birth_date") and values["applicant.birth_date"] != (
            birth_date_from_id_number(number).isoformat()
        ):
            self.problem(row, "applicant.birth_date", "与身份证号码中的出生日期不符")

    def _read_licences(self) -> None:
        licence_types = set(MaterialType.objects.exclude(licence_type="").values_list("licence_type", flat=True))
        holders = {
            **{k: v["applicant.name"] for k, v in self.people.items()},
            **{k: v["enterprise.name"] for k, v in self.enterprises.items()},
        }
        seen: set[tuple[str, str, str]] = set()
        for row, record in enumerate(self.doc.get("licences") or [], start=1):
            if not isinstance(record, dict):
                self.problem(row, None, "licences：每条记录应为映射")
                continue
            licence_type = _text(record.get("type", ""))
            number = _text(record.get("number", ""))
            holder_id = normalize_id_number(_text(record.get("holder_id", "")))
            if licence_type not in licence_types:
                self.problem(row, "type", f"licences：证照类型“{licence_type}”不是任何材料类型的电子证照类型")
            if not number:
                self.problem(row, "number", "licences：缺少证照编号")
            if holder_id not in holders:
                self.problem(row, "holder_id", f"licences：持证者 {holder_id} 不在 people 或 enterprises 中")
            elif _text(record.get("holder", "")) != holders[holder_id]:
                self.problem(row, "holder", f"licences：持证者姓名（名称）应为“{holders[holder_id]}”")
            status = _text(record.get("status", LicenceStatus.VALID))
            if status not in (LicenceStatus.VALID, LicenceStatus.REVOKED):
                self.problem(row, "status", "licences：状态只能是 valid 或 revoked（过期由有效期判断）")
            try:
                issued_on, valid_until = _date(record.get("issued_on")), _date(record.get("valid_until"))
            except ValueError:
                self.problem(row, "valid_until", "licences：日期格式应为 YYYY-MM-DD")
                continue
            if (licence_type, number, holder_id) in seen:
                self.problem(row, "number", f"licences：{licence_type} {number} 重复")
            seen.add((licence_type, number, holder_id))
            self.licences.append(
                {
                    "licence_type": licence_type,
                    "number": number,
                    "holder_id": holder_id,
                    "holder_name": holders.get(holder_id, ""),
                    "issuer": _text(record.get("issuer", "")),
                    "issued_on": issued_on,
                    "valid_until": valid_until,
                    "status": status,
                }
            )

    # ------------------------------------------------------------ family, births, department records

    def _person(self, row: int, section: str, column: str, value: Any) -> str | None:
        """The normalized ID number of a person listed under people, or None (with a problem)."""
        number = normalize_id_number(_text(value or ""))
        if number not in self.people:
            self.problem(row, column, f"{section}：{number or '（空）'} 不在 people 中")
            return None
        return number

    def _check_values(self, row: int, where: str, source: str, section: str, values: dict[str, str]) -> None:
        """Every key a data element that `source` supplies in form `section`; every value one the form accepts."""
        for key, value in values.items():
            element = self.elements.get(key)
            if element is None:
                self.problem(row, key, f"{where}：不是数据元目录中的数据元")
                continue
            if element.source != source:
                self.problem(row, key, f"{where}：该数据元的来源是“{element.source}”，不是“{source}”")
            if element.section != section:
                self.problem(row, key, f"{where}：该数据元属于“{element.section}”部分，不是“{section}”")
            problem = _value_problem(element, value)
            if problem:
                self.problem(row, key, f"{where}：{problem}")

    def _read_households(self) -> None:
        for row, record in enumerate(self.doc.get("households") or [], start=1):
            if not isinstance(record, dict) or not _text(record.get("number", "")):
                self.problem(row, "number", "households：每户应有户号 number、户主 householder 和成员 members")
                continue
            number = _text(record["number"])
            members = [("householder", record.get("householder"), True)]
            members += [("members", m, False) for m in record.get("members") or []]
            for column, value, head in members:
                person = self._person(row, "households", column, value)
                if person is None:
                    continue
                if person in self.households:
                    self.problem(row, column, f"households：{person} 已登记在户 {self.households[person][0]}")
                    continue
                self.households[person] = (number, head)

    def _read_relations(self) -> None:
        for row, record in enumerate(self.doc.get("relations") or [], start=1):
            if not isinstance(record, dict):
                self.problem(row, None, "relations：每条记录应为映射")
                continue
            relation = _text(record.get("relation", ""))
            if relation not in (Relation.SPOUSE, Relation.CHILD):
                self.problem(row, "relation", "relations：关系只能是 spouse 或 child（反向关系自动得出）")
                continue
            person = self._person(row, "relations", "person", record.get("person"))
            relative = self._person(row, "relations", "relative", record.get("relative"))
            if person is None or relative is None:
                continue
            if person == relative or (person, relative) in self.relations or (relative, person) in self.relations:
                self.problem(row, "relative", f"relations：{person} 与 {relative} 的关系重复或指向本人")
                continue
            self.relations[(person, relative)] = relation

    def _read_births(self) -> None:
        certificates: set[str] = set()
        for row, record in enumerate(self.doc.get("births") or [], start=1):
            if not isinstance(record, dict):
                self.problem(row, None, "births：每条记录应为映射")
                continue
            number = _text(record.get("record") or "")
            certificate = _text(record.get("certificate") or "")
            if not number or number in self.births:
                self.problem(row, "record", f"births：出生登记编号“{number}”为空或重复")
                continue
            if certificate and certificate in certificates:
                self.problem(row, "certificate", f"births：出生医学证明编号“{certificate}”重复")
            certificates.add(certificate)
            mother = self._person(row, "births", "mother", record.get("mother"))
            father = self._person(row, "births", "father", record.get("father")) if record.get("father") else ""
            values = {str(k): _text(v) for k, v in (record.get("values") or {}).items() if v not in (None, "")}
            self._check_values(row, "births", ConsentScope.HEALTH, "newborn", values)
            if "newborn.birth_certificate_number" in values:
                self.problem(row, "newborn.birth_certificate_number", "births：证明编号写在 certificate 中")
            try:
                born_on = datetime.date.fromisoformat(values.get("newborn.birth_date", ""))
            except ValueError:
                self.problem(row, "newborn.birth_date", "births：缺少出生日期或格式不是 YYYY-MM-DD")
                continue
            if mother is None or father is None:
                continue
            self.births[number] = {
                "certificate_number": certificate,
                "mother_id_number": mother,
                "father_id_number": father,
                "born_on": born_on,
                "values": values,
            }

    def _read_department_records(self) -> None:
        holders = set(self.people) | set(self.enterprises)
        for row, record in enumerate(self.doc.get("records") or [], start=1):
            if not isinstance(record, dict):
                self.problem(row, None, "records：每条记录应为映射")
                continue
            source, section = _text(record.get("source", "")), _text(record.get("section", ""))
            holder = normalize_id_number(_text(record.get("holder", "")))
            if source not in DEPARTMENT_SCOPES:
                self.problem(row, "source", f"records：来源“{source}”不是部门数据源")
                continue
            if holder not in holders:
                self.problem(row, "holder", f"records：{holder or '（空）'} 不在 people 或 enterprises 中")
                continue
            if (source, holder, section) in self.records:
                self.problem(row, "section", f"records：{source} 关于 {holder} 的“{section}”记录重复")
                continue
            values = {str(k): _text(v) for k, v in (record.get("values") or {}).items() if v not in (None, "")}
            if not values:
                self.problem(row, "values", "records：没有任何值")
            self._check_values(row, "records", source, section, values)
            self.records[(source, holder, section)] = values


def _value_problem(element: DataElement, value: str) -> str:
    """Why the one form would refuse this value (the checks a demo file gets wrong), or ''."""
    if element.type == "choice" and element.choices and value not in element.choices:
        return f"“{value}”不是可选值（{'、'.join(element.choices)}）"
    if element.type == "boolean" and value not in ("true", "false"):
        return "是否类数据元的值应为 true 或 false"
    if element.type == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return "日期格式应为 YYYY-MM-DD"
    if element.type == "id_number":
        try:
            validate_id_number(value)
        except ValidationError as exc:
            return "；".join(exc.messages)
    if element.max_length and len(value) > element.max_length:
        return f"超过 {element.max_length} 个字符"
    return ""


def _sync(model, identity: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """Make the table hold exactly `rows` (matched on the `identity` fields), writing only what differs."""
    existing = {tuple(getattr(obj, f) for f in identity): obj for obj in model.objects.all()}
    for row in rows:
        obj = existing.pop(tuple(row[f] for f in identity), None)
        if obj is None:
            model.objects.create(**row)
            continue
        changed = [f for f, value in row.items() if getattr(obj, f) != value]
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            obj.save(update_fields=[model._meta.get_field(f).name for f in changed])
    if existing:
        model.objects.filter(pk__in=[obj.pk for obj in existing.values()]).delete()


def load_demo_shared_data(path: Path = DEMO_DATA_FILE) -> LoadResult:
    """Load the demo registries from `path`; raises ValidationReport (nothing written) if anything is wrong."""
    reader = _Reader(path)
    if not reader.problems:
        reader.read()
    if reader.problems:
        raise ValidationReport(reader.problems)
    with transaction.atomic():
        _sync(
            DemoPerson,
            ("id_number",),
            [
                {
                    "id_number": number,
                    "name": values["applicant.name"],
                    "values": {k: v for k, v in values.items() if k not in ("applicant.id_number", "applicant.name")},
                    "household": reader.households.get(number, ("", False))[0],
                    "householder": reader.households.get(number, ("", False))[1],
                }
                for number, values in reader.people.items()
            ],
        )
        _sync(
            DemoEnterprise,
            ("credit_code",),
            [
                {
                    "credit_code": code,
                    "name": values["enterprise.name"],
                    "values": {
                        k: v for k, v in values.items() if k not in ("enterprise.credit_code", "enterprise.name")
                    },
                }
                for code, values in reader.enterprises.items()
            ],
        )
        _sync(DemoLicence, ("licence_type", "number", "holder_id"), reader.licences)
        person_pk = dict(DemoPerson.objects.values_list("id_number", "pk"))
        _sync(
            DemoRelation,
            ("person_id", "relative_id"),
            [
                {"person_id": person_pk[person], "relative_id": person_pk[relative], "relation": relation}
                for (person, relative), relation in reader.relations.items()
            ],
        )
        _sync(
            DemoBirth,
            ("record_number",),
            [{"record_number": number, **birth} for number, birth in reader.births.items()],
        )
        _sync(
            DemoRecord,
            ("source", "holder_id", "section"),
            [
                {"source": source, "holder_id": holder, "section": section, "values": values}
                for (source, holder, section), values in reader.records.items()
            ],
        )
    return LoadResult(
        people=DemoPerson.objects.count(),
        enterprises=DemoEnterprise.objects.count(),
        licences=DemoLicence.objects.count(),
        relations=DemoRelation.objects.count(),
        births=DemoBirth.objects.count(),
        records=DemoRecord.objects.count(),
    )
