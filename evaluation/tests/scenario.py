"""Cases to rate, on the demo county 新乡县 (410721) and the real 2026 calendar, through the real services.

The restaurant (results/tests/scenario.py: filed online by the demo enterprise, received by xinxiang_window): every
department accepts; the licence check, the food licence and the fire check are approved, the signboard is denied —
the case ends 部分办结 — and the certificate window hands the results over. The enterprise's mobile is 13800000002.
"""

from __future__ import annotations

from approvals import services as approvals
from cases.models import Case
from results import queries as result_queries
from results import services as results
from results.tests.scenario import CHECK, FIRE, FOOD, SIGN, accept_all, at, item, restaurant_case, reviewer, user

__all__ = ["CHECK", "FIRE", "FOOD", "SIGN", "at", "ended_case", "item", "received_case", "reviewer", "user"]


def received_case(moment: str = "2026-11-23 09:30") -> Case:
    return restaurant_case(moment)


def ended_case(moment: str = "2026-11-23 09:30", *, deliver: bool = True) -> Case:
    """Received at `moment`, decided at 10:00 the same day (partly completed), delivered at 11:00."""
    case = restaurant_case(moment)
    day = moment[:10]
    with at(f"{day} 10:00"):
        accept_all(case)
        approvals.do_approve_item(
            item(case, CHECK), result_number="91410721MA44XJ2R3B", acting_user=reviewer(item(case, CHECK))
        )
        approvals.do_approve_item(
            item(case, FOOD), result_number="JY14107210001234", acting_user=reviewer(item(case, FOOD))
        )
        approvals.do_approve_item(item(case, FIRE), acting_user=reviewer(item(case, FIRE)))
        sign = item(case, SIGN)
        approvals.do_deny_item(sign, "招牌设置位置位于禁设区域", acting_user=reviewer(sign))
    case = Case.objects.get(pk=case.pk)
    if deliver:
        with at(f"{day} 11:00"):
            ready = result_queries.ready_for_delivery(case)
            results.do_record_delivery(
                case, ready, "window", recipient_name="赵六", acting_user=user("xinxiang_delivery")
            )
    return Case.objects.get(pk=case.pk)
