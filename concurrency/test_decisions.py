"""Two reviewers deciding the same task at once: exactly one succeeds, the other gets a clear conflict message."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from accounts.models import User
from approvals import services
from cases.choices import ItemStatus
from cases.models import CaseEvent, CaseItem
from cases.services import do_receive_case, do_submit_case
from cases.tests.conftest import make_ready_draft
from catalog.models import OneThing
from core.errors import ConflictError

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between real connections: run with DATABASE_URL=postgres://…"
)
WAIT = 10  # seconds: generous, a blocked thread is released as soon as the first commits


def accepted_licence_check() -> CaseItem:
    enterprise = User.objects.get(username="enterprise")
    restaurant = OneThing.objects.get(code="410721-01-003", status="published")
    draft = make_ready_draft(enterprise, restaurant, leave_out=())
    case = do_receive_case(
        do_submit_case(draft, "concurrency", acting_user=enterprise),
        acting_user=User.objects.get(username="xinxiang_window"),
    )
    item = case.items.get(name="企业营业执照信息核验")
    return services.do_accept_item(item, acting_user=User.objects.get(username="xinxiang_rev_market"))


def test_two_reviewers_deciding_one_task_at_once():
    item = accepted_licence_check()
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():  # approve, then keep the transaction (and the row lock) open
                services.do_approve_item(
                    item,
                    result_number="91410721MA44XJ2R3B",
                    acting_user=User.objects.get(username="xinxiang_rev_market"),
                )
                first_holds_lock.set()
                release_first.wait(WAIT)
            outcome["first"] = "approved"
        except Exception as exc:  # pragma: no cover - reported by the assertions below
            outcome["first"] = exc
        finally:
            close_old_connections()
            connection.close()

    def second() -> None:
        try:
            services.do_deny_item(item, "材料不全", acting_user=User.objects.get(username="xinxiang_lead"))
            outcome["second"] = "denied"
        except Exception as exc:
            outcome["second"] = exc
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_holds_lock.wait(WAIT)
    two = threading.Thread(target=second)
    two.start()
    two.join(1.0)
    assert two.is_alive(), "the second reviewer must wait for the first one's row lock"
    release_first.set()
    one.join(WAIT)
    two.join(WAIT)

    assert outcome["first"] == "approved"
    assert isinstance(outcome["second"], ConflictError)
    assert "已" in outcome["second"].message or "already" in outcome["second"].message
    assert str(User.objects.get(username="xinxiang_rev_market")) in outcome["second"].message
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED and item.decided_by.username == "xinxiang_rev_market"
    assert CaseEvent.objects.filter(item=item, action__in=["approve_item", "deny_item"]).count() == 1


def test_two_reviewers_racing_without_a_head_start():
    """Both start together; whichever wins, the other is refused and the item is decided once."""
    item = accepted_licence_check()
    barrier = threading.Barrier(2)
    results: list[object] = []

    def decide(username: str, approve: bool) -> None:
        try:
            user = User.objects.get(username=username)
            barrier.wait(WAIT)
            if approve:
                services.do_approve_item(item, acting_user=user)
            else:
                services.do_deny_item(item, "不符合条件", acting_user=user)
            results.append("ok")
        except ConflictError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("xinxiang_rev_market", True)),
        threading.Thread(target=decide, args=("xinxiang_lead", False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert results.count("ok") == 1
    assert sum(isinstance(r, ConflictError) for r in results) == 1
    item.refresh_from_db()
    assert item.status in (ItemStatus.APPROVED, ItemStatus.DENIED)
