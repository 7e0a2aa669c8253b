"""Enqueue the periodic background tasks (settings.PERIODIC_TASKS: task path -> seconds between runs).

The database worker (`manage.py db_worker`) runs what is queued but has no scheduler: this command is the clock. Run
exactly one of it beside the workers (scripts/serve starts one). It only enqueues; the worker does the work, so a
slow scan never delays the clock. With the database backend, a task whose previous run is still waiting in the
queue (no worker running) is not enqueued again, so a stopped worker does not pile up scans. At scale the same job
is done by cron (`manage.py run_periodic --once` every minute), Celery beat or rq-scheduler (README "Background
work").
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.module_loading import import_string
from django_tasks.base import Task


def periodic_tasks() -> dict[str, tuple[Task, float]]:
    """path -> (task, seconds between runs), from settings.PERIODIC_TASKS; refuses what is not a task."""
    found = {}
    for path, seconds in getattr(settings, "PERIODIC_TASKS", {}).items():
        try:
            task = import_string(path)
        except ImportError as exc:
            raise CommandError(f"PERIODIC_TASKS: {path} cannot be imported ({exc}).") from exc
        if not isinstance(task, Task):
            raise CommandError(f"PERIODIC_TASKS: {path} is not a task (decorate it with django_tasks.task).")
        if not seconds or seconds <= 0:
            raise CommandError(f"PERIODIC_TASKS: {path} needs a positive number of seconds.")
        found[path] = (task, float(seconds))
    return found


def still_waiting(task: Task) -> bool:
    """Whether an earlier run of `task` is still waiting in the database queue (other backends: never known)."""
    from django_tasks_db import DatabaseBackend

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=task.module_path, backend_name=task.backend).exists()


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (settings.PERIODIC_TASKS) on schedule; --once: one round, then exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue every periodic task once and exit")

    def handle(self, *args, once: bool = False, verbosity: int = 1, **options):
        schedule = periodic_tasks()
        if not schedule:
            self.stdout.write("No periodic tasks (settings.PERIODIC_TASKS is empty).")
            return
        if once:
            for path, (task, _every) in schedule.items():
                self._enqueue(path, task, report=verbosity > 0)
            return
        self.stdout.write(
            "Enqueueing "
            + ", ".join(f"{path} every {every:g} s" for path, (_task, every) in schedule.items())
            + " (Ctrl-C to stop)."
        )
        due = dict.fromkeys(schedule, time.monotonic())
        try:
            while True:
                close_old_connections()  # a long-lived process: drop connections the database closed
                now = time.monotonic()
                for path, (task, every) in schedule.items():
                    if now >= due[path]:
                        try:
                            self._enqueue(path, task, report=verbosity > 1)
                        except Exception as exc:  # the database restarting, say: keep the clock going
                            self.stderr.write(f"{path}: not enqueued ({type(exc).__name__}: {exc}); next try later.")
                        due[path] = now + every
                close_old_connections()
                time.sleep(max(0.5, min(due.values()) - time.monotonic()))
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _enqueue(self, path: str, task: Task, *, report: bool) -> None:
        if still_waiting(task):
            if report:
                self.stdout.write(f"{path}: the previous run is still queued; not enqueued again.")
            return
        result = task.enqueue()
        if report:
            done = f", {result.status.lower()}" if result.is_finished else ""  # an immediate backend ran it already
            self.stdout.write(f"{path}: enqueued ({result.id}{done}).")
