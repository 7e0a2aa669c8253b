"""Benchmark: applicants file a six-item one-thing over HTTP; the window receives each case, which distributes it.

Against a RUNNING server, on a scratch database (the run leaves its cases there):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yijian_bench .venv/bin/python manage.py runserver --noreload 127.0.0.1:8000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yijian_bench .venv/bin/python bench/submit_and_route.py \\
        --base-url http://127.0.0.1:8000 --clients 4 --cases 40

The script reads the same database as the server (same DATABASE_URL; it calls django.setup()): to prepare the
values and the list of materials each client posts, to create fictional applicants when the demo ones are too few
(`demo_cases`'s, one applicant per client so that drafts never collide), and afterwards to read the timestamps.

Each applicant client logs in (password), then for each of its cases: POST the one form (新生儿出生 of 新乡县, answered
so that six items are selected: 出生医学证明, 预防接种证, 户口登记, 社保卡, 居民医保登记, 科学育儿指导 — the
maternity expenses settled and the father filing), POST each material (8 PDFs) to the materials page, GET the submit
page for its key, POST the submission. A window client (xinxiang_window; --window-clients) takes the case numbers
as they come, GETs the review page and POSTs "receive": the case is received and distributed at once (every
material uploaded), each of its six items QUEUED.

Prints JSON:
    database            the server's database vendor (read through the same settings)
    clients, cases      applicant clients, cases filed
    received_per_s      cases filed (submitted) per second of the applicants' phase: from the first request to the
                        last submission response, form and uploads included
    distributed_per_s   cases whose items were all queued, per second from the first request to the last
                        distribution
    p50_ms, p99_ms      per case, submit -> all items queued: max(CaseItem.distributed_at) - Case.submitted_at (the
                        database's timestamps), which includes the wait for the window clerk
    submit_p50_ms, receive_p50_ms   the submit POST and the window's receive POST as the clients saw them
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import queue
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from materials.samples import MINIMAL_PDF  # noqa: E402  (after the project is on the path)

CODE = "410721-01-009"  # 新生儿出生, 新乡县
ANSWERS = {"hukou": "local", "insurance": "both", "maternity": "settled", "applicant": "other", "guidance": "register"}
WINDOW = "xinxiang_window"
PDF = MINIMAL_PDF
NATURAL_APPLICANTS = [
    "citizen",
    "citizen_spouse",
    "retiree",
    "demo_liuyang",
    "demo_wangfang",
    "demo_chenjing",
    "demo_zhaolei",
    "demo_zhouming",
    "demo_hexiu",
    "demo_songtao",
]


class Client:
    """A browser-like session: cookies, the CSRF token from the cookie, redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: bytes | None = None, content_type: str = "") -> tuple[str, str]:
        """(final URL, body); raises on a status >= 400."""
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.base + "/"}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method="POST" if data else "GET")
        with self.opener.open(req, timeout=120) as response:
            return response.geturl(), response.read().decode("utf-8", "replace")

    def get(self, path: str) -> str:
        return self.request(path)[1]

    def post(self, path: str, fields: dict[str, str] | list[tuple[str, str]]) -> tuple[str, str]:
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        pairs.append(("csrfmiddlewaretoken", self.csrf()))
        return self.request(path, urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded")

    def post_file(self, path: str, fields: dict[str, str], name: str, filename: str, content: bytes) -> str:
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {**fields, "csrfmiddlewaretoken": self.csrf()}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(path, b"".join(parts), f"multipart/form-data; boundary={boundary}")[0]

    def login(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        url, _body = self.post("/accounts/login/", {"username": username, "password": password})
        if "/accounts/login/" in url:
            raise SystemExit(f"Login failed for {username}")


@dataclass
class Filed:
    number: str
    submit_seconds: float


@dataclass
class Results:
    filed: list[Filed] = field(default_factory=list)
    received: list[float] = field(default_factory=list)  # seconds of each receive POST
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def prepare(clients: int) -> tuple[dict[str, dict[str, str]], list[str], str]:
    """Per applicant, the form values; the material keys to upload; the guide query string. Creates the fictional
    applicants when the run needs them."""
    from django.utils import timezone

    from accounts.models import User
    from cases.management.commands.demo_cases import ensure_extra_applicants, form_values
    from catalog.choices import OneThingStatus
    from catalog.models import OneThing
    from guidance.forms import GuideQuery
    from oneform.forms import query_from_state

    if clients > len(NATURAL_APPLICANTS):
        raise SystemExit(f"At most {len(NATURAL_APPLICANTS)} applicant clients.")
    ensure_extra_applicants()
    one_thing = OneThing.objects.get(code=CODE, status=OneThingStatus.PUBLISHED)
    state = {"q": ANSWERS, "skip": [], "lic": []}
    notice = query_from_state(state).notice(one_thing)[0]
    if len(notice.selected_items) != 6:
        raise SystemExit(f"Expected six items, the answers select {len(notice.selected_items)}.")
    today = timezone.localdate()
    values = {}
    for username in NATURAL_APPLICANTS[:clients]:
        values[username] = form_values(one_thing, state, User.objects.get(username=username), today)
    return values, [m.key for m in notice.to_submit], GuideQuery.canonical(notice)


def applicant(base: str, username: str, password: str, values: dict[str, str], materials: list[str], query: str,
              count: int, window_queue: queue.Queue, results: Results) -> None:  # fmt: skip
    client = Client(base)
    client.login(username, password)
    for _n in range(count):
        try:
            client.post(f"/apply/{CODE}/?{query}", values)  # a value refused shows at submission
            for key in materials:
                client.post_file(
                    f"/materials/{CODE}/", {"material": key, "action": "upload"}, "file", f"{key}.pdf", PDF
                )
            page = client.get(f"/cases/submit/{CODE}/")
            key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page) or re.search(
                r'value="([^"]+)"[^>]*name="submission_key"', page
            )
            if key is None:
                raise RuntimeError("no submission key on the submit page (something is still missing)")
            started = time.perf_counter()
            url, _body = client.post(f"/cases/submit/{CODE}/", {"submission_key": key.group(1)})
            elapsed = time.perf_counter() - started
            number = url.rstrip("/").rsplit("/", 1)[-1]
            if not number.isdigit():
                raise RuntimeError(f"submission not accepted (ended at {url})")
            with results.lock:
                results.filed.append(Filed(number, elapsed))
            window_queue.put(number)
        except (urllib.error.URLError, RuntimeError) as exc:
            with results.lock:
                results.errors.append(f"{username}: {exc}")


def window(base: str, password: str, window_queue: queue.Queue, results: Results) -> None:
    client = Client(base)
    client.login(WINDOW, password)
    while True:
        number = window_queue.get()
        if number is None:
            return
        try:
            client.get(f"/window/cases/{number}/")
            started = time.perf_counter()
            client.post(f"/window/cases/{number}/", {"action": "receive"})
            with results.lock:
                results.received.append(time.perf_counter() - started)
        except urllib.error.URLError as exc:
            with results.lock:
                results.errors.append(f"window {number}: {exc}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=4, help="applicant clients (one demo applicant each)")
    parser.add_argument("--cases", type=int, default=40, help="cases in all, shared among the clients")
    parser.add_argument("--window-clients", type=int, default=1, help="window clerks receiving the cases")
    parser.add_argument("--password", default="yijian-demo-2026")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijian.settings")
    import django

    django.setup()
    from django.db import connection

    from cases.choices import ItemStatus
    from cases.models import Case

    values, materials, query = prepare(args.clients)
    usernames = list(values)
    shares = [args.cases // args.clients + (1 if i < args.cases % args.clients else 0) for i in range(args.clients)]
    results = Results()
    window_queue: queue.Queue = queue.Queue()
    windows = [
        threading.Thread(target=window, args=(args.base_url, args.password, window_queue, results))
        for _ in range(args.window_clients)
    ]
    applicants = [
        threading.Thread(
            target=applicant,
            args=(args.base_url, name, args.password, values[name], materials, query, share, window_queue, results),
        )
        for name, share in zip(usernames, shares, strict=True)
    ]
    from django.utils import timezone

    started_at = timezone.now()
    started = time.perf_counter()
    for thread in windows + applicants:
        thread.start()
    for thread in applicants:
        thread.join()
    filed_seconds = time.perf_counter() - started
    for _ in windows:
        window_queue.put(None)
    for thread in windows:
        thread.join()

    numbers = [f.number for f in results.filed]
    latencies, last_distributed, incomplete = [], started_at, []
    for case in Case.objects.filter(number__in=numbers).prefetch_related("items"):
        items = list(case.items.all())
        if len(items) != 6 or any(i.status != ItemStatus.QUEUED or i.distributed_at is None for i in items):
            incomplete.append(case.number)
            continue
        queued_at = max(i.distributed_at for i in items)
        latencies.append((queued_at - case.submitted_at).total_seconds() * 1000)
        last_distributed = max(last_distributed, queued_at)
    distributed_seconds = (last_distributed - started_at).total_seconds()
    report = {
        "database": connection.vendor,
        "clients": args.clients,
        "cases": len(numbers),
        "received_per_s": round(len(numbers) / filed_seconds, 2) if filed_seconds else None,
        "distributed_per_s": round(len(latencies) / distributed_seconds, 2) if latencies else 0,
        "p50_ms": round(percentile(latencies, 0.5)) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99)) if latencies else None,
        "submit_p50_ms": round(statistics.median(f.submit_seconds for f in results.filed) * 1000)
        if results.filed
        else None,
        "receive_p50_ms": round(statistics.median(results.received) * 1000) if results.received else None,
        "window_clients": args.window_clients,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if incomplete or results.errors:
        report["not_distributed"] = incomplete
        report["errors"] = results.errors[:10]
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
