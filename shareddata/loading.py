"""demo_data.yaml → the simulated registries. Validate everything first, then write in one transaction.

Idempotent, and the file is the truth: demo rows that are no longer in it are removed. Needs the data dictionary
(`manage.py load_catalog`) because every key must be a data element of the registry it is listed under and every
licence type one that a material type names.
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

from .choices import ConsentScope, LicenceStatus
from .models import DemoEnterprise, DemoLicence, DemoPerson

DEMO_DATA_FILE = Path(__file__).resolve().parent / "demo_data.yaml"


@dataclass
class LoadResult:
    people: int
    enterprises: int
    licences: int


def _text(value: Any) -> str:
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
        elements = dict(DataElement.objects.values_list("key", "source"))
        if not elements:
            self.problem(None, None, "数据元目录为空，请先运行 load_catalog")
            return
        self._read_records("people", ConsentScope.POPULATION, "applicant.id_number", elements, self.people)
        self._read_records("enterprises", ConsentScope.MARKET, "enterprise.credit_code", elements, self.enterprises)
        self._read_licences()

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


def load_demo_shared_data(path: Path = DEMO_DATA_FILE) -> LoadResult:
    """Load the demo registries from `path`; raises ValidationReport (nothing written) if anything is wrong."""
    reader = _Reader(path)
    if not reader.problems:
        reader.read()
    if reader.problems:
        raise ValidationReport(reader.problems)
    with transaction.atomic():
        for number, values in reader.people.items():
            rest = {k: v for k, v in values.items() if k not in ("applicant.id_number", "applicant.name")}
            DemoPerson.objects.update_or_create(
                id_number=number, defaults={"name": values["applicant.name"], "values": rest}
            )
        DemoPerson.objects.exclude(id_number__in=reader.people).delete()
        for code, values in reader.enterprises.items():
            rest = {k: v for k, v in values.items() if k not in ("enterprise.credit_code", "enterprise.name")}
            DemoEnterprise.objects.update_or_create(
                credit_code=code, defaults={"name": values["enterprise.name"], "values": rest}
            )
        DemoEnterprise.objects.exclude(credit_code__in=reader.enterprises).delete()
        keep: list[int] = []
        for licence in reader.licences:
            identity = {k: licence[k] for k in ("licence_type", "number", "holder_id")}
            row, _ = DemoLicence.objects.update_or_create(
                **identity, defaults={k: v for k, v in licence.items() if k not in identity}
            )
            keep.append(row.pk)
        DemoLicence.objects.exclude(pk__in=keep).delete()
    return LoadResult(
        people=DemoPerson.objects.count(),
        enterprises=DemoEnterprise.objects.count(),
        licences=DemoLicence.objects.count(),
    )
