"""Reads that may go to a read replica (core.routers; README "Deployment"): with a replica configured, the reads of
REPLICA_APPS inside replica_reads() — the supervisors' task list among them — go to the replica alias; writes, reads
inside a transaction, reads of accounts and sessions, and everything outside replica_reads() go to the primary.

The replica here is a second alias on the test database (yijian/test_settings.py: Django's TEST MIRROR), with a
connection of its own: each query is seen on the connection that ran it."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from catalog.models import OneThing
from core.routers import reading_from_replica, replica_reads
from regions.models import Region

BOTH = pytest.mark.django_db(databases=["default", "replica"])
# A second connection to an in-memory SQLite test database cannot read while the test's transaction holds it (shared
# cache: "database table is locked"); replicas are PostgreSQL's anyway, and CI runs this on PostgreSQL.
pytestmark = pytest.mark.skipif(connection.vendor == "sqlite", reason="a replica alias needs PostgreSQL")


@pytest.fixture
def replica(settings):
    settings.REPLICA_DATABASE = "replica"
    return settings


class Seen:
    """The SQL each alias ran while the block was open."""

    def __init__(self):
        self.default = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def __enter__(self):
        self.default.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    @staticmethod
    def _tables(context) -> list[str]:
        return [q["sql"] for q in context.captured_queries]

    def on_default(self, table: str) -> int:
        return sum(f'"{table}"' in sql for sql in self._tables(self.default))

    def on_replica(self, table: str) -> int:
        return sum(f'"{table}"' in sql for sql in self._tables(self.replica))


@BOTH
def test_inside_replica_reads_the_catalog_is_read_from_the_replica_and_written_to_the_primary(replica):
    assert connections["replica"] is not connections["default"]
    with Seen() as seen, replica_reads():
        assert reading_from_replica()
        one_thing = OneThing.objects.filter(status="published").order_by("pk").first()
        assert one_thing is not None  # the seed catalog, committed when the test database was set up
        assert one_thing._state.db == "replica"
        one_thing.save(update_fields=["name"])  # a write: to the primary, whatever read the object
        assert one_thing._state.db == "default"
    assert seen.on_replica("catalog_onething") == 1
    assert seen.on_default("catalog_onething") == 1
    assert "UPDATE" in seen.default.captured_queries[-1]["sql"]
    assert not any(q["sql"].startswith(("UPDATE", "INSERT", "DELETE")) for q in seen.replica.captured_queries)


@BOTH
def test_outside_replica_reads_inside_a_transaction_and_for_accounts_the_primary_is_read(replica):
    with Seen() as seen:
        Region.objects.first()  # not inside replica_reads()
        with replica_reads():
            User.objects.get(username="citizen")  # accounts: never from the replica
            with transaction.atomic():
                Region.objects.first()  # inside a transaction: what it wrote is not on the replica yet
            Region.objects.first()  # the one read of this test that goes to the replica
    assert seen.on_default("regions_region") == 2 and seen.on_replica("regions_region") == 1
    assert seen.on_default("accounts_user") == 1 and seen.on_replica("accounts_user") == 0


@BOTH
def test_without_a_replica_configured_every_read_goes_to_the_primary():
    with Seen() as seen, replica_reads():
        assert not reading_from_replica()
        Region.objects.first()
    assert seen.on_default("regions_region") == 1 and not seen.replica.captured_queries


@BOTH
def test_the_supervisors_task_list_reads_the_tasks_from_the_replica(replica, client_for):
    with Seen() as seen:
        response = client_for("xinxiang_supervisor").get("/tasks/")
    assert response.status_code == 200
    assert seen.on_replica("cases_caseitem") >= 1 and seen.on_default("cases_caseitem") == 0
    assert seen.on_default("django_session") >= 1 and seen.on_replica("django_session") == 0


@BOTH
def test_a_department_reviewers_task_list_reads_the_primary(replica, client_for):
    """Whoever decides tasks sees their own writes at once: their list is not read from a replica that may lag."""
    with Seen() as seen:
        response = client_for("xinxiang_reviewer").get("/tasks/")
    assert response.status_code == 200
    assert seen.on_default("cases_caseitem") >= 1 and not seen.replica.captured_queries
