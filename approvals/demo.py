"""Example values a department enters when it approves an item whose result produces data (demo cases, tests).

They are made up, but valid as the form checks them: a 公民身份号码 with the case's county code, the holder's birth
date and a correct check digit; a 残疾人证号 built as the real one is (the holder's ID number, the category and the
level digits); certificate numbers with the issuing county's code and the case's sequence.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from stdnum.cn import ric

from cases.models import CaseItem
from catalog.choices import ElementType

from .services import produced_fields

EXAMPLE_UTILITY_CREDIT_CODE = "91410721MA9F0PWR1P"  # made up, valid by GB 32100
DISABILITY_CATEGORIES = ["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"]
DISABILITY_LEVELS = ["一级", "二级", "三级", "四级"]


def example_produced_values(item: CaseItem) -> dict[str, str]:
    """A valid made-up value for each value the item's result produces (approvals.services.produced_fields)."""
    case = item.case
    values = case.values or {}
    region = case.one_thing.region.code[:6]
    sequence = case.pk % 1000
    today = timezone.localdate()
    found: dict[str, str] = {}
    for f in produced_fields(item):
        if f.type == ElementType.ID_NUMBER:
            birth = _date(values.get(f"{f.section}.birth_date")) or today
            body = f"{region}{birth:%Y%m%d}{sequence:03d}"
            found[f.key] = body + ric.calc_check_digit(body + "0")  # it expects a number with a check digit
        elif f.type == ElementType.DATE:
            found[f.key] = today.isoformat()
        elif f.type == ElementType.BOOLEAN:
            found[f.key] = "false"
        elif f.type in (ElementType.DECIMAL, ElementType.INTEGER):
            found[f.key] = str(100 + sequence)
        elif f.type == ElementType.CREDIT_CODE:
            found[f.key] = EXAMPLE_UTILITY_CREDIT_CODE
        elif f.key == "utility.works_unit_name":
            found[f.key] = "国网新乡县供电公司（示例）"
        elif f.type == ElementType.TEXT:
            found[f.key] = "（示例）沿规划道路东侧人行道敷设，至用户红线处接入"
        elif f.key == "disabled.card_number":
            category = values.get("disabled.category", "")
            level = values.get("disabled.level", "")
            found[f.key] = (
                str(values.get("disabled.id_number", ""))
                + str(DISABILITY_CATEGORIES.index(category) + 1 if category in DISABILITY_CATEGORIES else 4)
                + str(DISABILITY_LEVELS.index(level) + 1 if level in DISABILITY_LEVELS else 2)
            )
        else:
            found[f.key] = f"{region}{today:%Y}{case.pk:06d}"[: f.max_length or 30]
    return found


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None
