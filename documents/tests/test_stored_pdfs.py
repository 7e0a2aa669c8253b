"""PDFs without waiting (issue 10 part 11): case documents and e-licences are rendered in the background once the
change that issues them commits, stored under MEDIA_ROOT/pdfs/, and the download serves the stored file; without
one, the download renders it once and stores it. The same bytes at every download; permissions unchanged.

Changes run inside django_capture_on_commit_callbacks(execute=True) so the on-commit enqueue happens; the task runs
at once (ImmediateBackend, conftest.py). PRERENDER_PDFS is off for the rest of the suite and on here where stated.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from approvals import services as approvals
from core import pdf
from core.tasks import RETRY_DELAYS
from documents import rendering, services
from documents.choices import DocumentKind, DocumentStatus
from documents.models import CaseDocument
from documents.tasks import render_document_pdf
from documents.tests.test_documents import pdf_text, url
from results import documents as licence_documents
from results.models import ELicence
from results.tests.scenario import CHECK, FOOD, accept_all, at, item, restaurant_case, user

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def prerender(settings):
    settings.PRERENDER_PDFS = True


def stored_path(name: str):
    return pdf.stored_pdf_path(name)


def no_renderer():
    """The PDF renderer replaced by one that fails: a download that still works did not render."""
    return mock.patch("core.pdf.html_to_pdf", side_effect=AssertionError("rendered at download"))


def counting_renderer():
    return mock.patch("core.pdf.html_to_pdf", side_effect=pdf.html_to_pdf)


def received_case(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return restaurant_case()


def licensed_case(django_capture_on_commit_callbacks):
    case = received_case(django_capture_on_commit_callbacks)
    with at("2026-11-23 10:00"), django_capture_on_commit_callbacks(execute=True):
        accept_all(case)
        approvals.do_approve_item(item(case, CHECK), acting_user=user("xinxiang_rev_market"))
        approvals.do_approve_item(
            item(case, FOOD),
            result_number="JY14107210009876",
            valid_until=dt.date(2031, 11, 22),
            acting_user=user("xinxiang_rev_market"),
        )
    return case, ELicence.objects.get(item=item(case, FOOD))


# ---------------------------------------------------------------- rendered at the change, served from the file


def test_the_change_stores_the_document_pdf_and_the_download_serves_it_without_rendering(
    prerender, django_capture_on_commit_callbacks, client_for
):
    case = received_case(django_capture_on_commit_callbacks)
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
    path = stored_path(rendering.pdf_name(receipt))
    assert path.name == "current.pdf" and path.exists()  # stored by the task the receipt's change enqueued
    stored = path.read_bytes()
    assert "收件回执" in pdf_text(stored) and receipt.number in pdf_text(stored).replace(" ", "").replace("\n", "")
    with no_renderer():
        response = client_for("enterprise").get(url(case, DocumentKind.RECEIPT))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == stored


def test_the_approval_stores_the_licence_pdf_and_the_download_serves_it_without_rendering(
    prerender, django_capture_on_commit_callbacks, client_for
):
    case, licence = licensed_case(django_capture_on_commit_callbacks)
    path = stored_path(licence_documents.licence_pdf_name(licence))
    assert path.exists()
    acceptance = CaseDocument.objects.get(case=case, kind=DocumentKind.ACCEPTANCE, item=item(case, FOOD))
    assert stored_path(rendering.pdf_name(acceptance)).exists()  # each issued document too
    with no_renderer():
        response = client_for("enterprise").get(f"/results/mine/{licence.pk}/download/")
        document = client_for("enterprise").get(url(case, DocumentKind.ACCEPTANCE, acceptance.item_id))
    assert response.status_code == 200 and response.content == path.read_bytes()
    assert licence.number in pdf_text(response.content)
    assert document.status_code == 200 and "受理通知书" in pdf_text(document.content)


def test_a_revoked_document_gets_its_own_file_with_the_banner_and_keeps_it(
    prerender, django_capture_on_commit_callbacks, client_for
):
    case = received_case(django_capture_on_commit_callbacks)
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
    current = stored_path(rendering.pdf_name(receipt)).read_bytes()
    with at("2026-11-25 10:00"), django_capture_on_commit_callbacks(execute=True):
        services.do_revoke_document(receipt, "误发", acting_user=user("xinxiang_window"))
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.REVOKED
    revoked_path = stored_path(rendering.pdf_name(receipt))
    assert revoked_path.exists() and revoked_path.name.startswith("revoked-")
    client = client_for("enterprise")
    with no_renderer():
        first = client.get(url(case, DocumentKind.RECEIPT)).content
        second = client.get(url(case, DocumentKind.RECEIPT)).content
    assert first == second == revoked_path.read_bytes() != current
    assert "2026-11-25" in pdf_text(first) and "2026-11-25" not in pdf_text(current)


def test_a_revoked_licence_gets_its_own_file(prerender, django_capture_on_commit_callbacks, client_for):
    from results import services as results

    _, licence = licensed_case(django_capture_on_commit_callbacks)
    valid = stored_path(licence_documents.licence_pdf_name(licence)).read_bytes()
    with at("2026-12-01 10:00"), django_capture_on_commit_callbacks(execute=True):
        results.do_revoke_licence(licence, "经营场所变更", acting_user=user("xinxiang_rev_market"))
    licence.refresh_from_db()
    with no_renderer():
        revoked = client_for("enterprise").get(f"/results/mine/{licence.pk}/download/").content
    assert revoked != valid and "已注销" in pdf_text(revoked) and "2026-12-01" in pdf_text(revoked)


# ---------------------------------------------------------------- no stored file yet: rendered once at download


def test_without_a_stored_file_the_download_renders_once_stores_and_serves_the_same_bytes(
    django_capture_on_commit_callbacks, client_for
):
    case = received_case(django_capture_on_commit_callbacks)  # PRERENDER_PDFS off: nothing rendered yet
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
    path = stored_path(rendering.pdf_name(receipt))
    assert not path.exists()
    client = client_for("enterprise")
    with counting_renderer() as renderer:
        first = client.get(url(case, DocumentKind.RECEIPT)).content
        second = client.get(url(case, DocumentKind.RECEIPT)).content
    assert renderer.call_count == 1
    assert first == second == path.read_bytes() and first.startswith(b"%PDF")


def test_the_background_rendering_and_a_rendering_at_download_give_the_same_bytes(
    prerender, django_capture_on_commit_callbacks, client_for
):
    case = received_case(django_capture_on_commit_callbacks)
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
    path = stored_path(rendering.pdf_name(receipt))
    by_task = path.read_bytes()
    path.unlink()
    assert client_for("enterprise").get(url(case, DocumentKind.RECEIPT)).content == by_task  # deterministic


def test_two_first_downloads_at_once_serve_one_file():
    """Two renderings racing for one name (two requests, or a request and the task): the first stored wins and both
    callers get its bytes, never a half-written file."""
    name = "documents/999999/current.pdf"
    results: list[bytes] = []

    def render(tag: bytes):
        def slow() -> bytes:
            time.sleep(0.05)
            return b"%PDF-" + tag

        return slow

    threads = [
        threading.Thread(target=lambda t=t: results.append(pdf.stored_pdf(name, render(t)))) for t in (b"A", b"B")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1] == stored_path(name).read_bytes()
    assert list(stored_path(name).parent.iterdir()) == [stored_path(name)]  # no partial file left behind


def test_a_stored_name_cannot_leave_the_pdf_directory():
    from django.core.exceptions import SuspiciousFileOperation

    with pytest.raises(SuspiciousFileOperation):
        pdf.stored_pdf_path("../db.sqlite3")


# ---------------------------------------------------------------- permissions unchanged


@pytest.mark.parametrize("username", ["citizen", "xixia_window", "xinxiang_rev_fire_rescue"])
def test_a_stored_pdf_is_404_for_anyone_who_may_not_have_it(
    prerender, django_capture_on_commit_callbacks, client_for, username
):
    case, licence = licensed_case(django_capture_on_commit_callbacks)
    assert stored_path(licence_documents.licence_pdf_name(licence)).exists()
    acceptance = CaseDocument.objects.get(case=case, kind=DocumentKind.ACCEPTANCE, item=item(case, FOOD))
    client = client_for(username)
    assert client.get(url(case, DocumentKind.RECEIPT)).status_code == 404
    assert client.get(url(case, DocumentKind.ACCEPTANCE, acceptance.item_id)).status_code == 404
    assert client.get(f"/results/mine/{licence.pk}/download/").status_code == 404
    assert (
        client_for("xinxiang_rev_market").get(url(case, DocumentKind.ACCEPTANCE, acceptance.item_id)).status_code == 200
    )


# ---------------------------------------------------------------- the task retried; the command for older data


def test_a_failing_render_is_retried_and_stored_when_it_succeeds(prerender, django_capture_on_commit_callbacks):
    real, calls = rendering.document_pdf, []

    def fails_once(document):
        calls.append(document.pk)
        if len(calls) == 1:
            raise RuntimeError("out of memory")
        return real(document)

    with mock.patch.object(rendering, "document_pdf", side_effect=fails_once) as render:
        case = received_case(django_capture_on_commit_callbacks)
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
    assert render.call_count == 2 and stored_path(rendering.pdf_name(receipt)).exists()


def test_a_render_that_keeps_failing_stops_after_the_retries_and_the_change_stands(
    prerender, django_capture_on_commit_callbacks, client_for
):
    with mock.patch.object(rendering, "document_pdf", side_effect=RuntimeError("broken")) as render:
        case = received_case(django_capture_on_commit_callbacks)
    assert render.call_count == 1 + len(RETRY_DELAYS)
    case.refresh_from_db()
    assert case.received_at is not None  # the change committed
    assert client_for("enterprise").get(url(case, DocumentKind.RECEIPT)).status_code == 200  # rendered at download


def test_on_the_database_queue_a_failure_is_enqueued_again_for_later(settings, django_capture_on_commit_callbacks):
    case = received_case(django_capture_on_commit_callbacks)
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
    settings.TASKS = DATABASE_TASKS
    before = timezone.now()
    with (
        mock.patch.object(rendering, "document_pdf", side_effect=RuntimeError("broken")),
        pytest.raises(RuntimeError),
    ):
        render_document_pdf.call(receipt.pk)
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs == {"args": [receipt.pk], "kwargs": {"attempt": 2}}
    assert retry.run_after >= before + dt.timedelta(seconds=RETRY_DELAYS[0])
    with (
        mock.patch.object(rendering, "document_pdf", side_effect=RuntimeError("broken")),
        pytest.raises(RuntimeError),
    ):
        render_document_pdf.call(receipt.pk, attempt=1 + len(RETRY_DELAYS))
    assert DBTaskResult.objects.count() == 1  # the last attempt enqueues nothing more


def test_the_command_renders_what_is_missing_once(django_capture_on_commit_callbacks):
    import io

    case, licence = licensed_case(django_capture_on_commit_callbacks)  # PRERENDER_PDFS off: nothing stored
    documents = list(CaseDocument.objects.filter(case=case))
    assert documents and not any(rendering.has_stored_pdf(d) for d in documents)
    out = io.StringIO()
    call_command("render_pdfs", stdout=out)
    assert out.getvalue().strip() == f"{len(documents) + 1} PDF(s) rendered and stored."
    assert all(rendering.has_stored_pdf(d) for d in documents) and licence_documents.has_stored_pdf(licence)
    again = io.StringIO()
    with no_renderer():
        call_command("render_pdfs", stdout=again)
    assert again.getvalue().strip() == "0 PDF(s) rendered and stored."


@pytest.mark.tasks
def test_on_the_configured_queue_the_worker_stores_the_pdf_and_a_failure_is_retried_later(
    prerender, task_queue, django_capture_on_commit_callbacks, client_for
):
    """The rendering task as deployed (the database queue, or Redis and RQ with YIJIAN_TASKS_BACKEND=rq): the change
    enqueues it on commit, the worker stores the PDF, the download serves it; a failure enqueues the next attempt
    for later, which a worker does not run before it is due."""
    from django_tasks import TaskResultStatus

    case = received_case(django_capture_on_commit_callbacks)
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
    waiting = [r for r in task_queue.waiting() if r.task.module_path == "documents.tasks.render_document_pdf"]
    assert receipt.pk in [r.args[0] for r in waiting]
    assert not rendering.has_stored_pdf(receipt)  # not before the worker ran
    task_queue.run()
    assert rendering.has_stored_pdf(receipt)
    assert {r.status for r in task_queue.results()} == {TaskResultStatus.SUCCESSFUL}
    with no_renderer():
        assert client_for("enterprise").get(url(case, DocumentKind.RECEIPT)).status_code == 200

    before = timezone.now()
    already = len(task_queue.ids)
    with mock.patch.object(rendering, "store_document_pdf", side_effect=RuntimeError("broken")):
        render_document_pdf.enqueue(receipt.pk)
        task_queue.run()
    new = task_queue.results()[already:]
    failed = next(r for r in new if r.status == TaskResultStatus.FAILED)
    assert failed.errors[-1].exception_class_path == "builtins.RuntimeError"
    [retry] = [r for r in task_queue.waiting() if r.kwargs.get("attempt") == 2]
    assert list(retry.args) == [receipt.pk]
    due = before.replace(microsecond=0) + dt.timedelta(seconds=RETRY_DELAYS[0])  # RQ keeps whole seconds
    assert retry.task.run_after is not None and retry.task.run_after >= due
    task_queue.run()  # not due yet: still waiting
    assert [r.id for r in task_queue.waiting()] == [retry.id]
