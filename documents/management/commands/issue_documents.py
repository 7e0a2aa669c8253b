"""Issue the documents of cases whose sources exist but that were never issued (data from before documents were
issued by the change that creates them). Idempotent: a second run issues nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import Case
from documents.services import issue_documents


class Command(BaseCommand):
    help = "Issue the case documents whose source exists but which were not issued yet."

    def handle(self, *args, **options) -> None:
        issued = 0
        for pk in Case.objects.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                case = Case.objects.select_for_update(of=("self",)).order_by().get(pk=pk)
                issued += len(issue_documents(case, acting_user=None))
        self.stdout.write(f"{issued} document(s) issued.")
