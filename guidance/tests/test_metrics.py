"""`manage.py reform_metrics`: rows, figures and no side effects (definitions in guidance/metrics.py)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.choices import MaterialRequirement, OneThingStatus, Specification
from catalog.models import ItemFormField, ItemMaterial, OneThing
from shareddata.models import Consent, SharedDataEvent

from .conftest import published_code

pytestmark = pytest.mark.django_db

FIGURES = [
    "fields_before",
    "fields_after",
    "materials_before",
    "materials_after",
    "visits_before",
    "visits_after",
    "days_before",
    "days_after",
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("reform_metrics", *args, stdout=out)
    return out.getvalue()


def rows() -> list[dict]:
    return json.loads(run("--json"))


def test_one_row_per_fully_specified_published_one_thing():
    expected = set(
        OneThing.objects.filter(
            status=OneThingStatus.PUBLISHED, is_template=False, specification=Specification.FULL
        ).values_list("code", flat=True)
    )
    got = [r["code"] for r in rows()]
    assert expected
    assert len(got) == len(set(got))
    assert set(got) == expected


def test_figures_are_whole_numbers_and_after_never_exceeds_before():
    for row in rows():
        assert set(row) == {"code", "name", "region", "prefilled_share", *FIGURES}
        for key in FIGURES:
            assert type(row[key]) is int and row[key] >= 0, (row["code"], key)
        assert isinstance(row["prefilled_share"], float) and 0 <= row["prefilled_share"] <= 1
        for what in ("fields", "materials", "days", "visits"):
            assert row[f"{what}_after"] <= row[f"{what}_before"], (row["code"], what)
        assert row["visits_after"] in (0, 1)


def test_restaurant_row_matches_hand_computation():
    code = published_code("开办餐饮店")
    one_thing = OneThing.objects.get(code=code, status=OneThingStatus.PUBLISHED)
    row = next(r for r in rows() if r["code"] == code)
    # the fullest situation brings in every item of 开办餐饮店 (each optional item has an option including it)
    items = list(one_thing.items.select_related("service_item"))
    item_ids = [it.service_item_id for it in items]

    fields = ItemFormField.objects.filter(item_id__in=item_ids)
    assert row["fields_before"] == fields.count()
    assert row["fields_after"] == fields.values("data_element").distinct().count()
    assert row["fields_after"] < row["fields_before"]  # shared fields appear once
    required = ItemMaterial.objects.filter(item_id__in=item_ids, requirement=MaterialRequirement.REQUIRED)
    assert row["materials_before"] >= required.count()  # plus the situational ones the answers trigger
    needed_types = required.values("material_type").distinct().count()
    assert needed_types <= row["materials_before"]
    assert row["materials_after"] < row["materials_before"]  # one set of materials, less exemptions
    assert row["visits_before"] == 2 * len(items)
    assert row["days_before"] == sum(it.effective_promised_days or 0 for it in items)
    assert row["name"] == "开办餐饮店" and row["region"] == one_thing.region.name
    assert 0 < row["prefilled_share"] <= 1  # the enterprise's market record fills some fields


def test_command_changes_nothing():
    consents, events = Consent.objects.count(), SharedDataEvent.objects.count()
    run("--json")
    run()
    assert Consent.objects.count() == consents
    assert SharedDataEvent.objects.count() == events


def test_table_in_chinese_lists_every_row():
    table = run()
    assert "字段前" in table and "预填率" in table
    for row in rows():
        assert row["code"] in table and row["name"] in table


def test_fullest_answers_bring_in_every_optional_item_of_the_restaurant():
    from guidance.metrics import fullest_answers
    from guidance.services import build_notice

    one_thing = OneThing.objects.get(code=published_code("开办餐饮店"), status=OneThingStatus.PUBLISHED)
    answers = fullest_answers(one_thing)
    notice = build_notice(one_thing, answers)
    assert not notice.unanswered
    assert {line.pk for line in notice.selected_items} == set(one_thing.items.values_list("pk", flat=True))
