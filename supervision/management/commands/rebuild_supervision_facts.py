"""`manage.py rebuild_supervision_facts`: recompute the supervision summary rows (CaseFact, ItemFact) of every case
from its events (supervision/facts.py) — for cases filed before the app existed, or after restoring a backup."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from supervision.facts import rebuild


class Command(BaseCommand):
    help = "由办件事件重算电子监察汇总表（CaseFact、ItemFact）。"

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{rebuild()} 件")
