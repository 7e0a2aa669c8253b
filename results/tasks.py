"""Background tasks of results (README "Background work"): `render_licence_pdf` is what
services.render_pdf_later enqueues once the change that issued or revoked an e-licence commits.

The work is the plain documents.store_licence_pdf: idempotent (a stored PDF is kept), so a task run twice, or beside
a first download, stores one file. A failure is retried later (core.tasks.retry_later) and then fails in the queue.
"""

from __future__ import annotations

from django_tasks import task

from core.tasks import retry_later

from . import documents


@task()
def render_licence_pdf(licence_id: int, attempt: int = 1) -> str | None:
    """Store the PDF of one licence; returns the stored file's name, None when the licence does not exist."""
    try:
        return documents.store_licence_pdf(licence_id)
    except Exception:
        retry_later(render_licence_pdf, licence_id, attempt=attempt)
        raise
