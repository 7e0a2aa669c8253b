"""Every department action not in the table of allowed transitions is refused, through the real services."""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction

from accounts.models import User
from approvals import rules, services
from cases.choices import CaseAction, ItemStatus
from cases.models import CaseEvent, CaseItem
from core.errors import ConflictError

from .test_scenarios import RESTAURANT_ALL, received_case

pytestmark = pytest.mark.django_db

ACTIONS = {
    CaseAction.ACCEPT_ITEM: lambda item, user: services.do_accept_item(item, acting_user=user),
    CaseAction.REFUSE_ITEM: lambda item, user: services.do_refuse_item(item, "理由", acting_user=user),
    CaseAction.APPROVE_ITEM: lambda item, user: services.do_approve_item(item, acting_user=user),
    CaseAction.DENY_ITEM: lambda item, user: services.do_deny_item(item, "理由", acting_user=user),
    CaseAction.PAUSE_ITEM: lambda item, user: services.do_request_supplement(item, "补充材料", acting_user=user),
    CaseAction.RESUME_ITEM: lambda item, user: services.do_resume_item(item, acting_user=user),
    CaseAction.ASSIGN_ITEM: lambda item, user: services.do_assign_item(item, user, acting_user=user),
    CaseAction.URGE_ITEM: lambda item, user: services.do_urge_item(
        item, "催办", acting_user=User.objects.get(username="xinxiang_supervisor")
    ),
}


def test_the_table_covers_every_item_status_and_only_item_actions():
    assert set(rules.ITEM_ALLOWED_ACTIONS) == set(ItemStatus.values)
    system_actions = {CaseAction.RELEASE_ITEM, CaseAction.STOP_ITEM, CaseAction.PRE_REVIEW_ITEM}
    for allowed in rules.ITEM_ALLOWED_ACTIONS.values():
        assert allowed <= set(ACTIONS) | system_actions


class Undone(Exception):
    """Rolls an atomic block back (the way the code rolls back: on-commit state goes with it)."""


@pytest.mark.parametrize("status", list(ItemStatus.values))
def test_actions_not_allowed_in_a_status_are_refused_and_change_nothing(status):
    case = received_case("开办餐饮店", "enterprise", RESTAURANT_ALL)
    item = case.items.get(name="企业营业执照信息核验")  # no prerequisites: accept leads to ACCEPTED
    CaseItem.objects.filter(pk=item.pk).update(status=status, paused_at=case.received_at)
    reviewer = User.objects.get(username="xinxiang_rev_market")
    refused = [action for action in ACTIONS if not rules.is_allowed(status, action)]
    events_before = CaseEvent.objects.filter(case=case).count()
    for action in refused:
        with pytest.raises(ConflictError) as conflict:
            ACTIONS[action](CaseItem.objects.get(pk=item.pk), reviewer)
        assert str(ItemStatus(status).label) in conflict.value.message
    assert CaseItem.objects.get(pk=item.pk).status == status
    assert CaseEvent.objects.filter(case=case).count() == events_before
    for action in ACTIONS:  # and each allowed one goes through (undone before the next)
        if rules.is_allowed(status, action):
            with contextlib.suppress(Undone), transaction.atomic():  # an atomic block: its rollback is the code's
                ACTIONS[action](CaseItem.objects.get(pk=item.pk), reviewer)
                assert CaseEvent.objects.filter(case=case).count() > events_before
                raise Undone
