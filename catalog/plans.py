"""What a one-thing version is to hold, as the seed loader (catalog.loading) or the Excel import (catalog.excel) read
it: plain data, resolved to database rows (regions, departments, service items, material types) but not yet written.

Both hand a OneThingPlan to the catalog services (`create_one_thing`, `do_load_one_thing`), which are the only
code that turns a plan into OneThing, OneThingItem, Question, Option and FAQ rows; service items are found or made
through `services.ServiceItems`, the one item-code generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from regions.models import Department, Region

from .models import MaterialType, OneThing, ServiceItem

# OneThing fields a plan may set: the guide fields staff edit (services.EDITABLE_FIELDS) and those of the list.
LIST_FIELDS = ("batch", "seq", "provincial", "is_template", "source_document")


@dataclass
class PlannedItem:
    """A co-handling item of the one-thing: the service item, the department handling it and those supporting it."""

    name: str  # how the plan's prerequisites and options refer to it (the seed's spelling)
    service_item: ServiceItem
    department: Department
    supporting: list[Department] = field(default_factory=list)
    level: str = ""
    mandatory: bool = True
    note: str = ""
    prerequisites: list[str] = field(default_factory=list)  # names of other items of the plan


@dataclass
class PlannedOption:
    key: str
    label: str
    include_items: list[str] = field(default_factory=list)  # item names
    exclude_items: list[str] = field(default_factory=list)
    require_materials: list[MaterialType] = field(default_factory=list)
    exempt_materials: list[MaterialType] = field(default_factory=list)


@dataclass
class PlannedQuestion:
    key: str
    text: str
    show_if: list[str] = field(default_factory=list)  # "question.option" of earlier questions
    options: list[PlannedOption] = field(default_factory=list)


@dataclass
class PlannedOverride:
    """A local adjustment of an adopted item (承接后本地调整), with its reason."""

    item: str  # the service item's name
    reason: str = ""
    department: Department | None = None
    promised_days: int | None = None


@dataclass
class OneThingPlan:
    code: str
    region: Region
    fields: dict[str, Any]  # OneThing fields by name: services.EDITABLE_FIELDS and LIST_FIELDS
    items: list[PlannedItem] = field(default_factory=list)
    questions: list[PlannedQuestion] = field(default_factory=list)
    faqs: list[tuple[str, str]] = field(default_factory=list)  # (question, answer)
    # adopted (承接): items, questionnaire and guide fields come from this template version, then `overrides`
    template: OneThing | None = None
    overrides: list[PlannedOverride] = field(default_factory=list)
    source_hash: str = ""  # the seed loader's fingerprint of the files the plan was read from
    source: str = ""  # the file it was read from, for change records and problems
