"""Reads that may go to a read replica (settings.REPLICA_DATABASE, from DATABASE_REPLICA_URL; README "Deployment").

A page whose reads tolerate a little replication lag — the supervision pages: figures, lists of every department's
tasks — runs inside `replica_reads()` (a context manager, or a decorator on a view). There the models of
settings.REPLICA_APPS are read from the replica. Everything else reads the primary: other apps (accounts,
sessions, permissions, login throttling: a role just revoked or a session just opened must not be missed), any read
inside a transaction on the primary (what it just wrote is not on the replica yet), and every read when no replica
is configured. Writes always go to the primary; the replica is never migrated.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)


@contextmanager
def _reading_from_replica() -> Iterator[None]:
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads(view: Callable | None = None, *, when: Callable[[Any], bool] | None = None):
    """`with replica_reads():` — reads in the block may go to the replica; `@replica_reads` on a view, or
    `@replica_reads(when=predicate)` to do so only for requests the predicate accepts (e.g. supervisors only)."""
    if view is None and when is None:
        return _reading_from_replica()

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapped(request, *args, **kwargs):
            if when is not None and not when(request):
                return func(request, *args, **kwargs)
            with _reading_from_replica():
                return func(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


def reading_from_replica() -> bool:
    """Whether a read here would go to the replica (one is configured and we are inside replica_reads())."""
    return bool(_replica_reads.get() and getattr(settings, "REPLICA_DATABASE", None))


def _in_transaction(alias: str) -> bool:
    """Whether code runs inside a transaction of its own on `alias`. The atomic block a test case wraps each test in
    is not one (Django marks it, as it does for durable blocks): there the routing is what it is in production."""
    return any(not getattr(block, "_from_testcase", False) for block in connections[alias].atomic_blocks)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads of REPLICA_APPS inside replica_reads() to the replica, the rest to the
    primary."""

    def db_for_read(self, model, **hints):
        replica = getattr(settings, "REPLICA_DATABASE", None)
        if not replica or not _replica_reads.get():
            return DEFAULT_DB_ALIAS
        if model._meta.app_label not in getattr(settings, "REPLICA_APPS", ()):
            return DEFAULT_DB_ALIAS
        if _in_transaction(DEFAULT_DB_ALIAS):
            return DEFAULT_DB_ALIAS  # inside a transaction: read what it wrote
        return replica

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary by replication, never by migrate
