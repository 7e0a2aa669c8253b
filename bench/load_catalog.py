"""Benchmark: loading the seed catalog into an empty database, then again (idempotent run).

    .venv/bin/python bench/load_catalog.py                 # scratch SQLite file
    DATABASE_URL=postgres://… .venv/bin/python bench/load_catalog.py   # an EMPTY scratch PostgreSQL database

Prints JSON: seconds and peak memory (KiB) of each run, and what was written.
"""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    scratch = None
    if "DATABASE_URL" not in os.environ:
        scratch = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijian.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from catalog.loading import load_catalog

    call_command("migrate", verbosity=0)
    runs = []
    for label in ("first", "second"):
        started = time.perf_counter()
        result = load_catalog(settings.CATALOG_DATA_DIR)
        runs.append(
            {
                "run": label,
                "seconds": round(time.perf_counter() - started, 2),
                "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                **result.as_dict(),
            }
        )
    print(json.dumps({"database": settings.DATABASES["default"]["ENGINE"], "runs": runs}, ensure_ascii=False))
    if scratch is not None:
        os.unlink(scratch.name)


if __name__ == "__main__":
    main()
