"""Benchmark: the big lists at 1M case items (issue 13) — the pages people open all day, on PostgreSQL.

    .venv/bin/python bench/at_scale.py                        # 1M items, 80k open; scratch database, dropped
    .venv/bin/python bench/at_scale.py --items 200000 --open 16000 --rounds 3

The data is bench/scan_deadlines.py's (its generator, the same NOW: 250k 开办餐饮店 cases of 新乡县, four items each,
--open of them open, 3% overdue, 1% in warning), on a scratch database made, migrated and dropped here. Each page is
fetched in-process through Django's test client, logged in as the demo account that uses it, at NOW; the median of
--rounds after one warm-up request:

    queue              /tasks/ for 市场监管局's reviewer (xinxiang_rev_market): the department's open tasks
    overdue            /tasks/?clock=overdue for the same reviewer
    warning            /tasks/?clock=warning
    supervisor         /tasks/ for the county's supervisor (every department's open tasks)
    supervisor_overdue /tasks/?clock=overdue for the supervisor
    window             /window/ for the county's window (the queues of the workbench)
    scan               approvals.services.scan_deadlines(NOW), nothing to flag
    count_open         SELECT count(*) of the open items: what reading them at all costs (the baseline of the run)

Prints JSON: seconds per page, queries per page, each page over count_open, and the worker's peak RSS (MB) after the
scan (resource.getrusage: the whole process, data generation included).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = {
    "queue": ("xinxiang_rev_market", "/tasks/"),
    "overdue": ("xinxiang_rev_market", "/tasks/?clock=overdue"),
    "warning": ("xinxiang_rev_market", "/tasks/?clock=warning"),
    "supervisor": ("xinxiang_supervisor", "/tasks/"),
    "supervisor_overdue": ("xinxiang_supervisor", "/tasks/?clock=overdue"),
    "window": ("xinxiang_window", "/window/"),
}


def main() -> None:
    from scan_deadlines import scratch_main

    scratch_main(__doc__.split("\n\n")[0], "yijian_bench_scale", run)


def run(database_url: str, args) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yijian.test_settings"
    os.environ.setdefault("YIJIAN_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    import scan_deadlines as data
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from accounts.models import User
    from approvals.services import scan_deadlines

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], ALLOWED_HOSTS=["*"]).enable()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    for command in ("load_catalog", "load_demo_accounts"):
        call_command(command, stdout=open(os.devnull, "w"))
    setup_seconds = round(time.perf_counter() - started, 1)
    generated = data.generate(args.items, args.open)

    def count_open() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_caseitem WHERE status IN ('queued', 'accepted', 'pre_review')")
            return cursor.fetchone()[0]

    count_seconds, _, opened = data.timed(count_open, args.rounds)
    report: dict = {
        "database": connection.vendor,
        "setup_seconds": setup_seconds,
        "generated": generated,
        "open_items": opened,
        "now": data.NOW.isoformat(),
        "rounds": args.rounds,
        "count_open_seconds": count_seconds,
        "pages": {},
    }
    with mock.patch.object(timezone, "now", lambda: data.NOW):
        for name, (username, url) in PAGES.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            response = client.get(url)  # warm: the session, the process's caches, the first plans
            assert response.status_code == 200, (name, response.status_code)
            seconds, worst, response = data.timed(lambda c=client, u=url: c.get(u), args.rounds)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            report["pages"][name] = {
                "seconds": seconds,
                "max_seconds": worst,
                "queries": len(queries.captured_queries),
                "over_count_open": round(seconds / count_seconds, 1) if count_seconds else None,
                "target_met": worst <= 0.1,
            }
        scan_deadlines(data.NOW)
        scan_seconds, scan_max, counts = data.timed(lambda: scan_deadlines(data.NOW), args.rounds)
    report["scan_seconds"] = scan_seconds
    report["scan_max_seconds"] = scan_max
    report["scan_flagged"] = counts
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return report


if __name__ == "__main__":
    main()
