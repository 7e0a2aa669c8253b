"""Retrying background tasks: django-tasks runs a task once; a task that may fail for a passing reason (a PDF
renderer out of memory, a locked database) enqueues itself again through `retry_later`, a few times, later each time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

# Seconds before the 2nd, 3rd and 4th attempt; after the last one the failure stays in the queue (and the download
# renders the PDF itself).
RETRY_DELAYS = (30, 300, 1800)


def retry_later(task: Any, *args: Any, attempt: int) -> bool:
    """Enqueue `task(*args, attempt=attempt + 1)` after the pause RETRY_DELAYS gives attempt number `attempt`, unless
    the attempts are used up; whether it did. A backend that cannot defer (ImmediateBackend) runs it at once."""
    if attempt < 1 or attempt > len(RETRY_DELAYS):
        return False
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=RETRY_DELAYS[attempt - 1]))
    task.enqueue(*args, attempt=attempt + 1)
    return True
