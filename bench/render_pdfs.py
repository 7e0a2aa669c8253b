"""Benchmark: rendering PDFs — the full and the simple guide of every fully specified one-thing, and case documents.

    .venv/bin/python bench/render_pdfs.py                  # scratch SQLite file: migrates, loads the catalog
    .venv/bin/python bench/render_pdfs.py --rounds 3      # rounds after the first read guides from the PDF cache

Case documents need cases: the scratch database gets demo accounts, shared data and `demo_cases --count 6`.
Prints JSON: per kind, how many PDFs, seconds per PDF (median and max), bytes per PDF (median), pages (max), and the
peak memory of the process (KiB). One process, one core: WeasyPrint's layout is CPU-bound. The layout time of one
PDF, not what a download costs: bench/first_download.py measures downloads (case documents and e-licences are stored
by a background task, so their download reads a file).
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    scratch = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}"
    os.environ["YIJIAN_PDF_CACHE_DIR"] = tempfile.mkdtemp(prefix="pdf-cache-")  # cold at first
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijian.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from pypdf import PdfReader

    call_command("migrate", verbosity=0)
    for command in ("load_catalog", "load_demo_accounts", "load_demo_shared_data"):
        call_command(command, stdout=open(os.devnull, "w"))
    call_command("demo_cases", "--count", "6", stdout=open(os.devnull, "w"))

    from io import BytesIO

    from cases.models import Case
    from catalog.choices import Specification
    from catalog.models import OneThing
    from documents import rendering as document_rendering
    from documents import services as documents
    from guides.rendering import render_guide_pdf
    from guides.services import get_guide_snapshot
    from results import documents as licence_documents
    from results.models import ELicence

    timings: dict[str, list[tuple[float, int, int]]] = {}

    def measure(kind: str, make) -> None:
        started = time.perf_counter()
        pdf = make()
        elapsed = time.perf_counter() - started
        timings.setdefault(kind, []).append((elapsed, len(pdf), len(PdfReader(BytesIO(pdf)).pages)))

    specified = OneThing.objects.current().filter(specification=Specification.FULL).order_by("code")
    sources = [s for case in Case.objects.order_by("pk") for s in documents.sources_of(case)]
    issued = [documents.issue_document(s, acting_user=None) for s in sources]
    for round_ in range(args.rounds):
        for one_thing in specified:
            snapshot = get_guide_snapshot(one_thing.code)
            for variant in ("full", "simple"):
                kind = f"guide_{variant}" + ("_cached" if round_ else "")  # guides are laid out once, then kept
                measure(kind, lambda s=snapshot, v=variant: render_guide_pdf(s, v, pinned=False))
        for document in issued:
            measure(document.kind, lambda d=document: document_rendering.document_pdf(d))
        for licence in ELicence.objects.select_related("department", "holder", "item", "case").order_by("pk"):
            measure("licence", lambda lic=licence: licence_documents.licence_pdf(lic))
    report = {
        kind: {
            "pdfs": len(rows),
            "seconds_median": round(statistics.median(r[0] for r in rows), 3),
            "seconds_max": round(max(r[0] for r in rows), 3),
            "bytes_median": int(statistics.median(r[1] for r in rows)),
            "pages_max": max(r[2] for r in rows),
        }
        for kind, rows in sorted(timings.items())
    }
    report["peak_memory_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(report, ensure_ascii=False, indent=2))
    os.unlink(scratch.name)


if __name__ == "__main__":
    main()
