"""效能比对 on the scenario's case A once its last item is decided (conftest.py), against a count by hand of its
materials, legal limits and the applicant's steps."""

from __future__ import annotations

import pytest

from approvals import services as approvals
from approvals.tests.conftest import FIRE, at, item_of, user
from supervision.effect import assess
from supervision.report import build_report

from .conftest import END, NOW, START
from .test_figures import county_filters

pytestmark = pytest.mark.django_db


def test_effect_of_the_restaurant_case(scenario):
    assert assess(county_filters(scenario)) == []  # nothing ended with a decision yet (A's fire check is open)
    with at("2026-11-23 10:00"):
        approvals.do_approve_item(item_of(scenario.a, FIRE), acting_user=user("xinxiang_rev_fire_rescue"))
    (row,) = assess(county_filters(scenario))
    assert row.cases == 1
    # 10 materials; filed item by item: 营业执照 ×3, 经营场所平面布局图 ×2, 申请表 ×3, seven others ×1 = 15;
    # supplied by the applicant: all but the 申请表 generated from the one form = 9
    assert (row.materials_before, row.materials_after, row.materials_reduction) == (15, 9, 0.4)
    # legal limits in series 1 + 10 + 5 + 13 = 29; received 11-02, last decision 11-23: 15 working days
    assert (row.days_before, row.days_after, row.days_reduction) == (29, 15, 0.483)
    # 4 items × (apply, collect) = 8; the applicant filed once and has collected nothing yet
    assert (row.steps_before, row.steps_after, row.steps_reduction) == (8, 1, 0.875)
    assert (row.visits_before, row.visits_after) == (8, 0)
    assert row.meets["materials"] is False and row.meets["days"] is False and row.meets["steps"] is True
    assert row.prefilled_share is not None  # the catalog side (guidance.metrics.reform_metrics) for 开办餐饮店
    report = build_report(scenario.county, START, END, now=NOW)
    assert report["effect"][0]["materials_before"] == 15
