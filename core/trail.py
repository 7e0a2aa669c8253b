"""Tamper-evident audit trail: every audit event carries a SHA-256 hash chained to the previous event of its table.

One chain per event table (CHAINS below). An event's `hash` is SHA-256 over a canonical JSON of its content fields
(the fixed list in CHAINS, foreign keys by id, times in UTC) and the `prev_hash` it was appended after; the first
event of a table has an empty `prev_hash`. `ChainedEvent.save` seals a new event: it takes the chain's lock (on
PostgreSQL a transaction-level advisory lock per table; SQLite transactions are IMMEDIATE, hence already serial),
reads the hash of the table's last event and inserts the row, all in one transaction. Every creation path of an
event goes through `save` (Model.objects.create does; bulk_create does not, so it is refused).

`verify_chain` walks a table in id order and reports the first broken link: an event whose content no longer gives
its hash (edited), or whose `prev_hash` is not the hash of the event before it (one removed, inserted or reordered).
The last event of a table being removed leaves no gap to see; its case or record still shows the later state.
`manage.py verify_trail` runs it over every chain.

The field lists are fixed: a field added to an event model later is not covered until the chain is given a new
version, so old hashes keep verifying.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CHAINS: dict[str, tuple[str, ...]] = {
    "cases.CaseEvent": (
        "case",
        "item",
        "action",
        "at",
        "actor",
        "actor_label",
        "channel",
        "ip",
        "from_status",
        "to_status",
        "summary",
        "internal_note",
        "detail",
    ),
    "catalog.CatalogChange": (
        "one_thing_code",
        "version",
        "action",
        "actor",
        "actor_label",
        "at",
        "reason",
        "before",
        "after",
    ),  # not the one_thing foreign key: deleting a draft sets it to null, the code stays
    "shareddata.SharedDataEvent": ("subject", "consent", "action", "actor", "actor_label", "at", "before", "after"),
    "materials.UploadEvent": ("upload", "action", "actor", "actor_label", "at", "before", "after"),
    "oneform.DraftEvent": ("draft", "action", "actor", "actor_label", "at", "field_key", "comment", "before", "after"),
}

GENESIS = ""


def _normal(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(field, models.DateField):
        return value.isoformat()
    if isinstance(field, models.JSONField):
        # as the database gives it back: lazy strings made plain, tuples made lists
        return json.loads(json.dumps(value, cls=field.encoder, default=str))
    if isinstance(field, models.GenericIPAddressField):
        return field.get_prep_value(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(field, models.ForeignKey | models.IntegerField):
        return int(value)
    if isinstance(field, models.CharField | models.TextField):
        return str(value)
    return value


def content_of(event: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The hashed content of an event: its listed fields, foreign keys by id ("case" → its case_id)."""
    content = {}
    for name in fields:
        field = event._meta.get_field(name)
        content[name] = _normal(field, getattr(event, field.attname))
    return content


def hash_of(event: models.Model, fields: tuple[str, ...], prev_hash: str) -> str:
    canonical = json.dumps(
        {"content": content_of(event, fields), "prev": prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fields_of(model: type[models.Model]) -> tuple[str, ...]:
    return CHAINS[model._meta.label]


def _lock_chain(model: type[models.Model], using: str) -> None:
    """Serialise appends to one chain until the end of the transaction."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"trail:{model._meta.db_table}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    elif connection.vendor != "sqlite":  # SQLite: IMMEDIATE transactions (settings), one writer at a time
        list(model._base_manager.using(using).select_for_update().order_by("-pk").values_list("pk", flat=True)[:1])


class _ChainTip:
    """The hash this transaction last appended to a chain, kept as one of the transaction's on-commit callbacks
    (doing nothing on commit). Django drops those when the transaction, or the savepoint they were registered in,
    rolls back — so a tip still found there is one whose row exists and whose chain lock this transaction holds (a
    lock taken inside a savepoint goes with its rollback too): the next append needs neither the lock nor a read."""

    def __init__(self, label: str, hash_: str) -> None:
        self.label, self.hash = label, hash_

    def __call__(self) -> None:
        return None


def _tip(using: str, model: type[models.Model]) -> str | None:
    label = model._meta.label
    for entry in reversed(connections[using].run_on_commit):
        func = entry[1]
        if isinstance(func, _ChainTip) and func.label == label:
            return func.hash
    return None


def lock_chain(model: type[models.Model], using: str = "default") -> None:
    """Take the chain's lock now, until the end of the caller's transaction. A change that appends events after
    locking rows with SKIP LOCKED (the deadline scans) takes it first, so that it never holds a row another writer
    waits for while itself waiting for the chain (which that writer may hold)."""
    if not connections[using].in_atomic_block:
        raise transaction.TransactionManagementError("lock_chain needs a transaction (it holds until its end).")
    _lock_chain(model, using)


def last_hash(model: type[models.Model], using: str = "default") -> str:
    found = model._base_manager.using(using).order_by("-pk").values_list("hash", flat=True).first()
    return found if found is not None else GENESIS


class RefuseBulkCreate(models.Manager):
    """bulk_create would skip the sealing in save: events are appended one by one."""

    def bulk_create(self, *args, **kwargs):  # noqa: ARG002
        raise TypeError("Audit events are chained one by one (core.trail); bulk_create is not allowed.")


class ChainedEvent(models.Model):
    """An audit event sealed into its table's hash chain when it is first saved (module doc)."""

    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = RefuseBulkCreate()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            super().save(*args, **kwargs)
            return
        model = type(self)._meta.concrete_model
        using = kwargs.get("using") or router.db_for_write(model, instance=self)
        with transaction.atomic(using=using, savepoint=False):  # the change's own transaction: no savepoint
            tip = _tip(using, model)
            if tip is None:
                _lock_chain(model, using)
                tip = last_hash(model, using)
            self.prev_hash = tip
            self.hash = hash_of(self, fields_of(model), self.prev_hash)
            super().save(*args, **kwargs)
            transaction.on_commit(_ChainTip(model._meta.label, self.hash), using=using)


# ---------------------------------------------------------------- verification


@dataclass(frozen=True)
class BrokenLink:
    table: str
    pk: int
    expected: str
    found: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} id={self.pk}: {self.reason} (expected {self.expected or '∅'}, found {self.found or '∅'})"


@dataclass(frozen=True)
class ChainReport:
    label: str
    count: int
    broken: BrokenLink | None


def _walk(model: type[models.Model], fields: tuple[str, ...]) -> Iterator[models.Model]:
    only = ["pk", "prev_hash", "hash", *fields]
    yield from model._base_manager.order_by("pk").only(*only).iterator(chunk_size=2000)


def verify_chain(model: type[models.Model]) -> ChainReport:
    """Walk one table's chain in id order; the first broken link, if any, and the number of events read."""
    fields = fields_of(model)
    table = model._meta.db_table
    expected_prev, previous_pk, count = GENESIS, None, 0
    for event in _walk(model, fields):
        count += 1
        if event.prev_hash != expected_prev:
            after = f"event id={previous_pk}" if previous_pk is not None else "the start of the chain"
            return ChainReport(
                model._meta.label,
                count,
                BrokenLink(
                    table,
                    event.pk,
                    expected_prev,
                    event.prev_hash,
                    f"previous hash does not match {after}: an event was removed, inserted or reordered",
                ),
            )
        computed = hash_of(event, fields, event.prev_hash)
        if computed != event.hash:
            return ChainReport(
                model._meta.label,
                count,
                BrokenLink(
                    table, event.pk, computed, event.hash, "content does not match its hash: the event was changed"
                ),
            )
        expected_prev, previous_pk = event.hash, event.pk
    return ChainReport(model._meta.label, count, None)


def chained_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [apps.get_model(label) for label in CHAINS]


def verify_all() -> list[ChainReport]:
    return [verify_chain(model) for model in chained_models()]


def seal_existing(apps, label: str) -> None:
    """Data migration: chain a table's existing events in id order (rows sealed before keep their hashes)."""
    model = apps.get_model(label)
    fields = CHAINS[label]
    prev = GENESIS
    for event in model._base_manager.order_by("pk").iterator(chunk_size=2000):
        if event.hash and event.prev_hash == prev:
            prev = event.hash
            continue
        event.prev_hash = prev
        event.hash = hash_of(event, fields, prev)
        model._base_manager.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
