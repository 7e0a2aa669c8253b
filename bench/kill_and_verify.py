"""Kill-and-verify load run (issue 12, point 7): the server is SIGKILLed over and over while cases are filed and
decided over HTTP; afterwards every case is checked against its event trail. Not a test: not collected by pytest,
not run by CI; run by hand on the machine's PostgreSQL (127.0.0.1:5432, user postgres, as .ci/run):

    .venv/bin/python bench/kill_and_verify.py                        # 50 kills, 4 client threads
    .venv/bin/python bench/kill_and_verify.py --kills 10 --workers 2 --seed 7

What it does:
1. Creates a scratch database (yijian_killrun_<pid>) through --admin-url, migrates it, loads the seed catalog, the demo
   accounts and the demo shared data, and creates fictional applicants (natural persons of 新乡县, `kv_*`, the demo
   password): three per client thread, so that a case left open does not keep its thread from filing the next.
2. Starts the server in a process group of its own: this script with --serve, which runs `manage.py runserver
   --noreload` on 127.0.0.1 (gunicorn is not a requirement; runserver serves each request in a thread), with a
   scratch MEDIA_ROOT and PDF cache. Only loopback traffic.
3. Client threads (--workers) drive whole journeys over HTTP, each logged in as its applicants, the window
   (xinxiang_window) and the reviewer of each department: the applicant fills in 新生儿出生 of 新乡县 (six items,
   as bench/submit_and_route.py answers it), uploads its eight materials, submits (with the way of receiving the
   results the submit page offers); the window receives the case (which distributes it); the departments accept
   each item (an item waiting for its prerequisite goes to pre-review and is released when that one is approved)
   and approve it (with the values its result produces, approvals.demo), or refuse it, or deny it, or pause it for
   a supplement and resume it; now and then the applicant withdraws what is left. Each choice is drawn per item
   from --seed. A request that fails because the server died is sent again once it is back, unless the database
   (which the script reads, never writes, while the server runs) shows that the change it asked for was made.
4. First --baseline-seconds of load without kills (the baseline), then --kills times: the server is left up for a
   random 0.5-4 s, then, as soon as a POST is in flight, its process group gets SIGKILL and it is started again;
   the clients wait for it. The load goes on for --tail seconds after the last restart, then the server is stopped.
   Everything is bounded: --max-seconds for the load (then it stops, kills or not) and 60 s per request.
5. Verifies every case of the database (cases.queries.status_from_trail derives the statuses from the trail):
   - the case status and every item's status derived from the events equal the stored ones, and the trail has no
     break (an event starting from a status the trail had not reached): each item has an event for every step from
     awaiting receipt to the status it is in;
   - its first event is SUBMIT or FILE_WALK_IN; a received case has one RECEIVE event; once received with no paper
     material left to scan, it is distributed (one DISTRIBUTE event, no item still awaiting receipt) and its status
     is the one its items give (cases.services.derive_status);
   - every approved item whose result is a licence has exactly one e-licence and one ISSUE_LICENCE event, no other
     item has one; results ready to collect were announced (RESULTS_READY);
   - the applicant's site messages match the events that tell them (one per event: submitted, received, accepted,
     approved, refused, denied, supplement, withdrawn, licence issued, results ready; task.new per reviewer of each
     item distributed), and the outbox holds no message twice (same recipient, channel, kind, case, subject, text);
   - every change a client saw succeed (a redirect after its POST) is in the trail (else it was lost), and the
     hash chain of the trail verifies (core.trail.verify_chain).
   A case failing any check is a half case; lost = acknowledged by the server, not in the database.
6. Prints JSON and drops the scratch database and files (--keep-db keeps them, with the server's log); exits 1 when
   anything is lost or half.

Figures (JSON keys): cases_filed and cases_by_status; decisions_made (approve/refuse/deny events) and
decisions_by_kind (stop_item: dependants the system stopped); kills, kills_with_a_post_in_flight,
restart_seconds_median; posts_cut_by_a_kill (the connection dropped mid-request), of the changes cut
changes_cut_after_commit (found made on retry: the answer was lost) and changes_cut_before_commit_and_sent_again;
changes_acknowledged; lost and half_cases (both must be 0) with failed_checks (how many problems per check) and
examples; trail_events and trail_chain_broken; decisions_per_s_baseline against decisions_per_s_with_kills
(acknowledged decisions; ratio_with_kills_to_baseline: the throughput left with a kill every few seconds);
request_ms_median per page; setup_seconds, load_seconds, run_seconds.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODE = "410721-01-009"  # 新生儿出生, 新乡县
ANSWERS = {"hukou": "local", "insurance": "both", "maternity": "settled", "applicant": "other", "guidance": "register"}
WINDOW = "xinxiang_window"
PASSWORD = "yijian-demo-2026"  # accounts.demo.DEMO_PASSWORD
APPLICANTS_PER_WORKER = 3
# what a department does with an item (drawn per item); the rest is accept, then approve
P_REFUSE, P_DENY, P_SUPPLEMENT = 0.08, 0.08, 0.10
P_WITHDRAW = 0.10  # the applicant withdraws what is left, after a random number of decisions
REQUEST_TIMEOUT = 60


# ---------------------------------------------------------------- HTTP


class Down(Exception):
    """No answer: the server is not listening (`cut` False), or it died while the request was in flight."""

    def __init__(self, text: str, *, cut: bool) -> None:
        super().__init__(text)
        self.cut = cut


class Refused(Exception):
    """The server answered, but the change was not made."""


class Stopped(Exception):
    """The run is over."""


@dataclass
class Response:
    status: int
    location: str
    body: str


class FormFields(HTMLParser):
    """The fields a browser would post with one form, as the page fills them in (the form holding `marker`)."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker, self.forms, self.current, self.select, self.textarea = marker, [], None, None, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.current[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select:
            if "selected" in a or self.select not in self.current:
                self.current[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.current[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea and self.current is not None:
            self.current[self.textarea] += data

    @classmethod
    def of(cls, html: str, marker: str) -> dict[str, str]:
        parser = cls(marker)
        parser.feed(html)
        return next((f for f in parser.forms if marker in f), {})


class Client:
    """One browser session against the server: its cookies, the CSRF token, no redirect followed."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> Response:
        headers = {"Referer": f"http://127.0.0.1:{self.run.port}/", "Host": f"127.0.0.1:{self.run.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items() if v)
        if content_type:
            headers["Content-Type"] = content_type
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection = http.client.HTTPConnection("127.0.0.1", self.run.port, timeout=REQUEST_TIMEOUT)
        self.run.in_flight(method, +1)
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
        except ConnectionRefusedError as exc:
            raise Down(f"{method} {path}: refused", cut=False) from exc
        except (OSError, http.client.HTTPException) as exc:
            if method == "POST":
                self.run.count("posts_cut_by_a_kill")
            raise Down(f"{method} {path}: {type(exc).__name__}", cut=True) from exc
        finally:
            self.run.in_flight(method, -1)
            connection.close()
        self.run.timed(f"{method} {re.sub(r'/[0-9]+/', '/N/', path.split('?')[0])}", time.monotonic() - started)
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = "" if morsel["max-age"] == "0" else morsel.value
        return Response(answer.status, answer.headers.get("Location", ""), text)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Response:
        data = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        return self.request("POST", path, urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded")

    def post_file(self, path: str, fields: dict[str, str], name: str, filename: str, content: bytes) -> Response:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


# ---------------------------------------------------------------- the server


class Server:
    """runserver --noreload in a process group of its own (this script with --serve), started again after a kill."""

    def __init__(self, port: int, media: str, log: Path) -> None:
        self.port, self.media, self.log = port, media, log
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        started = time.monotonic()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, __file__, "--serve", str(self.port), self.media],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: the kill reaches all of it, and nothing else
                env=os.environ,
            )
        while time.monotonic() - started < 60:
            if self.process.poll() is not None:
                raise SystemExit(f"The server exited ({self.process.returncode}); see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/accounts/login/")
                if connection.getresponse().status == 200:
                    return time.monotonic() - started
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
            finally:
                connection.close()
        raise SystemExit(f"The server did not answer within 60 s; see {self.log}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def serve(port: str, media: str) -> None:
    """--serve: the server process (settings from the environment the run set; its own MEDIA_ROOT)."""
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = media
    from django.core.management import call_command

    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- the run's shared state


@dataclass
class Ack:
    """A change the server confirmed (a redirect after the POST): it must be in the trail."""

    number: str
    actions: frozenset[str]
    item: int | None = None


@dataclass
class Run:
    port: int
    deadline: float
    up: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    posts_in_flight: int = 0
    acks: list[Ack] = field(default_factory=list)
    decided_at: list[float] = field(default_factory=list)  # monotonic time of each acknowledged decision
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    timings: defaultdict = field(default_factory=lambda: defaultdict(list))  # "POST /tasks/N/approve/" -> seconds

    def in_flight(self, method: str, delta: int) -> None:
        if method == "POST":
            with self.lock:
                self.posts_in_flight += delta

    def timed(self, what: str, seconds: float) -> None:
        with self.lock:
            self.timings[what].append(seconds)

    def over(self) -> bool:
        return self.stop.is_set() or time.monotonic() > self.deadline

    def count(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.counts[what] += n

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


@dataclass
class Plan:
    """What the clients post, prepared from the database before the load (the scratch database, read only)."""

    values: dict[str, dict[str, str]]  # applicant -> the one form's values
    materials: list[str]  # material keys to upload
    query: str  # the guide's query string of the answers
    reviewers: dict[int, str]  # department id -> a reviewer's username
    workers: list[list[str]]  # applicants of each client thread


# ---------------------------------------------------------------- the journeys


DECIDED = {"approve_item", "refuse_item", "deny_item"}


class Worker(threading.Thread):
    """Files cases and takes them through receipt and the departments' decisions, over HTTP, one after another."""

    def __init__(self, run: Run, plan: Plan, index: int, seed: int) -> None:
        super().__init__(name=f"worker-{index}", daemon=True)
        self.run_, self.plan = run, plan
        self.applicants = list(plan.workers[index])
        self.rng = random.Random(seed * 7919 + index)
        self.clients: dict[str, Client] = {}

    # -- requests

    def send(self, request: Callable[[], Response]) -> Response:
        """The request, sent again while the server is down (for requests that change nothing, or that may repeat)."""
        while True:
            if self.run_.over():
                raise Stopped
            try:
                return request()
            except Down:
                self.run_.count("requests_retried")
                self.run_.up.wait(5)
                time.sleep(0.05)

    def ensure(self, what: str, done: Callable[[], Any], request: Callable[[], Response]) -> tuple[Any, bool]:
        """POST until the database shows the change made; (what done() found, whether the server confirmed it)."""
        while True:
            found = done()
            if found:
                return found, False
            if self.run_.over():
                raise Stopped
            try:
                response = request()
            except Down as down:
                self.run_.count("requests_retried")
                found = done()
                if down.cut:  # the server died with the change in flight
                    self.run_.count("changes_cut_committed" if found else "changes_cut_not_committed")
                if found:  # committed, then the answer was lost with the server
                    return found, False
                self.run_.up.wait(5)
                time.sleep(0.05)
                continue
            found = done()
            if response.status in (301, 302, 303) and found:
                return found, True
            if found:
                return found, False
            raise Refused(f"{what}: HTTP {response.status} {response.location} {_snippet(response.body)}")

    def client(self, username: str) -> Client:
        client = self.clients.get(username)
        if client is None:
            client = Client(self.run_)
            self.send(lambda: client.get("/accounts/login/"))
            answer = self.send(lambda: client.post("/accounts/login/", {"username": username, "password": PASSWORD}))
            if answer.status != 302:
                raise SystemExit(f"Login failed for {username}: HTTP {answer.status}")
            self.clients[username] = client
        return client

    def log_in_everyone(self) -> None:
        for username in [*self.applicants, WINDOW, *dict.fromkeys(self.plan.reviewers.values())]:
            self.client(username)

    # -- a journey

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.run_.over():
                applicant = self.applicants[0]
                try:
                    ended = self.journey(applicant)
                except Refused as exc:
                    self.run_.error(str(exc))
                    ended = False
                if not ended:  # its case stays open: the next one is filed by another applicant
                    self.applicants.append(self.applicants.pop(0))
        except Stopped:
            pass
        except Exception as exc:  # pragma: no cover - reported with the figures
            self.run_.error(f"{self.name}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    def journey(self, applicant: str) -> bool:
        number = self.file(applicant)
        self.receive(number)
        return self.decide(number, applicant)

    def file(self, applicant: str) -> str:
        from cases.models import Case
        from materials.samples import MINIMAL_PDF

        client = self.client(applicant)
        answer = self.send(lambda: client.post(f"/apply/{CODE}/?{self.plan.query}", self.plan.values[applicant]))
        if answer.status >= 400:
            raise Refused(f"form: HTTP {answer.status}")
        for key in self.plan.materials:
            answer = self.send(
                lambda key=key: client.post_file(
                    f"/materials/{CODE}/", {"material": key, "action": "upload"}, "file", f"{key}.pdf", MINIMAL_PDF
                )
            )
            if answer.status >= 400:
                raise Refused(f"upload {key}: HTTP {answer.status}")
        page = self.send(lambda: client.get(f"/cases/submit/{CODE}/"))
        fields = FormFields.of(page.body, "submission_key")
        if not fields.get("submission_key"):
            raise Refused(f"submit page without a submission key: HTTP {page.status} {_snippet(page.body)}")
        key = fields["submission_key"]
        number, confirmed = self.ensure(
            "submit",
            lambda: (
                Case.objects.filter(applicant__username=applicant, submission_key=key)
                .values_list("number", flat=True)
                .first()
            ),
            lambda: client.post(f"/cases/submit/{CODE}/", fields),
        )
        if confirmed:
            with self.run_.lock:
                self.run_.acks.append(Ack(number, frozenset({"submit"})))
        self.run_.count("cases_filed")
        return number

    def receive(self, number: str) -> None:
        from cases.models import Case

        window = self.client(WINDOW)
        self.send(lambda: window.get(f"/window/cases/{number}/"))
        _found, confirmed = self.ensure(
            "receive",
            lambda: Case.objects.filter(number=number, received_at__isnull=False).exists(),
            lambda: window.post(f"/window/cases/{number}/", {"action": "receive"}),
        )
        if confirmed:
            with self.run_.lock:
                self.run_.acks.append(Ack(number, frozenset({"receive"})))

    def decide(self, number: str, applicant: str) -> bool:
        """Every item to its end, as drawn; False if the case could not be taken to its end."""
        from cases.choices import ENDED_ITEM_STATUSES, ItemStatus
        from cases.models import Case, CaseItem

        case_pk = Case.objects.values_list("pk", flat=True).get(number=number)
        fate: dict[int, str] = {}
        withdraw_after = self.rng.randrange(6) if self.rng.random() < P_WITHDRAW else None
        decisions = 0
        for _round in range(20):
            items = list(CaseItem.objects.filter(case_id=case_pk).values("pk", "status", "department_id"))
            if all(i["status"] in ENDED_ITEM_STATUSES for i in items):
                return True
            if withdraw_after is not None and decisions >= withdraw_after:
                self.withdraw(number, applicant)
                withdraw_after = None
                continue
            acted = False
            for item in self.rng.sample(items, len(items)):
                pk, status = item["pk"], item["status"]
                if pk not in fate:
                    draw = self.rng.random()
                    fate[pk] = (
                        "refuse"
                        if draw < P_REFUSE
                        else "deny"
                        if draw < P_REFUSE + P_DENY
                        else "supplement"
                        if draw < P_REFUSE + P_DENY + P_SUPPLEMENT
                        else "approve"
                    )
                reviewer = self.plan.reviewers[item["department_id"]]
                if status == ItemStatus.QUEUED:
                    action = "refuse" if fate[pk] == "refuse" else "accept"
                elif status == ItemStatus.ACCEPTED:
                    action = fate[pk] if fate[pk] in ("deny", "supplement") else "approve"
                    if fate[pk] == "supplement":
                        fate[pk] = "approve"  # once
                elif status == ItemStatus.SUPPLEMENT:
                    action = "resume"
                else:
                    continue  # pre-review (waits for its prerequisite), ended
                self.act(number, pk, action, reviewer)
                acted = True
                decisions += action in ("approve", "refuse", "deny")
            if not acted:
                time.sleep(0.05)  # a dependant released in the same change is seen on the next round
        return False

    def act(self, number: str, item_pk: int, action: str, reviewer: str) -> None:
        from approvals.demo import example_produced_values
        from cases.choices import ENDED_ITEM_STATUSES, ItemStatus
        from cases.models import CaseItem

        fields: dict[str, str] = {}
        if action == "approve":
            item = CaseItem.objects.select_related("case__one_thing__region").get(pk=item_pk)
            fields = {"produced__" + k.replace(".", "__"): v for k, v in example_produced_values(item).items()}
            fields["result_number"] = ""
        elif action in ("refuse", "deny"):
            fields = {"reasons": "压测：材料与事实不符"}
        elif action == "supplement":
            fields = {"reason": "压测：请补充说明"}
        done_when = {
            "accept": lambda s: s != ItemStatus.QUEUED,
            "refuse": lambda s: s != ItemStatus.QUEUED,
            "approve": lambda s: s in ENDED_ITEM_STATUSES,
            "deny": lambda s: s in ENDED_ITEM_STATUSES,
            "supplement": lambda s: s != ItemStatus.ACCEPTED,
            "resume": lambda s: s != ItemStatus.SUPPLEMENT,
        }[action]
        events = {
            "accept": {"accept_item", "pre_review_item"},
            "refuse": {"refuse_item"},
            "approve": {"approve_item"},
            "deny": {"deny_item"},
            "supplement": {"pause_item"},
            "resume": {"resume_item"},
        }[action]
        client = self.client(reviewer)
        _found, confirmed = self.ensure(
            f"{action} item {item_pk}",
            lambda: done_when(CaseItem.objects.values_list("status", flat=True).get(pk=item_pk)),
            lambda: client.post(f"/tasks/{item_pk}/{action}/", fields),
        )
        self.run_.count(f"{action}_done")
        if confirmed:
            with self.run_.lock:
                self.run_.acks.append(Ack(number, frozenset(events), item_pk))
                if action in ("approve", "refuse", "deny"):
                    self.run_.decided_at.append(time.monotonic())

    def withdraw(self, number: str, applicant: str) -> None:
        from cases.models import Case

        client = self.client(applicant)
        self.ensure(
            "withdraw",
            lambda: Case.objects.filter(number=number, withdrawn_at__isnull=False).exists(),
            lambda: client.post(f"/cases/{number}/withdraw/", {"reason": "压测：不再办理"}),
        )
        self.run_.count("withdrawn")


def _snippet(body: str) -> str:
    text = re.sub(r"<[^>]+>", " ", body)
    for marker in ('class="messages', "errorlist"):
        at = body.find(marker)
        if at >= 0:
            text = re.sub(r"<[^>]+>", " ", body[at : at + 600])
            break
    return " ".join(text.split())[:300]


# ---------------------------------------------------------------- the killer


@dataclass
class Kills:
    done: int = 0
    with_post_in_flight: int = 0
    restart_seconds: list[float] = field(default_factory=list)


def kill_over_and_over(run: Run, server: Server, kills: int, rng: random.Random, result: Kills) -> None:
    for _n in range(kills):
        time.sleep(rng.uniform(0.5, 4.0))  # the server up for a while
        waited = time.monotonic()
        while run.posts_in_flight == 0 and time.monotonic() - waited < 5 and not run.over():
            time.sleep(0.002)  # a moment when a write is in flight
        if run.over():
            return
        in_flight = run.posts_in_flight
        run.up.clear()  # before the kill: a client that sees its request cut waits for the restart
        server.kill()
        result.done += 1
        result.with_post_in_flight += in_flight > 0
        result.restart_seconds.append(server.start())
        run.up.set()
        if result.done % 10 == 0:
            print(f"{result.done} kills, {run.counts['cases_filed']} cases filed", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- set-up


def create_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_data(workers: int) -> Plan:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.choices import AccountKind, StaffRole
    from accounts.models import User
    from cases.management.commands.demo_cases import form_values, id_number
    from catalog.choices import OneThingStatus
    from catalog.models import OneThing, OneThingItem
    from guidance.forms import GuideQuery
    from oneform.forms import query_from_state

    call_command("migrate", verbosity=0)
    # Hashing every demo account's password at full strength takes a minute. The hash records its iteration count,
    # so the server (full strength) still checks these, and upgrades each at its first login, before the load.
    PBKDF2PasswordHasher.iterations = 1000
    with open(os.devnull, "w") as quiet:
        for command in ("load_catalog", "load_demo_accounts", "load_demo_shared_data"):
            call_command(command, stdout=quiet)
    password = make_password(PASSWORD)
    surnames, given = "赵钱孙李周吴郑王冯陈", "伟芳娜敏静丽强磊军洋"
    usernames = []
    for n in range(workers * APPLICANTS_PER_WORKER):
        user = User(
            username=f"kv_{n:03d}",
            kind=AccountKind.NATURAL_PERSON,
            display_name=surnames[n % 10] + given[(n // 10) % 10] + given[n % 7],
            id_number=id_number(
                "410721", f"{1980 + n // 300}{1 + n // 28 % 12:02d}{1 + n % 28:02d}", 40 + n % 50, n % 2 == 0
            ),  # fmt: skip
            mobile=f"137{n:08d}",
            password=password,
        )
        user.full_clean()
        user.save()
        usernames.append(user.username)

    one_thing = OneThing.objects.get(code=CODE, status=OneThingStatus.PUBLISHED)
    state = {"q": ANSWERS, "skip": [], "lic": []}
    notice = query_from_state(state).notice(one_thing)[0]
    today = timezone.localdate()
    values = {u: form_values(one_thing, state, User.objects.get(username=u), today) for u in usernames}
    reviewers = {}
    lines = [line.pk for line in notice.selected_items]
    for department in OneThingItem.objects.filter(pk__in=lines).values_list("department_id", flat=True).distinct():
        reviewer = (
            User.objects.filter(roles__role=StaffRole.REVIEWER, roles__department_id=department, is_active=True)
            .order_by("username")
            .first()
        )
        if reviewer is None:
            raise SystemExit(f"No reviewer for department {department}")
        reviewers[department] = reviewer.username
    return Plan(
        values=values,
        materials=[m.key for m in notice.to_submit],
        query=GuideQuery.canonical(notice),
        reviewers=reviewers,
        workers=[usernames[i::workers] for i in range(workers)],
    )


# ---------------------------------------------------------------- verification


# the applicant's site message each event brings: kind -> the events' actions
TELLS = {
    "case.submitted": {"submit"},
    "case.received": {"receive"},
    "case.withdrawn": {"withdraw"},
    "item.accepted": {"accept_item", "pre_review_item"},
    "item.approved": {"approve_item"},
    "item.refused": {"refuse_item"},
    "item.denied": {"deny_item"},
    "item.supplement": {"pause_item"},
    "licence.issued": {"issue_licence"},
    "result.ready": {"results_ready"},
}


class Checks:
    """The checks of one case against its trail (module doc, step 5); `half` collects what failed, by case number."""

    def __init__(self) -> None:
        from notifications.choices import Channel
        from notifications.models import Message
        from results.models import ELicence

        self.half: dict[str, list[str]] = defaultdict(list)
        self.failed: Counter = Counter()
        self.licences = Counter(ELicence.objects.values_list("item_id", flat=True))
        self.site = Counter(  # (case number, kind, recipient) -> site messages
            Message.objects.filter(channel=Channel.SITE, recipient_id__isnull=False).values_list(
                "case_number", "kind", "recipient_id"
            )
        )
        self.tasks: Counter = Counter()  # case number -> task.new messages
        for (number, kind, _recipient), count in self.site.items():
            if kind == "task.new":
                self.tasks[number] += count
        self.staff_of: dict[int, int] = {}

    def problem(self, number: str, check: str, text: str) -> None:
        self.half[number].append(f"{check}: {text}")
        self.failed[check] += 1

    def case(self, case) -> None:
        items = list(case.items.all())
        events = list(case.events.order_by("pk"))
        actions = Counter(e.action for e in events)
        self.trail(case, items, events)
        self.receipt(case, items, actions)
        self.results(case, items, events)
        self.messages(case, items, events, actions)

    def trail(self, case, items, events) -> None:
        from cases.choices import CaseAction
        from cases.queries import status_from_trail

        trail = status_from_trail(case)
        if trail.case != case.status:
            self.problem(case.number, "case status", f"trail {trail.case!r}, stored {case.status!r}")
        for item in items:
            if trail.items.get(item.pk) != item.status:
                self.problem(
                    case.number,
                    "item status",
                    f"{item.name}: trail {trail.items.get(item.pk)!r}, stored {item.status!r}",
                )
        for text in trail.breaks:
            self.problem(case.number, "trail break", text)
        if not events or events[0].action not in (CaseAction.SUBMIT, CaseAction.FILE_WALK_IN):
            self.problem(case.number, "submission event", f"first event {events[0].action if events else None}")

    def receipt(self, case, items, actions) -> None:
        from cases.choices import CaseAction, CaseStatus, ItemStatus, MaterialState
        from cases.services import derive_status

        if case.received_at is None:
            if actions[CaseAction.RECEIVE]:
                self.problem(case.number, "receipt event", "RECEIVE event without received_at")
            return
        if actions[CaseAction.RECEIVE] != 1:
            self.problem(case.number, "receipt event", f"{actions[CaseAction.RECEIVE]} RECEIVE events")
        if any(m.state == MaterialState.PAPER for m in case.materials.all()):
            return  # distributed once scanned
        waiting = [i.name for i in items if i.status == ItemStatus.AWAITING_RECEIPT]
        if case.distributed_at is None or actions[CaseAction.DISTRIBUTE] != 1 or waiting:
            self.problem(
                case.number,
                "distribution",
                f"distributed_at {case.distributed_at}, {actions[CaseAction.DISTRIBUTE]} DISTRIBUTE events, "
                f"still awaiting receipt: {waiting}",
            )
        expected = derive_status(case, items)
        if case.status not in (CaseStatus.SUBMITTED, CaseStatus.CORRECTION) and expected != case.status:
            self.problem(case.number, "case status from items", f"items give {expected!r}, stored {case.status!r}")

    def results(self, case, items, events) -> None:
        """One e-licence (and its event) per approved item whose result is a licence; ready results announced."""
        from cases.choices import CaseAction, ItemStatus
        from results.queries import ready_for_delivery
        from results.services import issues_licence

        for item in items:
            should = int(item.status == ItemStatus.APPROVED and issues_licence(item))
            issued = sum(1 for e in events if e.item_id == item.pk and e.action == CaseAction.ISSUE_LICENCE)
            if self.licences[item.pk] != should or issued != should:
                self.problem(
                    case.number,
                    "e-licence",
                    f"{item.name} ({item.status}): {self.licences[item.pk]} licence(s), {issued} ISSUE_LICENCE "
                    f"event(s), expected {should}",
                )
        announced = {pk for e in events if e.action == CaseAction.RESULTS_READY for pk in e.detail.get("items", [])}
        unannounced = [i.name for i in ready_for_delivery(case) if i.pk not in announced]
        if unannounced:
            self.problem(case.number, "results announced", f"ready, never announced: {unannounced}")

    def messages(self, case, items, events, actions) -> None:
        """The applicant's site messages, one per event that tells them; task.new per reviewer of each item sent."""
        from cases.choices import CaseAction

        for kind, told_by in TELLS.items():
            expected = sum(actions[a] for a in told_by)
            found = self.site[(case.number, kind, case.applicant_id)]
            if found != expected:
                self.problem(case.number, "messages", f"{kind}: {found} site message(s) for {expected} event(s)")
        by_pk = {i.pk: i for i in items}
        sent = [pk for e in events if e.action == CaseAction.DISTRIBUTE for pk in e.detail.get("items", [])]
        expected = sum(self.staff_count(by_pk[pk].department_id) for pk in sent if pk in by_pk)
        if self.tasks[case.number] != expected:
            self.problem(
                case.number, "messages", f"task.new: {self.tasks[case.number]} for {expected} (reviewers × items sent)"
            )

    def staff_count(self, department_id: int) -> int:
        """How many get a department's task.new: its reviewers and leads (approvals.notify)."""
        from accounts.choices import StaffRole
        from accounts.models import User

        if department_id not in self.staff_of:
            self.staff_of[department_id] = (
                User.objects.filter(
                    roles__department_id=department_id, roles__role__in=[StaffRole.REVIEWER, StaffRole.LEAD]
                )
                .distinct()
                .count()
            )
        return self.staff_of[department_id]

    def duplicates(self) -> None:
        """The outbox holds no message twice: same recipient, channel, kind, case, subject and text."""
        from django.db.models import Count

        from notifications.models import Message

        rows = (
            Message.objects.values("recipient_id", "channel", "kind", "case_number", "subject", "body")
            .annotate(copies=Count("id"))
            .filter(copies__gt=1)
        )
        for row in rows:
            self.problem(
                row["case_number"] or "-", "duplicate message", f"{row['kind']} ×{row['copies']} ({row['channel']})"
            )


def lost_changes(acks: list[Ack]) -> list[str]:
    """The changes the server confirmed that the trail does not have."""
    from cases.models import Case, CaseEvent

    numbers = set(Case.objects.values_list("number", flat=True))
    lost = []
    for ack in acks:
        if ack.number not in numbers:
            lost.append(f"case {ack.number}: acknowledged {sorted(ack.actions)}, not in the database")
            continue
        found = CaseEvent.objects.filter(case__number=ack.number, action__in=ack.actions)
        if ack.item is not None:
            found = found.filter(item_id=ack.item)
        if not found.exists():
            lost.append(f"case {ack.number} item {ack.item}: acknowledged {sorted(ack.actions)}, no such event")
    return lost


def verify(acks: list[Ack]) -> dict[str, Any]:
    """Every case of the database against its trail, the outbox, the acknowledged changes and the hash chain."""
    from cases.models import Case, CaseEvent
    from core.trail import verify_chain

    checks = Checks()
    statuses: Counter = Counter()
    cases = Case.objects.prefetch_related("items__service_item", "materials").order_by("pk")
    for case in cases.iterator(chunk_size=200):
        statuses[case.status] += 1
        checks.case(case)
    checks.duplicates()
    chain = verify_chain(CaseEvent)
    decisions = Counter(
        CaseEvent.objects.filter(action__in=sorted(DECIDED | {"stop_item"})).values_list("action", flat=True)
    )
    return {
        "cases": sum(statuses.values()),
        "statuses": dict(statuses),
        "decisions": decisions,
        "events": chain.count,
        "chain_broken": str(chain.broken) if chain.broken else None,
        "half": dict(checks.half),
        "failed_checks": dict(checks.failed),
        "lost": lost_changes(acks),
    }


# ---------------------------------------------------------------- main


def rate(times: list[float], start: float, end: float) -> float | None:
    inside = [t for t in times if start <= t < end]
    return round(len(inside) / (end - start), 2) if end > start else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="client threads, each driving whole journeys")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--baseline-seconds", type=float, default=30, help="load without kills first")
    parser.add_argument("--tail", type=float, default=5, help="load after the last restart")
    parser.add_argument("--max-seconds", type=float, default=900, help="the load stops then, kills done or not")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "MEDIA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijian.settings")
    if args.serve:
        serve(*args.serve)
        return

    started = time.monotonic()
    name = f"yijian_killrun_{os.getpid()}"
    scratch = Path(tempfile.mkdtemp(prefix="killrun-"))
    os.environ.update(
        DATABASE_URL=create_database(args.admin_url, name),
        DEBUG="1",  # the demo settings (development key, plain HTTP), as scripts/serve
        YIJIAN_PDF_CACHE_DIR=str(scratch / "pdf-cache"),
    )
    server = Server(free_port(), str(scratch / "media"), scratch / "server.log")
    report: dict[str, Any] = {}
    try:
        import django

        django.setup()
        from django.db import connections

        plan = load_data(args.workers)
        setup_seconds = time.monotonic() - started
        run = Run(port=server.port, deadline=time.monotonic() + args.max_seconds)
        first_start = server.start()
        run.up.set()
        workers = [Worker(run, plan, i, args.seed) for i in range(args.workers)]
        for worker in workers:
            worker.log_in_everyone()  # password hashing before the clock starts
        load_started = time.monotonic()
        for worker in workers:
            worker.start()
        time.sleep(args.baseline_seconds)
        kills_started = time.monotonic()
        kills = Kills()
        kill_over_and_over(run, server, args.kills, random.Random(args.seed), kills)
        time.sleep(args.tail)
        kills_ended = time.monotonic()
        run.stop.set()
        for worker in workers:
            worker.join(REQUEST_TIMEOUT + 10)
        server.stop()
        load_seconds = time.monotonic() - load_started
        connections.close_all()
        verified = verify(run.acks)
        connections.close_all()
        baseline_rate = rate(run.decided_at, load_started, kills_started)
        kill_rate = rate(run.decided_at, kills_started, kills_ended)
        report = {
            "database": "postgresql",
            "workers": args.workers,
            "seed": args.seed,
            "cases_filed": verified["cases"],
            "cases_by_status": verified["statuses"],
            "decisions_made": sum(verified["decisions"][a] for a in DECIDED),
            "decisions_by_kind": dict(verified["decisions"]),
            "kills": kills.done,
            "kills_with_a_post_in_flight": kills.with_post_in_flight,
            "restart_seconds_median": round(statistics.median(kills.restart_seconds), 2)
            if kills.restart_seconds
            else None,
            "posts_cut_by_a_kill": run.counts["posts_cut_by_a_kill"],
            "changes_cut_after_commit": run.counts["changes_cut_committed"],
            "changes_cut_before_commit_and_sent_again": run.counts["changes_cut_not_committed"],
            "requests_sent_again": run.counts["requests_retried"],
            "changes_acknowledged": len(run.acks),
            "trail_events": verified["events"],
            "trail_chain_broken": verified["chain_broken"],
            "lost": len(verified["lost"]),
            "half_cases": len(verified["half"]),
            "failed_checks": verified["failed_checks"],
            "decisions_per_s_baseline": baseline_rate,
            "decisions_per_s_with_kills": kill_rate,
            "ratio_with_kills_to_baseline": round(kill_rate / baseline_rate, 2)
            if baseline_rate and kill_rate
            else None,
            "request_ms_median": {
                what: round(statistics.median(seconds) * 1000) for what, seconds in sorted(run.timings.items())
            },
            "setup_seconds": round(setup_seconds, 1),
            "server_start_seconds": round(first_start, 2),
            "load_seconds": round(load_seconds, 1),
            "run_seconds": None,
        }
        if verified["lost"] or verified["half"]:
            report["examples"] = {
                "lost": verified["lost"][:10],
                "half": dict(list(verified["half"].items())[:10]),
            }
        if run.errors:
            report["client_errors"] = len(run.errors)
            report["client_error_examples"] = run.errors[:10]
    finally:
        server.stop()
        if args.keep_db:
            report["kept_database"] = name
            report["server_log"] = str(server.log)
        else:
            from django.db import connections

            connections.close_all()
            drop_database(args.admin_url, name)
            shutil.rmtree(scratch, ignore_errors=True)
    report["run_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if report.get("lost") or report.get("half_cases") or report.get("trail_chain_broken"):
        sys.exit(1)


if __name__ == "__main__":
    main()
