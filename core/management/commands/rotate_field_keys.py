"""Re-encrypt every encrypted column under the first key of FIELD_ENCRYPTION_KEYS (core.crypto).

Rotation: make a key (`--new-key`), put it first in FIELD_ENCRYPTION_KEYS keeping the old ones after it, restart,
run this command, then drop the old keys. Exact look-ups match under every configured key meanwhile."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core import crypto
from core.fields import encrypted_fields, reencrypt


class Command(BaseCommand):
    help = "Re-encrypt the personal data columns under the first FIELD_ENCRYPTION_KEYS key (or print a new key)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--new-key", action="store_true", help="print a new key and change nothing")

    def handle(self, *args, new_key: bool = False, **options) -> None:
        if new_key:
            self.stdout.write(crypto.new_key())
            return
        key_id = crypto.keys()[0][0]
        for model in apps.get_models():
            names = encrypted_fields(model)
            if not names:
                continue
            with transaction.atomic():
                count = reencrypt(model, names)
            self.stdout.write(f"{model._meta.label}: {count} row(s), {', '.join(names)} → key {key_id}")
