"""Background tasks of case documents (README "Background work"): `render_document_pdf` is what
services.render_pdf_later enqueues once a change that issued, superseded or revoked a document commits.

The work is the plain rendering.store_document_pdf: idempotent (a stored PDF is kept), so a task run twice, or beside
a first download, stores one file. A failure is retried later (core.tasks.retry_later) and then fails in the queue.
"""

from __future__ import annotations

from django_tasks import task

from core.tasks import retry_later

from . import rendering


@task()
def render_document_pdf(document_id: int, attempt: int = 1) -> str | None:
    """Store the PDF of one document; returns the stored file's name, None when the document does not exist."""
    try:
        return rendering.store_document_pdf(document_id)
    except Exception:
        retry_later(render_document_pdf, document_id, attempt=attempt)
        raise
