"""Background tasks of supervision: the automatic 督办 scan, enqueued by `manage.py run_periodic`
(settings.PERIODIC_TASKS) and run by the worker."""

from __future__ import annotations

from django_tasks import task

from . import scans


@task()
def scan_escalations() -> dict[str, int]:
    """Raise the automatic 督办 of items overdue long enough; close those of items that ended."""
    return scans.scan_escalations()
