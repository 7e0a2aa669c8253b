"""Benchmark: the deadline scans (approvals.scans, cases.tasks) on 1M case items, 80k of them open and almost none
due, on PostgreSQL — against the full scan they replaced and a plain count, in the same run (issue 12, point 6).

    .venv/bin/python bench/scan_deadlines.py                      # 1M items, 80k open; scratch database, dropped
    .venv/bin/python bench/scan_deadlines.py --items 200000 --open 16000 --flag 500 --rounds 3
    .venv/bin/python bench/scan_deadlines.py --server postgres://postgres@127.0.0.1:5432 --keep

It creates a scratch database on --server (yijian_bench_scan_<pid>), migrates it, loads the catalog and the demo
accounts, then writes the cases and items in raw SQL (INSERT … SELECT generate_series, foreign-key triggers off for
the load: session_replication_role = replica) and ANALYZEs. It drops the database at the end unless --keep. Not part
of the test suite or CI. Settings: yijian.test_settings (the production settings with a test-only key).

The data, seen at NOW (Wednesday 2026-11-25 10:00, Beijing time): 250k cases of 开办餐饮店 (新乡县) with its four
items; --open items open (QUEUED, ACCEPTED, PRE_REVIEW: four per open case), of which 3% long overdue and already
flagged 超期, 1% in warning and already flagged 预警, the rest due days ahead; the other items ended (APPROVED);
2000 cases awaiting formal review, due 1 to 3 days ahead. Nothing is to be flagged.

Measured (seconds, median of --rounds unless said):
    count_open          SELECT count(*) of the open items: what reading them at all costs (baseline)
    full_scan           the scan as it was (kept below): every open item locked FOR UPDATE in one transaction and its
                        clock read in Python; one round (rolled back)
    scan                approvals.services.scan_deadlines(NOW), nothing to flag; must stay <= 1 s
    review_full_scan, review_scan   the formal-review scan as it was (kept below) and as it is, nothing to flag
    flag_<n>            after making --flag queued items due (60 working minutes left): one scan flagging them all,
                        with their events and notices (batches of approvals.scans.BATCH); then again, flagging none
Prints JSON with these, the ratios full_scan/scan and scan/count_open, and the candidate query's plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, office hours
RESTAURANT = "410721-01-003"
SUBMITTED_CASES = 2000
PERMUTE = 7919  # prime: (case number × PERMUTE) mod cases spreads the open cases over the table


def timed(run, rounds: int) -> tuple[float, float, object]:
    """(median seconds, max seconds, last result) of `rounds` runs."""
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4), round(max(times), 4), result


# ---------------------------------------------------------------- the scans as they were (the baselines)


def full_scan(now: dt.datetime) -> dict[str, int]:
    """approvals.services.scan_deadlines before issue 12: every open item locked, each clock read in Python (its
    writes kept, for a fair count; with nothing to flag it writes nothing)."""
    from django.db import transaction

    from approvals.services import item_clock
    from cases.choices import ItemStatus
    from cases.models import CaseItem
    from workcalendar.choices import ClockState
    from workcalendar.services import CalendarNotConfigured, WorkingCalendar

    calendar = WorkingCalendar()
    counts = {"warning": 0, "overdue": 0}
    with transaction.atomic():
        open_items = (
            CaseItem.objects.select_for_update(of=("self",))
            .order_by()
            .filter(status__in=[ItemStatus.QUEUED, ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW])
            .select_related("case", "department")
        )
        for item in open_items:
            try:
                reading = item_clock(item, now, calendar)
            except CalendarNotConfigured:
                continue
            if reading is None:
                continue
            flag = {ClockState.WARNING: "warning", ClockState.OVERDUE: "overdue"}.get(reading.state, "")
            if flag and flag != item.clock_flag:
                counts[flag] += 1  # (the old scan wrote the flag, an event and a notice here)
        transaction.set_rollback(True)
    return counts


def review_full_scan(now: dt.datetime) -> dict[str, int]:
    """cases.tasks.scan_review_clocks_now before issue 12: every case awaiting review due within 15 days read,
    locked (waiting) and checked, one transaction each."""
    from django.db import transaction

    from cases.choices import CaseAction, CaseStatus
    from cases.models import Case
    from workcalendar.choices import ClockState
    from workcalendar.clocks import clock_state
    from workcalendar.services import CalendarNotConfigured, WorkingCalendar

    round_starts = (CaseAction.SUBMIT, CaseAction.FILE_WALK_IN, CaseAction.RESUBMIT)
    actions = {ClockState.WARNING: CaseAction.CLOCK_WARNING, ClockState.OVERDUE: CaseAction.CLOCK_OVERDUE}
    calendar = WorkingCalendar()
    counts = {"warning": 0, "overdue": 0}
    candidates = Case.objects.filter(
        status=CaseStatus.SUBMITTED, review_due_at__isnull=False, review_due_at__lte=now + dt.timedelta(days=15)
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).order_by().filter(pk=pk).first()
            if case is None or case.status != CaseStatus.SUBMITTED or case.review_due_at is None:
                continue
            try:
                reading = clock_state(case.review_due_at, now=now, calendar=calendar)
            except CalendarNotConfigured:
                continue
            action = actions.get(reading.state)
            if action is None:
                continue
            round_start = case.events.filter(action__in=round_starts).order_by("-at", "-id").values("at").first()
            recorded = case.events.filter(item__isnull=True, action=action)
            if round_start is not None:
                recorded = recorded.filter(at__gte=round_start["at"])
            if not recorded.exists():
                counts["warning" if action == CaseAction.CLOCK_WARNING else "overdue"] += 1
    return counts


# ---------------------------------------------------------------- the generator


def generate(items: int, open_items: int) -> dict[str, float | int]:
    """Cases and items in raw SQL (module doc); seconds taken and rows written."""
    from django.db import connection

    from accounts.models import User
    from cases.models import Case
    from catalog.models import OneThing

    one_thing = OneThing.objects.get(code=RESTAURANT, status="published")
    templates = list(one_thing.items.order_by("order", "id").values_list("id", "service_item_id", "department_id"))
    names = dict(one_thing.items.values_list("id", "service_item__name"))
    assert len(templates) == 4, templates
    applicant = User.objects.get(username="enterprise")
    cases = items // len(templates)
    open_cases = open_items // len(templates)
    empty_values = Case._meta.get_field("values").get_db_prep_save({}, connection)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no foreign-key triggers for the load
        cursor.execute(
            """
            INSERT INTO cases_case (number, one_thing_id, region_id, applicant_id, filed_by_id, channel, status,
                submission_key, answers, "values", requirements, submitted_at, review_due_at, received_at,
                distributed_at, withdrawal_reason, updated_at)
            SELECT 'B' || lpad(g::text, 12, '0'), %(one_thing)s, %(region)s, %(applicant)s, %(applicant)s, 'online',
                   CASE WHEN p < %(open_cases)s THEN 'in_progress'
                        WHEN p < %(open_cases)s + %(submitted)s THEN 'submitted' ELSE 'completed' END,
                   'bench-' || g, '{}'::jsonb, %(values)s, '{}'::jsonb,
                   %(now)s - make_interval(days => 1 + g %% 400),
                   CASE WHEN p >= %(open_cases)s AND p < %(open_cases)s + %(submitted)s
                        THEN %(now)s + make_interval(days => 1 + g %% 3) END,
                   CASE WHEN p < %(open_cases)s OR p >= %(open_cases)s + %(submitted)s
                        THEN %(now)s - make_interval(days => g %% 400) END,
                   CASE WHEN p < %(open_cases)s OR p >= %(open_cases)s + %(submitted)s
                        THEN %(now)s - make_interval(days => g %% 400) END,
                   '', %(now)s
            FROM (SELECT g, (g::bigint * %(permute)s) %% %(cases)s AS p FROM generate_series(1, %(cases)s) g) s
            """,
            {
                "one_thing": one_thing.pk,
                "region": one_thing.region_id,
                "applicant": applicant.pk,
                "open_cases": open_cases,
                "submitted": SUBMITTED_CASES,
                "values": empty_values,
                "now": NOW,
                "permute": PERMUTE,
                "cases": cases,
            },
        )
        cursor.execute(
            """
            CREATE TEMPORARY TABLE bench_template (k int, one_thing_item_id bigint, service_item_id bigint,
                department_id bigint, name text)
            """
        )
        cursor.executemany(
            "INSERT INTO bench_template VALUES (%s, %s, %s, %s, %s)",
            [(k, oti, si, dep, names[oti]) for k, (oti, si, dep) in enumerate(templates)],
        )
        # open items, by r = (case id × 31 + k) mod 100: r < 3 long overdue, flagged 超期; r = 3 in warning,
        # flagged 预警; the rest due days ahead. Status by k: queued, accepted, pre_review, accepted.
        cursor.execute(
            """
            INSERT INTO cases_caseitem (case_id, one_thing_item_id, service_item_id, department_id, "order", name,
                status, promised_days, distributed_at, acceptance_due_at, accepted_at, decision_due_on, pause_reason,
                paused_workdays, clock_flag, decided_at, reasons, remedies, result_number, updated_at)
            SELECT c.id, t.one_thing_item_id, t.service_item_id, t.department_id, t.k, t.name,
                   CASE WHEN c.status = 'in_progress' THEN (ARRAY['queued', 'accepted', 'pre_review', 'accepted'])[t.k + 1]
                        WHEN c.status = 'submitted' THEN 'awaiting_receipt' ELSE 'approved' END,
                   5, c.distributed_at,
                   CASE WHEN c.status <> 'in_progress' THEN c.received_at + interval '1 day'
                        WHEN r < 3 THEN %(now)s - make_interval(days => 1 + r * 7 + t.k)
                        WHEN r = 3 THEN %(now)s + interval '30 minutes'
                        ELSE %(now)s + make_interval(days => 2, hours => r %% 48) END,
                   CASE WHEN c.status = 'in_progress' AND t.k > 0 THEN c.distributed_at END,
                   CASE WHEN c.status <> 'in_progress' THEN (c.received_at + interval '7 days')::date
                        WHEN r < 3 THEN (%(now)s - make_interval(days => 1 + r * 7 + t.k))::date
                        WHEN r = 3 THEN %(today)s
                        ELSE %(today)s + 3 + r %% 25 END,
                   '', 0,
                   CASE WHEN c.status <> 'in_progress' THEN '' WHEN r < 3 THEN 'overdue'
                        WHEN r = 3 THEN 'warning' ELSE '' END,
                   CASE WHEN c.status = 'completed' THEN c.received_at + interval '5 days' END,
                   '', '', '', %(now)s
            FROM (SELECT c.*, t.k, ((c.id * 31 + t.k) %% 100)::int AS r FROM cases_case c CROSS JOIN bench_template t) c
            JOIN bench_template t ON t.k = c.k
            """,
            {"now": NOW, "today": NOW.date()},
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE cases_caseitem")
        cursor.execute("SELECT count(*) FROM cases_caseitem")
        written = cursor.fetchone()[0]
    return {"seconds": round(time.perf_counter() - started, 1), "cases": cases, "items": written}


def make_due(count: int) -> int:
    """Give `count` queued, unflagged items 60 working minutes left at NOW (inside the 120-minute warning)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE cases_caseitem SET acceptance_due_at = %s WHERE id IN (
                SELECT id FROM cases_caseitem WHERE status = 'queued' AND clock_flag = '' ORDER BY id LIMIT %s)
            """,
            [NOW + dt.timedelta(minutes=60), count],
        )
        return cursor.rowcount


# ---------------------------------------------------------------- the run


def scratch_main(description: str, prefix: str, run, extra=None) -> None:
    """The command line the at-scale benchmarks share: --server, --items, --open, --rounds, --keep (and `extra`'s
    arguments); `run(database_url, args)` on a scratch database made on --server, dropped unless --keep; the report
    printed as JSON."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL, no database")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=80_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    if extra is not None:
        extra(parser)
    args = parser.parse_args()

    import psycopg

    scratch = f"{prefix}_{os.getpid()}"
    server = args.server.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        report = run(f"{server}/{scratch}", args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    print(json.dumps(report, ensure_ascii=False, indent=2))


def main() -> None:
    def flag(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--flag", type=int, default=1000, help="items made due for the flagging phase (0: none)")

    scratch_main(__doc__.split("\n\n")[0], "yijian_bench_scan", run, flag)


def run(database_url: str, args) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yijian.test_settings"
    os.environ.setdefault("YIJIAN_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()  # demo accounts
    from django.db import connection

    from approvals import scans
    from approvals.services import scan_deadlines
    from cases.models import CaseItem
    from cases.tasks import scan_review_clocks_now
    from workcalendar.services import WorkingCalendar

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    for command in ("load_catalog", "load_demo_accounts"):
        call_command(command, stdout=open(os.devnull, "w"))
    setup_seconds = round(time.perf_counter() - started, 1)
    generated = generate(args.items, args.open)
    nothing = {"warning": 0, "overdue": 0}

    def count_open() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_caseitem WHERE status IN ('queued', 'accepted', 'pre_review')")
            return cursor.fetchone()[0]

    count_seconds, count_max, opened = timed(count_open, args.rounds)
    full_seconds, _, full_counts = timed(lambda: full_scan(NOW), 1)
    scan_deadlines(NOW)  # warm: imports, the first plan
    scan_seconds, scan_max, scan_counts = timed(lambda: scan_deadlines(NOW), args.rounds)
    assert scan_counts == full_counts == nothing, (scan_counts, full_counts)
    review_full_seconds, _, review_full_counts = timed(lambda: review_full_scan(NOW), 1)
    review_seconds, review_max, review_counts = timed(lambda: scan_review_clocks_now(NOW), args.rounds)
    assert review_counts == review_full_counts == nothing, (review_counts, review_full_counts)
    plan = scans.candidates(NOW, WorkingCalendar()).explain(analyze=True)

    report = {
        "database": connection.vendor,
        "setup_seconds": setup_seconds,
        "generated": generated,
        "open_items": opened,
        "now": NOW.isoformat(),
        "rounds": args.rounds,
        "count_open_seconds": count_seconds,
        "full_scan_seconds": full_seconds,
        "scan_seconds": scan_seconds,
        "scan_max_seconds": scan_max,
        "full_scan_over_scan": round(full_seconds / scan_seconds, 1),
        "scan_over_count_open": round(scan_seconds / count_seconds, 2),
        "scan_target_met": scan_max <= 1.0,
        "review_full_scan_seconds": review_full_seconds,
        "review_scan_seconds": review_seconds,
        "review_scan_max_seconds": review_max,
        "candidate_plan": [line.strip() for line in plan.splitlines()],
    }
    if args.flag:
        made = make_due(args.flag)
        flag_seconds, _, flagged = timed(lambda: scan_deadlines(NOW), 1)
        again_seconds, _, again = timed(lambda: scan_deadlines(NOW), 1)
        assert flagged == {"warning": made, "overdue": 0}, (made, flagged)
        assert again == nothing, again
        assert CaseItem.objects.filter(clock_flag="warning", acceptance_due_at=NOW + dt.timedelta(minutes=60)).count()
        report[f"flag_{made}_seconds"] = flag_seconds
        report["flag_per_item_ms"] = round(1000 * flag_seconds / made, 2)
        report["flag_batches"] = -(-made // scans.BATCH)
        report["after_flagging_scan_seconds"] = again_seconds
    return report


if __name__ == "__main__":
    main()
