"""Benchmark: the first download of case documents and e-licences over HTTP (Django's test client, the real views,
logged in as the applicant) — rendered at the download (no stored PDF) against pre-rendered (stored by the
background task, documents.tasks / results.tasks), in the same run, with their ratio.

    DEBUG=1 .venv/bin/python bench/first_download.py             # scratch SQLite file and MEDIA_ROOT; 6 demo cases
    DEBUG=1 .venv/bin/python bench/first_download.py --count 12

Phases, every PDF of every case in each:
  render_at_download  no stored file: the GET lays the PDF out (then stores it); the process is warm after the first
  background_task     what the worker spends per PDF (rendering.store_document_pdf / store_licence_pdf), off the request
  pre_rendered        the GET after the task ran: it reads the stored file
  cold_process_*      one GET in a fresh process (WeasyPrint and its fonts not loaded yet): render vs stored
Prints JSON: seconds (count, median, max) per phase, the ratio render/pre-rendered, and whether the stored bytes
equal the bytes rendered at download (deterministic). Not a test: figures go in the issue notes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database: str, media: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["YIJIAN_PRERENDER_PDFS"] = "0"  # the bench decides when PDFs are rendered
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijian.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = media


def child(database: str, media: str, path: str, username: str) -> None:
    """One GET in this fresh process; prints its seconds."""
    setup(database, media)
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    print(elapsed)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "seconds_median": round(statistics.median(values), 3),
        "seconds_max": round(max(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=6, help="demo cases")
    parser.add_argument("--child", nargs=4, metavar=("DB", "MEDIA", "PATH", "USER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    database = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False).name
    media = tempfile.mkdtemp(prefix="media-")
    setup(database, media)
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    for command in ("load_catalog", "load_demo_accounts", "load_demo_shared_data"):
        call_command(command, stdout=open(os.devnull, "w"))
    call_command("demo_cases", "--count", str(args.count), stdout=open(os.devnull, "w"))

    from core.pdf import stored_pdf_path
    from documents import rendering
    from documents.models import CaseDocument
    from results import documents as licence_documents
    from results.models import ELicence

    targets = []  # (path, username, store, stored name)
    for document in CaseDocument.objects.select_related("case__applicant").order_by("pk"):
        ref = document.source_key.rsplit("-", 1)[-1] if document.source_key else ""
        number = document.case.number
        path = (
            f"/documents/case/{number}/receipt.pdf"
            if not ref
            else f"/documents/case/{number}/{document.kind}/{ref}.pdf"
        )
        targets.append((path, document.case.applicant.username, rendering.store_document_pdf, document.pk))
    for licence in ELicence.objects.select_related("holder").order_by("pk"):
        path = f"/results/mine/{licence.pk}/download/"
        targets.append((path, licence.holder.username, licence_documents.store_licence_pdf, licence.pk))

    def clear() -> None:
        shutil.rmtree(stored_pdf_path(""), ignore_errors=True)

    def in_fresh_process(path: str, username: str) -> float:
        out = subprocess.run(
            [sys.executable, __file__, "--child", database, media, path, username],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        ).stdout
        return float(out.strip().splitlines()[-1])

    # a fresh process first, before this one has laid out any PDF (the first target, both ways)
    first_path, first_user, first_store, first_pk = targets[0]
    clear()
    cold_render = in_fresh_process(first_path, first_user)
    clear()
    first_store(first_pk)
    cold_stored = in_fresh_process(first_path, first_user)

    clients: dict[str, Client] = {}

    def get(path: str, username: str) -> tuple[float, bytes]:
        from accounts.models import User

        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        started = time.perf_counter()
        response = clients[username].get(path)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        return elapsed, response.content

    clear()
    rendered_at_download, first_bytes = [], {}
    for path, username, _, _ in targets:
        elapsed, content = get(path, username)
        rendered_at_download.append(elapsed)
        first_bytes[path] = content
    clear()
    task_seconds = []
    for _, _, store, pk in targets:
        started = time.perf_counter()
        store(pk)
        task_seconds.append(time.perf_counter() - started)
    pre_rendered, same = [], 0
    for path, username, _, _ in targets:
        elapsed, content = get(path, username)
        pre_rendered.append(elapsed)
        same += content == first_bytes[path]

    report = {
        "pdfs": len(targets),
        "render_at_download": summary(rendered_at_download),
        "background_task": summary(task_seconds),
        "pre_rendered": summary(pre_rendered),
        "ratio_median_render_over_pre_rendered": round(
            statistics.median(rendered_at_download) / statistics.median(pre_rendered), 1
        ),
        "cold_process_render_seconds": round(cold_render, 3),
        "cold_process_pre_rendered_seconds": round(cold_stored, 3),
        "ratio_cold_process": round(cold_render / cold_stored, 1),
        "same_bytes_as_rendered_at_download": f"{same}/{len(targets)}",
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    os.unlink(database)
    shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
