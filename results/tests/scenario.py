"""Building cases for the results tests, on the demo county 新乡县 (410721) and the real 2026 calendar.

The restaurant (开办餐饮店, every item: RESTAURANT_ALL) is filed by the demo enterprise and received at the window
(approvals/tests/test_scenarios.py): 企业营业执照信息核验 (result kind "other": no e-licence) gates 食品经营许可
(licence), 户外招牌设施设置规范管理 (approval) and the fire check (licence). Tests run the departments' decisions
inside django_capture_on_commit_callbacks(execute=True), so the after-commit hooks (e-licences, notices) run as in
production.
"""

from __future__ import annotations

import itertools

from approvals import services as approvals
from approvals.tests.test_scenarios import RESTAURANT_ALL, at, item, one_thing, user
from cases.models import Case, CaseItem
from cases.services import do_receive_case
from cases.tests.conftest import file_again, make_ready_draft

_keys = itertools.count(1)

CHECK = "企业营业执照信息核验"
FOOD = "食品经营许可"
SIGN = "户外招牌设施设置规范管理"
FIRE = "公众聚集场所投入使用、营业前消防安全检查"

__all__ = ["CHECK", "FIRE", "FOOD", "SIGN", "accept_all", "at", "item", "restaurant_case", "reviewer", "user"]


def restaurant_case(moment: str = "2026-11-23 09:30") -> Case:
    """Filed online by the demo enterprise (every material uploaded) and received at the window."""
    enterprise = user("enterprise")
    with at(moment):
        draft = make_ready_draft(enterprise, one_thing("开办餐饮店"), answers=RESTAURANT_ALL, leave_out=())
        case = file_again(draft, f"results-{next(_keys)}")
        return do_receive_case(case, acting_user=user("xinxiang_window"))


def reviewer(case_item: CaseItem):
    return user(f"xinxiang_rev_{case_item.department.code.lower()}")


def accept_all(case: Case) -> None:
    for case_item in case.items.select_related("department"):
        approvals.do_accept_item(case_item, acting_user=reviewer(case_item))
