"""Benchmark: the supervision dashboard, its drill-down and the 通报 on 1M case items, on PostgreSQL, against a
plain count of the rows in scope in the same run (issue 14, point 8: ≤ 300 ms per view).

    .venv/bin/python bench/supervision_figures.py                      # 1M items; scratch database, dropped
    .venv/bin/python bench/supervision_figures.py --items 200000 --rounds 3
    .venv/bin/python bench/supervision_figures.py --server postgres://postgres@127.0.0.1:5432 --keep

The cases and items are bench/scan_deadlines.py's generator (250k 开办餐饮店 cases of 新乡县 with four items each,
filed over the 400 days before NOW, 80k items open, 3% of them long overdue); the summary rows the ON_EVENT hook
would have written (supervision.CaseFact, ItemFact) are derived from them in SQL — one per case, one per
distributed item — and VACUUM ANALYZEd (statistics and the visibility map, as autovacuum keeps them). Then, logged in as a supervisor of 新乡市 through Django's test client (the real
views, templates and the one door):

    dashboard_<scope>   GET /supervision/ for 新乡县 this month (~1/13 of the rows), the city this month, the county
                        over the whole year (~90% of them)
    cases_overdue       GET /supervision/cases/?figure=overdue_open (the first page of 50)
    report_json_month   GET /supervision/report.json for the county, this month
    command_month       report.build_report, what `supervision_report --format json` computes
    count_<scope>       SELECT count(*) of the item rows of that scope: reading them at all (baseline)

The effect assessment's catalog side (guidance.metrics.reform_metrics, cached an hour) is computed once before the
timings; each timing is the median of --rounds (max also given). Prints JSON with the ratios view/count.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # for scan_deadlines (after the project: its apps come first)

TARGET_SECONDS = 0.3


def timed(run, rounds: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4), round(max(times), 4), result


def derive_facts() -> dict:
    """The summary rows from the generated cases and items (what supervision.facts would have kept)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO supervision_casefact (case_id, region_id, one_thing_code, channel, status, submitted_at,
                submitted_on, review_due_at, reviewed_at, review_minutes, received_at, received_on, withdrawn_at,
                deferred, deferred_first_due, committed)
            SELECT c.id, c.region_id, o.code, c.channel, c.status, c.submitted_at,
                   (c.submitted_at AT TIME ZONE 'Asia/Shanghai')::date,
                   COALESCE(c.review_due_at, c.submitted_at + interval '2 hours'),
                   c.received_at, CASE WHEN c.received_at IS NOT NULL THEN (c.id % 240) END,
                   c.received_at, (c.received_at AT TIME ZONE 'Asia/Shanghai')::date, NULL,
                   '{}'::jsonb, CASE WHEN c.id % 50 = 0 AND c.status = 'in_progress' THEN DATE '2026-11-20' END,
                   (c.id % 10 = 0)::int
            FROM cases_case c JOIN catalog_onething o ON o.id = c.one_thing_id
            """
        )
        cursor.execute(
            """
            INSERT INTO supervision_itemfact (item_id, case_id, region_id, one_thing_code, department_id,
                service_item_id, status, received_at, received_on, acceptance_due_at, acceptance_at, accepted_on,
                decision_due_on, decided_at, decided_on, decision_workdays, paused_workdays, delivered_at,
                delivery_late)
            SELECT i.id, i.case_id, f.region_id, f.one_thing_code, i.department_id, i.service_item_id, i.status,
                   i.distributed_at, (i.distributed_at AT TIME ZONE 'Asia/Shanghai')::date, i.acceptance_due_at,
                   COALESCE(i.accepted_at, CASE WHEN i.status = 'approved' THEN i.distributed_at + interval '3 hours' END),
                   (COALESCE(i.accepted_at, i.distributed_at) AT TIME ZONE 'Asia/Shanghai')::date,
                   i.decision_due_on, i.decided_at, (i.decided_at AT TIME ZONE 'Asia/Shanghai')::date,
                   CASE WHEN i.decided_at IS NOT NULL THEN 1 + i.id % 7 END, 0,
                   CASE WHEN i.decided_at IS NOT NULL THEN i.decided_at + interval '1 hour' END,
                   CASE WHEN i.decided_at IS NOT NULL THEN i.id % 20 = 0 END
            FROM cases_caseitem i JOIN supervision_casefact f ON f.case_id = i.case_id
            WHERE i.distributed_at IS NOT NULL
            """
        )
        # as autovacuum would have: statistics, and the visibility map the index-only scans need
        cursor.execute("VACUUM ANALYZE supervision_casefact")
        cursor.execute("VACUUM ANALYZE supervision_itemfact")
        cursor.execute("SELECT count(*) FROM supervision_itemfact")
        items = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM supervision_casefact")
        cases = cursor.fetchone()[0]
    return {"seconds": round(time.perf_counter() - started, 1), "case_facts": cases, "item_facts": items}


def main() -> None:
    from scan_deadlines import scratch_main

    scratch_main(__doc__.split("\n\n")[0], "yijian_bench_supervision", run)


def run(database_url: str, args) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yijian.test_settings"
    os.environ.setdefault("YIJIAN_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from scan_deadlines import NOW, generate

    setup_test_environment()  # the test client's template rendering signals; ALLOWED_HOSTS testserver
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    for command in ("load_catalog", "load_demo_accounts"):
        call_command(command, stdout=open(os.devnull, "w"))
    setup_seconds = round(time.perf_counter() - started, 1)
    generated = generate(args.items, args.open)
    derived = derive_facts()

    from accounts.models import User
    from regions.models import Region
    from supervision import effect, report

    county = Region.objects.get(code="410721")
    city = Region.objects.get(code="410700")
    month = (dt.date(2026, 11, 1), NOW.date())
    year = (dt.date(2025, 11, 26), NOW.date())
    from accounts.choices import AccountKind, StaffRole
    from accounts.models import RoleAssignment

    supervisor = User.objects.create_user(username="bench_city_supervisor", kind=AccountKind.STAFF)
    RoleAssignment.objects.create(user=supervisor, role=StaffRole.SUPERVISOR, region=city)  # 新乡市 and its counties
    client = Client()
    client.force_login(supervisor)
    result: dict = {
        "database": connection.vendor,
        "setup_seconds": setup_seconds,
        "generated": generated,
        "derived": derived,
        "now": NOW.isoformat(),
        "rounds": args.rounds,
    }
    with time_machine.travel(NOW, tick=False):
        warm = time.perf_counter()
        effect.catalog_side()
        result["effect_catalog_side_once_seconds"] = round(time.perf_counter() - warm, 2)

        def get(url: str, params: dict):
            def go():
                response = client.get(url, params)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return go

        def count(regions: list[int], start: dt.date, end: dt.date):
            def go() -> int:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM supervision_itemfact WHERE region_id = ANY(%s) "
                        "AND received_on BETWEEN %s AND %s",
                        [regions, start, end],
                    )
                    return cursor.fetchone()[0]

            return go

        scopes = {
            "county_month": (county, month),
            "city_month": (city, month),
            "county_year": (county, year),
        }
        from accounts.permissions import regions_below

        timings = {}
        for name, (region, (start, end)) in scopes.items():
            params = {"region": region.pk, "start": start.isoformat(), "end": end.isoformat()}
            get("/supervision/", params)()  # warm: imports, the first plans
            seconds, worst, response = timed(get("/supervision/", params), args.rounds)
            count_seconds, _, rows = timed(count(sorted(regions_below([region.pk])), start, end), args.rounds)
            timings[f"dashboard_{name}"] = {
                "seconds": seconds,
                "max_seconds": worst,
                "rows_in_scope": rows,
                "count_seconds": count_seconds,
                "over_count": round(seconds / count_seconds, 1) if count_seconds else None,
                "received_shown": response.context["tiles"][0]["value"],
            }
        params = {"region": county.pk, "start": month[0].isoformat(), "end": month[1].isoformat()}
        seconds, worst, _ = timed(get("/supervision/cases/", {**params, "figure": "overdue_open"}), args.rounds)
        timings["cases_overdue"] = {"seconds": seconds, "max_seconds": worst}
        seconds, worst, _ = timed(get("/supervision/report.json", params), args.rounds)
        timings["report_json_month"] = {"seconds": seconds, "max_seconds": worst}
        seconds, worst, built = timed(lambda: report.build_report(county, *month, now=NOW), args.rounds)
        timings["command_month"] = {"seconds": seconds, "max_seconds": worst, "received": built["figures"]["received"]}
        seconds, worst, built = timed(lambda: report.build_report(county, *year, now=NOW), args.rounds)
        timings["command_year"] = {"seconds": seconds, "max_seconds": worst, "received": built["figures"]["received"]}
    result["timings"] = timings
    result["target_seconds"] = TARGET_SECONDS
    result["over_target"] = sorted(k for k, v in timings.items() if v["max_seconds"] > TARGET_SECONDS)
    return result


if __name__ == "__main__":
    main()
