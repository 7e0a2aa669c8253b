import json

import pytest
from django.core.management import call_command

from catalog.choices import OneThingStatus, Specification
from catalog.models import DataElement, OneThing

pytestmark = pytest.mark.django_db


def test_catalog_report_json_matches_the_database(capsys):
    call_command("catalog_report", json=True)
    report = json.loads(capsys.readouterr().out)
    by_code = {r["code"]: r for r in report["regions"]}
    assert {"410721", "410902", "411323", "411421"} <= set(by_code)
    assert by_code["411323"]["one_things"] == 58
    assert by_code["410902"]["one_things"] == 13
    assert by_code["410721"]["one_things"] == 21
    assert by_code["411421"]["one_things"] == 50
    for code, row in by_code.items():
        live = OneThing.objects.filter(region__code=code, status__in=[OneThingStatus.LISTED, OneThingStatus.PUBLISHED])
        assert row["fully_specified"] == live.filter(specification=Specification.FULL).count()
        assert row["listed_only"] == live.filter(status=OneThingStatus.LISTED).count()
        assert row["departments"] > 0
    assert by_code["411421"]["listed_only"] > 0  # 民权 gives names only
    assert report["data_elements"] == DataElement.objects.count() > 0


def test_catalog_report_table(capsys):
    call_command("catalog_report")
    out = capsys.readouterr().out
    assert "西峡县" in out and "数据元" in out
