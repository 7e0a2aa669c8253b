"""Background tasks of the departments' work (Django's task API, django-tasks backport; README "Background work").

`scan_deadlines` is periodic: `manage.py run_periodic` enqueues it every minute (settings.PERIODIC_TASKS) and the
worker runs `services.scan_deadlines`, which records each open item turning 预警 or 超期 once — so a run that comes
twice, or late, records nothing twice.
"""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def scan_deadlines() -> dict[str, int]:
    """Flag items whose acceptance or decision clock turned 预警 / 超期; returns how many of each were recorded."""
    return services.scan_deadlines()
