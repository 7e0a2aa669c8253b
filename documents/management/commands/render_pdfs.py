"""Render and store the PDFs of case documents and e-licences that have none stored for their current status (data
from before PDFs were rendered in the background, a queue that was down, a MEDIA_ROOT restored without them).
Idempotent: a second run renders nothing. Each PDF is laid out in this process, one after the other."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from documents import rendering
from documents.models import CaseDocument
from documents.services import refresh_status
from results import documents as licence_documents
from results.models import ELicence


class Command(BaseCommand):
    help = "Render and store the case document and e-licence PDFs that are not stored yet."

    def handle(self, *args, **options) -> None:
        rendered, failed = 0, []
        documents = CaseDocument.objects.select_related("case", "item", "material", "correction").order_by("pk")
        for document in documents.iterator(chunk_size=200):
            document = refresh_status(document, save=False)
            if rendering.has_stored_pdf(document):
                continue
            try:
                rendering.stored_document_pdf(document)
            except Exception as exc:  # one broken document does not stop the others; listed at the end
                failed.append(f"{document.number}: {exc}")
            else:
                rendered += 1
        licences = ELicence.objects.select_related("department", "holder", "item", "case").order_by("pk")
        for licence in licences.iterator(chunk_size=200):
            if licence_documents.has_stored_pdf(licence):
                continue
            try:
                licence_documents.stored_licence_pdf(licence)
            except Exception as exc:
                failed.append(f"{licence.number}: {exc}")
            else:
                rendered += 1
        self.stdout.write(f"{rendered} PDF(s) rendered and stored.")
        if failed:
            raise CommandError("Not rendered:\n" + "\n".join(failed))
