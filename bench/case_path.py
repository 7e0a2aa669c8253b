"""Benchmark: the service path of one case, phase by phase, against the same rows written by raw SQL (issue 13).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yijian_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yijian_bench .venv/bin/python manage.py load_catalog
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yijian_bench .venv/bin/python bench/case_path.py --cases 20

The case: 新生儿出生 of 新乡县, answered so that six items are selected (as bench/submit_and_route.py files it), filed
by the demo citizen, received by the window (every material uploaded: distributed at once), each item accepted and
approved by its department's reviewer (prerequisites first: a dependant accepted while its prerequisite is pending
is released by the approval), the results handed over at the window. Phases, each through the services the pages
call: form (do_save_draft), materials (8 × do_upload_material), submit (do_submit_case), receive (do_receive_case,
which distributes), accept (6 × do_accept_item), decide (approve until every item ended), deliver
(do_record_delivery). The demo accounts and shared data are loaded when missing; one warm-up case runs first.

The floor: every INSERT, UPDATE and DELETE the services sent for the measured cases — the same SQL with the same
parameters, in the same order — replayed with psycopg alone (no ORM, no reads, no checks) on two copies of the
database taken just before the measured cases (so ids, sequences and unique values line up): once in one
transaction per case, once in one transaction per phase. PostgreSQL only (the copies are CREATE DATABASE …
TEMPLATE); the copies are dropped at the end.

Prints JSON: per phase the mean ms and queries of the services, and the floor's mean ms per phase (one transaction
per phase); `queries_per_case` (form to decided), `submit_distribute_ms` (submit + receive), `full_ms` (form to
every item decided), `deliver_ms`, the floors `floor_submit_distribute_ms`, `floor_full_ms` (one transaction per
phase) and `floor_case_tx_full_ms` (one per case), and `submit_distribute_ratio_to_floor`, `full_ratio_to_floor`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijian.settings")
os.environ.setdefault("DEBUG", "1")  # the development secret key and the console SMS sender; DATABASE_URL decides

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.choices import StaffRole  # noqa: E402
from accounts.models import User  # noqa: E402
from approvals import services as approvals  # noqa: E402
from approvals.demo import example_produced_values  # noqa: E402
from cases import services as cases  # noqa: E402
from cases.choices import ItemStatus  # noqa: E402
from cases.management.commands.demo_cases import form_values  # noqa: E402
from cases.models import Case, CaseItem  # noqa: E402
from catalog.choices import OneThingStatus  # noqa: E402
from catalog.models import MaterialType, OneThing  # noqa: E402
from materials.samples import MINIMAL_PDF  # noqa: E402
from materials.services import do_upload_material, notice_for_draft  # noqa: E402
from oneform.services import do_save_draft  # noqa: E402
from results import queries as result_queries  # noqa: E402
from results import services as results  # noqa: E402

CODE = "410721-01-009"  # 新生儿出生, 新乡县
ANSWERS = {"hukou": "local", "insurance": "both", "maternity": "settled", "applicant": "other", "guidance": "register"}
APPLICANT, WINDOW, DELIVERY = "citizen", "xinxiang_window", "xinxiang_delivery"
PHASES = ("form", "materials", "submit", "receive", "accept", "decide", "deliver")
FULL = PHASES[:-1]  # form to every item decided
WRITES = ("INSERT", "UPDATE", "DELETE")


class Recorder:
    """Counts the queries of each phase and keeps the writes (SQL, parameters, many) in order."""

    def __init__(self) -> None:
        self.phase = ""
        self.queries: dict[str, int] = defaultdict(int)
        self.writes: list[tuple[str, str, object, bool]] = []
        self.keep = False

    def __call__(self, execute, sql, params, many, context):
        self.queries[self.phase] += 1
        if self.keep and sql.lstrip().upper().startswith(WRITES):
            self.writes.append((self.phase, sql, params, many))
        return execute(sql, params, many, context)


def prepare() -> None:
    if not User.objects.filter(username=APPLICANT).exists():
        call_command("load_demo_accounts", verbosity=0)
    from shareddata.models import DemoPerson

    if not DemoPerson.objects.exists():
        call_command("load_demo_shared_data", verbosity=0)


class Case1:
    """One case through the services; `run` records each phase's time in `ms`."""

    def __init__(self, one_thing: OneThing, values: dict[str, str], people: dict[str, User], types) -> None:
        self.one_thing, self.values, self.people, self.types = one_thing, values, people, types

    def run(self, rec: Recorder, ms: dict[str, list[float]]) -> None:
        applicant, state = self.people[APPLICANT], {"q": ANSWERS, "skip": [], "lic": []}

        def phase(name: str, work):
            rec.phase = name
            start = time.perf_counter()
            result = work()
            ms[name].append((time.perf_counter() - start) * 1000)
            rec.phase = ""
            return result

        draft = phase(
            "form", lambda: do_save_draft(applicant, self.one_thing, state, self.values, acting_user=applicant)
        )
        lines = notice_for_draft(draft).to_submit  # read outside the phases: what the page shows

        def upload():
            for line in lines:
                pdf = SimpleUploadedFile(f"{line.key}.pdf", MINIMAL_PDF, content_type="application/pdf")
                do_upload_material(draft, self.types[line.key], pdf, acting_user=applicant)

        phase("materials", upload)
        key = uuid.uuid4().hex
        case = phase("submit", lambda: cases.do_submit_case(draft, key, acting_user=applicant, ip="127.0.0.1"))
        case = phase("receive", lambda: cases.do_receive_case(case, acting_user=self.people[WINDOW], ip="127.0.0.1"))
        items = list(CaseItem.objects.filter(case=case).select_related("department").order_by("order", "id"))
        reviewers = {i.department_id: self.reviewer(i) for i in items}

        def accept():
            for item in items:
                approvals.do_accept_item(item, acting_user=reviewers[item.department_id], ip="127.0.0.1")

        phase("accept", accept)

        def decide():
            for _round in range(len(items) + 1):
                ready = list(CaseItem.objects.filter(case=case, status=ItemStatus.ACCEPTED).order_by("order", "id"))
                if not ready:
                    return
                for item in ready:
                    approvals.do_approve_item(
                        item,
                        produced_values=example_produced_values(item),
                        acting_user=reviewers[item.department_id],
                        ip="127.0.0.1",
                    )

        phase("decide", decide)
        open_items = CaseItem.objects.filter(case=case).exclude(status=ItemStatus.APPROVED).count()
        if open_items:
            raise SystemExit(f"{case.number}: {open_items} items not approved")

        def deliver():
            fresh = Case.objects.get(pk=case.pk)
            ready = result_queries.ready_for_delivery(fresh)
            results.do_record_delivery(
                fresh, ready, "window", recipient_name=str(applicant), acting_user=self.people[DELIVERY], ip="127.0.0.1"
            )

        phase("deliver", deliver)

    def reviewer(self, item: CaseItem) -> User:
        return (
            User.objects.filter(roles__role=StaffRole.REVIEWER, roles__department_id=item.department_id)
            .order_by("username")
            .first()
        )


def admin_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgresql://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"


def database_url(name: str) -> str:
    return admin_url().rsplit("/", 1)[0] + "/" + name


def copy_database(source: str, copy: str) -> None:
    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')


def drop_database(name: str) -> None:
    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def replay(conn: psycopg.Connection, case_writes, per_phase: bool) -> dict[str, float]:
    """One case's writes on a copy, through psycopg alone: one transaction for the case, or one per phase."""
    spent: dict[str, float] = defaultdict(float)
    start = time.perf_counter()
    for name in [p for p in PHASES if any(w[0] == p for w in case_writes)]:
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            for _phase, sql, params, many in (w for w in case_writes if w[0] == name):
                if many:
                    cur.executemany(sql, params)
                else:
                    cur.execute(sql, params)
        if per_phase:
            conn.commit()
        spent[name] += (time.perf_counter() - t0) * 1000
    if not per_phase:
        conn.commit()
        spent["_case"] = (time.perf_counter() - start) * 1000
    return spent


def warm(conn: psycopg.Connection, writes) -> None:
    """Read every table the writes touch once, so that neither copy starts with a cold cache."""
    tables = set()
    for case_writes in writes:
        for _phase, sql, _params, _many in case_writes:
            words = sql.replace('"', " ").split()
            tables.add(words[2] if words[0].upper() in ("INSERT", "DELETE") else words[1])
    with conn.cursor() as cur:
        for table in sorted(tables):
            cur.execute(f'SELECT count(*) FROM "{table}"')
    conn.commit()


def floors(copies: list[str], writes) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """The floor per case (copies[0]) and per phase (copies[1]), case by case in turns, both warmed first."""
    per_case: dict[str, list[float]] = defaultdict(list)
    per_phase: dict[str, list[float]] = defaultdict(list)
    with psycopg.connect(database_url(copies[0])) as a, psycopg.connect(database_url(copies[1])) as b:
        warm(a, writes)
        warm(b, writes)
        for case_writes in writes:
            for name, value in replay(a, case_writes, per_phase=False).items():
                per_case[name].append(value)
            for name, value in replay(b, case_writes, per_phase=True).items():
                per_phase[name].append(value)
    return per_case, per_phase


def mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 2) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/case_path.py runs on PostgreSQL: set DATABASE_URL")
    prepare()
    one_thing = OneThing.objects.select_related("region").get(code=CODE, status=OneThingStatus.PUBLISHED)
    people = {u.username: u for u in User.objects.filter(username__in=[APPLICANT, WINDOW, DELIVERY])}
    values = form_values(one_thing, {"q": ANSWERS, "skip": [], "lic": []}, people[APPLICANT], time_today())
    types = {mt.key: mt for mt in MaterialType.objects.all()}
    runner = Case1(one_thing, values, people, types)
    rec = Recorder()
    warm: dict[str, list[float]] = defaultdict(list)
    with connection.execute_wrapper(rec):
        runner.run(rec, warm)  # warm-up: imports, caches, the first plans
    name = settings.DATABASES["default"]["NAME"]
    connection.close()
    copies = [f"{name}_floor_case", f"{name}_floor_phase"]
    for copy in copies:
        copy_database(name, copy)
    try:
        rec = Recorder()
        rec.keep = True
        ms: dict[str, list[float]] = defaultdict(list)
        per_case_writes = []
        queries_per_case = []
        with connection.execute_wrapper(rec):
            for _ in range(args.cases):
                rec.queries.clear()
                first = len(rec.writes)
                runner.run(rec, ms)
                per_case_writes.append(rec.writes[first:])
                queries_per_case.append({p: rec.queries.get(p, 0) for p in PHASES})
        connection.close()
        floor_case, floor_phase = floors(copies, per_case_writes)
    finally:
        for copy in copies:
            drop_database(copy)
    phases = {
        p: {
            "ms": mean(ms[p]),
            "queries": round(statistics.fmean(q[p] for q in queries_per_case), 1),
            "writes": round(len([w for c in per_case_writes for w in c if w[0] == p]) / args.cases, 1),
            "floor_ms": mean(floor_phase[p]),
        }
        for p in PHASES
    }
    submit_distribute = mean([a + b for a, b in zip(ms["submit"], ms["receive"], strict=True)])
    full = mean([sum(ms[p][i] for p in FULL) for i in range(args.cases)])
    floor_sd = mean([a + b for a, b in zip(floor_phase["submit"], floor_phase["receive"], strict=True)])
    floor_full = mean([sum(floor_phase[p][i] for p in FULL) for i in range(args.cases)])
    floor_case_full = mean(
        [floor_case["_case"][i] - floor_case["deliver"][i] for i in range(args.cases)]
    )  # the per-case transaction, delivery left out like the others
    out = {
        "database": connection.vendor,
        "cases": args.cases,
        "one_thing": f"{one_thing.name} ({CODE})",
        "phases": phases,
        "queries_per_case": round(statistics.fmean(sum(q[p] for p in FULL) for q in queries_per_case), 1),
        "submit_distribute_ms": submit_distribute,
        "full_ms": full,
        "deliver_ms": mean(ms["deliver"]),
        "floor_submit_distribute_ms": floor_sd,
        "floor_full_ms": floor_full,
        "floor_case_tx_full_ms": floor_case_full,
        "submit_distribute_ratio_to_floor": round(submit_distribute / floor_sd, 2) if floor_sd else None,
        "full_ratio_to_floor": round(full / floor_full, 2) if floor_full else None,
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


def time_today():
    from django.utils import timezone

    return timezone.localdate()


if __name__ == "__main__":
    main()
