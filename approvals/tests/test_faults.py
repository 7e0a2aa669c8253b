"""Faults at each hook: whole or nothing (issue 12). Every hook another app registers runs inside the transaction of
the change; a hook that fails undoes the change — no event, no message, no e-licence, no stored file is left — and
the same action, tried again once the fault is gone, does everything once.

Run on their own with `pytest -m faults` (with the outbox faults in notifications/tests/test_faults.py)."""

from __future__ import annotations

import pytest

from approvals import services
from approvals.demo import example_produced_values
from cases import services as case_services
from cases.choices import CaseAction, CaseStatus, ItemStatus, MaterialState
from cases.models import CaseEvent, CaseMaterial
from cases.tests.test_window_views import (
    DEFERRED_MATERIAL,
    PAPER_MATERIAL,
    next_workday,
    walk_in_case_with_paper,
)
from notifications.models import Message
from results.choices import LICENCE_RESULT_KINDS
from results.models import ELicence

from .conftest import FOOD, LICENCE, SIGN, item_of, restaurant_case, user

pytestmark = [pytest.mark.django_db, pytest.mark.faults]


class InjectedFault(Exception):
    pass


def fail(*_args) -> None:
    raise InjectedFault("the hook failed")


def trail() -> tuple[int, int, int]:
    """What a change writes: case events, outbox messages, e-licences."""
    return CaseEvent.objects.count(), Message.objects.count(), ELicence.objects.count()


HOOK_LISTS = (
    case_services.ON_DISTRIBUTED,
    case_services.ON_WITHDRAWN,
    services.ON_APPROVED,
    services.ON_REFUSED_OR_DENIED,
)


@pytest.fixture
def fault_in():
    """Append a failing hook to a hook list (after the real ones, so that they have written their part first);
    taken out again at the end of the test whatever happened."""
    yield lambda hooks: hooks.append(fail)
    for hooks in HOOK_LISTS:
        while fail in hooks:
            hooks.remove(fail)


@pytest.fixture
def restaurant_one_thing(db):
    from catalog.choices import OneThingStatus
    from catalog.models import OneThing

    return OneThing.objects.get(region__code="410721", name="开办餐饮店", status=OneThingStatus.PUBLISHED)


def test_distribution_hook_fault_undoes_the_receipt(media_root, fault_in, restaurant_one_thing):
    from cases.tests.conftest import file_again, make_ready_draft

    from .conftest import RESTAURANT_ALL

    draft = make_ready_draft(user("enterprise"), restaurant_one_thing, answers=RESTAURANT_ALL, leave_out=())
    case = file_again(draft, "faults-receive")
    before = trail()
    fault_in(case_services.ON_DISTRIBUTED)  # after approvals' own hook told the departments
    with pytest.raises(InjectedFault):
        case_services.do_receive_case(case, acting_user=user("xinxiang_window"))
    case.refresh_from_db()
    assert (case.status, case.received_at, case.distributed_at) == (CaseStatus.SUBMITTED, None, None)
    assert trail() == before
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.AWAITING_RECEIPT}

    case_services.ON_DISTRIBUTED.remove(fail)
    case = case_services.do_receive_case(case, acting_user=user("xinxiang_window"))
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.QUEUED}
    assert Message.objects.filter(kind="task.new").exists()  # the departments were told, once the fault was gone


def test_approval_hook_fault_leaves_no_licence_and_no_decision(media_root, fault_in):
    case = restaurant_case()
    licence_item = services.do_accept_item(item_of(case, LICENCE), acting_user=user("xinxiang_rev_market"))
    before = trail()
    fault_in(services.ON_APPROVED)  # after results issued the e-licence and announced it
    with pytest.raises(InjectedFault):
        services.do_approve_item(
            licence_item,
            result_number="91410721MA44XJ2R3B",
            produced_values=example_produced_values(licence_item),
            acting_user=user("xinxiang_rev_market"),
        )
    licence_item.refresh_from_db()
    assert licence_item.status == ItemStatus.ACCEPTED
    assert trail() == before  # no event, no message, no e-licence
    assert item_of(case, FOOD).status == ItemStatus.QUEUED  # nothing released

    services.ON_APPROVED.remove(fail)
    services.do_approve_item(
        licence_item,
        result_number="91410721MA44XJ2R3B",
        produced_values=example_produced_values(licence_item),
        acting_user=user("xinxiang_rev_market"),
    )
    issues_licence = licence_item.service_item.result_kind in LICENCE_RESULT_KINDS
    assert ELicence.objects.filter(item=licence_item).count() == (1 if issues_licence else 0)
    assert CaseEvent.objects.filter(item=licence_item, action=CaseAction.APPROVE_ITEM).count() == 1


def test_refusal_hook_fault_undoes_the_refusal(media_root, fault_in):
    case = restaurant_case()
    sign = item_of(case, SIGN)
    before = trail()
    fault_in(services.ON_REFUSED_OR_DENIED)
    with pytest.raises(InjectedFault):
        services.do_refuse_item(sign, "招牌设置位置位于禁设区域", acting_user=user("xinxiang_rev_housing_construction"))
    sign.refresh_from_db()
    assert sign.status == ItemStatus.QUEUED
    assert trail() == before

    services.ON_REFUSED_OR_DENIED.remove(fail)
    services.do_refuse_item(sign, "招牌设置位置位于禁设区域", acting_user=user("xinxiang_rev_housing_construction"))
    sign.refresh_from_db()
    assert sign.status == ItemStatus.REFUSED


def test_withdrawal_hook_fault_undoes_the_withdrawal(media_root, fault_in):
    case = restaurant_case()
    before = trail()
    fault_in(case_services.ON_WITHDRAWN)  # after inspections were called off and results announced
    with pytest.raises(InjectedFault):
        case_services.do_withdraw_case(case, "不再开店", acting_user=user("enterprise"))
    case.refresh_from_db()
    assert (case.status, case.withdrawn_at) == (CaseStatus.RECEIVED, None)
    assert trail() == before
    assert not case.items.filter(status=ItemStatus.WITHDRAWN).exists()

    case_services.ON_WITHDRAWN.remove(fail)
    case = case_services.do_withdraw_case(case, "不再开店", acting_user=user("enterprise"))
    assert case.status == CaseStatus.WITHDRAWN
    assert Message.objects.filter(kind="case.withdrawn").exists()


def test_the_last_scan_and_its_distribution_stand_or_fall_together(media_root, fault_in, restaurant_one_thing):
    """Before: the scan committed, the distribution failed in a second transaction, and the case stayed received
    with nothing distributed and no action left to distribute it."""
    from cases.tests.conftest import pdf

    case = walk_in_case_with_paper(restaurant_one_thing, "faults-scan")
    case = case_services.do_receive_case(
        case, deferrals={DEFERRED_MATERIAL: next_workday()}, acting_user=user("xinxiang_window")
    )
    assert case.distributed_at is None  # waits for the scan of the paper material
    material_type = CaseMaterial.objects.get(case=case, material_type__key=PAPER_MATERIAL).material_type
    before = trail()
    fault_in(case_services.ON_DISTRIBUTED)
    with pytest.raises(InjectedFault):
        case_services.do_attach_scan(case, material_type, pdf(), acting_user=user("xinxiang_window"))
    material = CaseMaterial.objects.get(case=case, material_type=material_type)
    assert (material.state, material.file.name or "") == (MaterialState.PAPER, "")
    assert not any(media_root.rglob("material*"))  # the stored file went with the rollback
    case.refresh_from_db()
    assert (case.scanned_at, case.distributed_at) == (None, None)
    assert trail() == before

    case_services.ON_DISTRIBUTED.remove(fail)
    case_services.do_attach_scan(case, material_type, pdf(), acting_user=user("xinxiang_window"))
    case.refresh_from_db()
    assert case.distributed_at is not None
    assert set(case.items.values_list("status", flat=True)) == {ItemStatus.QUEUED}
