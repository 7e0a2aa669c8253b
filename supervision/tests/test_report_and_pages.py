"""The report (通报: JSON keys, Excel, PDF, the command) and the pages: the dashboard's door, the drill-down, 督办 from
the drill-down and the answer from the task page."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals.tests.conftest import FIRE, at, item_of
from cases.choices import CaseAction
from supervision.choices import EscalationStatus
from supervision.models import Escalation
from supervision.report import build_report

from .conftest import END, NOW, START
from .test_figures import HAND_COUNTED

pytestmark = pytest.mark.django_db

REQUIRED = ["received", "not_accepted", "completed", "completion_rate", "review_on_time_rate", "decision_on_time_rate",
            "overdue_open"]  # fmt: skip


def test_the_report_holds_the_documented_keys(scenario):
    report = build_report(scenario.county, START, END, now=NOW)
    assert {"version", "region", "period", "generated_at", "figures", "by_department", "by_one_thing"} <= set(report)
    assert {k: v for k, v in report["figures"].items() if k != "ratings"} == HAND_COUNTED
    assert report["figures"]["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}  # nobody rated in the scenario
    assert all(k in report["figures"] for k in REQUIRED)
    departments = {row["department_code"]: row for row in report["by_department"]}
    assert set(departments) == {"MARKET", "FIRE_RESCUE", "HOUSING_CONSTRUCTION"}
    for row in report["by_department"]:
        assert row["department"] and all(k in row for k in REQUIRED)
    assert departments["MARKET"]["received"] == 4 and departments["MARKET"]["review_on_time_rate"] is None
    json.dumps(report)  # plain data


def test_the_command_writes_json_excel_and_pdf(scenario, tmp_path, monkeypatch):
    out = io.StringIO()
    with at("2026-11-20 12:00"):
        call_command(
            "supervision_report", "--region", "410700", "--from", "2026-10-26", "--to", "2026-11-20", stdout=out
        )
    data = json.loads(out.getvalue())
    assert data["region"]["code"] == "410700" and data["figures"]["received"] == 8  # the city rolls up 新乡县
    from openpyxl import load_workbook

    with at("2026-11-20 12:00"):
        call_command("supervision_report", "--region", "410721", "--from", "2026-10-26", "--to", "2026-11-20",
                     "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))  # fmt: skip
        call_command("supervision_report", "--region", "410721", "--from", "2026-10-26", "--to", "2026-11-20",
                     "--format", "pdf", "-o", str(tmp_path / "r.pdf"))  # fmt: skip
    with at("2026-11-20 12:00"):  # without -o: a file named after the region and the period, here
        monkeypatch.chdir(tmp_path)
        call_command("supervision_report", "--region", "410721", "--from", "2026-11-01", "--to", "2026-11-20",
                     "--format", "xlsx")  # fmt: skip
    assert (tmp_path / "supervision-410721-20261101-20261120.xlsx").exists()
    sheet = load_workbook(tmp_path / "r.xlsx")["总体"]
    values = {row[1]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["received"] == 8 and values["overdue_open"] == 1
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_only_supervisors_of_the_region_see_the_dashboard(scenario, client_for):
    url = reverse("supervision:dashboard")
    assert client_for("xinxiang_rev_market").get(url).status_code == 404
    assert client_for("citizen").get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to the login page
    other = client_for("minquan_supervisor")
    assert other.get(url, {"region": scenario.county.pk}).status_code == 404  # not its region
    with at("2026-11-20 12:00"):
        page = client_for("xinxiang_supervisor").get(url, {"start": "2026-10-26", "end": "2026-11-20"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="figure-received"' in html and "vendor/echarts/echarts.common.min.js" in html
    assert page.context["tiles"][0]["value"] == 8


def test_a_bad_period_is_a_field_message_not_a_500(scenario, client_for):
    page = client_for("xinxiang_supervisor").get(
        reverse("supervision:dashboard"), {"start": "2026-11-20", "end": "2026-10-01"}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["end"]


def test_drill_down_escalate_and_answer_through_the_pages(scenario, client_for):
    supervisor = client_for("xinxiang_supervisor")
    params = {"figure": "overdue_open", "start": "2026-10-26", "end": "2026-11-20"}
    with at("2026-11-20 12:00"):
        page = supervisor.get(reverse("supervision:cases"), params)
    assert page.status_code == 200
    fire = item_of(scenario.a, FIRE)
    assert [r.item_id for r in page.context["rows"]] == [fire.pk]
    assert fire.pk in page.context["escalatable"]
    with at("2026-11-20 12:00"):
        response = supervisor.post(
            reverse("supervision:escalate", args=[fire.pk]), {"note": "请尽快办结", "next": "/supervision/"}
        )
    assert response.status_code == 302
    escalation = Escalation.objects.get(item=fire)
    assert fire.events.filter(action=CaseAction.ESCALATE_ITEM).exists()

    reviewer = client_for("xinxiang_rev_fire_rescue")
    with at("2026-11-20 13:00"):
        task = reviewer.get(reverse("approvals:task", args=[fire.pk]))
        assert 'id="answer-escalation"' in task.content.decode()
        reviewer.post(reverse("supervision:answer", args=[escalation.pk]), {"reason": "", "new_due_on": "2026-11-21"})
        escalation.refresh_from_db()
        assert escalation.status == EscalationStatus.OPEN  # refused: no reason, a Saturday
        reviewer.post(
            reverse("supervision:answer", args=[escalation.pk]), {"reason": "复核中", "new_due_on": "2026-11-24"}
        )
    escalation.refresh_from_db()
    assert (escalation.status, escalation.new_due_on) == (EscalationStatus.ANSWERED, dt.date(2026, 11, 24))
    # another department's reviewer cannot even find it
    assert (
        client_for("xinxiang_rev_market")
        .post(reverse("supervision:answer", args=[escalation.pk]), {"reason": "x", "new_due_on": "2026-11-24"})
        .status_code
        == 404
    )


def test_the_report_counts_the_ratings_of_the_region_and_of_each_department():
    """好差评 in the 通报 (figures.ratings, by_department[].ratings): two ended restaurant cases of 新乡县, rated by the
    enterprise — the window's intake 5 and 1, the licence check (市场监管局) 4, the whole one-thing (its lead,
    市场监管局) 3."""
    from evaluation import services as evaluation
    from evaluation.contacts import item_key
    from evaluation.tests.scenario import CHECK, ended_case, item, user
    from evaluation.tests.scenario import at as eval_at
    from regions.models import Region

    first, second = ended_case("2026-11-23 09:30"), ended_case("2026-11-24 09:30")
    enterprise = user("enterprise")
    with eval_at("2026-11-24 16:00"):
        for case, key, level in [
            (first, "intake", 5),
            (first, item_key(item(first, CHECK).pk), 4),
            (second, "intake", 1),
            (second, "whole", 3),
        ]:
            reasons = ["long_wait"] if level == 1 else []
            evaluation.do_rate_contact(
                case, key, level=level, reasons=reasons, channel="online", acting_user=enterprise
            )
    report = build_report(Region.objects.get(code="410721"), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert report["figures"]["ratings"] == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1}
    rows = {row["department_code"]: row for row in report["by_department"]}
    assert rows["MARKET"]["ratings"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 0}
    assert rows["FIRE_RESCUE"]["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    outside = build_report(Region.objects.get(code="411323"), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert outside["figures"]["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
