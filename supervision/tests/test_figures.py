"""Each figure on the known scenario (conftest.py), against values counted by hand from its story."""

from __future__ import annotations

import pytest

from cases.models import Case
from regions.models import Department, Region
from supervision import facts
from supervision.figures import BY_KEY, Filters, figures, figures_by, rows_of, trend
from supervision.models import CaseFact, ItemFact

from .conftest import END, NOW, START

pytestmark = pytest.mark.django_db


def county_filters(scenario, **kw) -> Filters:
    return Filters(regions=frozenset({scenario.county.pk}), start=START, end=END, now=NOW, **kw)


# Counted by hand from conftest.py's story: A's 4 items and B's 4 reached the departments (C's never did).
HAND_COUNTED = {
    "received": 8,
    "not_accepted": 1,  # A's signboard
    "acceptance_on_time": 4,  # A's four, 11-02 14:00 (due 11-03 17:00)
    "acceptance_late": 1,  # B's licence check, 11-04 09:00
    "completed": 2,  # A's licence check and 食品经营许可
    "decision_on_time": 1,  # the licence check (due 11-03, decided 11-03)
    "decision_late": 1,  # 食品经营许可 (due 11-09, decided 11-12)
    "withdrawn": 4,  # B's four
    "delivery_on_time": 0,
    "delivery_late": 0,
    "overdue_open": 1,  # A's fire check, due 11-06, open on 11-20
    "paused": 0,  # it was resumed on 11-05
    "review_on_time": 1,  # A: 60 minutes (limit 2 working hours); B was filed at the window (no clock)
    "review_late": 1,  # C: 300 minutes
    "deferred_open": 1,  # A's 保证食品安全的规章制度目录清单
    "deferred_overdue": 1,  # due 11-09, still outstanding on 11-20
    "commitments": 0,
    "not_accepted_rate": 0.125,  # 1 / 8
    "completion_rate": 0.25,  # 2 / 8
    "review_on_time_rate": 0.5,
    "acceptance_on_time_rate": 0.8,  # 4 / 5
    "decision_on_time_rate": 0.5,
    "delivery_on_time_rate": None,  # nothing delivered
    "review_median_minutes": 180.0,  # of 60 and 300
    "decision_median_days": 4.5,  # of 1 and 8
}


def test_every_figure_of_the_county_equals_the_hand_count(scenario):
    assert figures(county_filters(scenario)) == HAND_COUNTED


def test_the_city_rolls_up_its_counties_and_another_county_has_nothing(scenario):
    from accounts.permissions import regions_below

    city = scenario.county.parent
    assert figures(Filters(regions=regions_below([city.pk]), start=START, end=END, now=NOW)) == HAND_COUNTED
    other = Region.objects.get(code="411421")  # 民权县
    empty = figures(Filters(regions=frozenset({other.pk}), start=START, end=END, now=NOW))
    assert empty["received"] == 0 and empty["completion_rate"] is None


def test_the_period_decides_which_items_count(scenario):
    """Only C was filed on 10-30: its late review alone; no item reached a department that day."""
    only_c = figures(Filters(regions=frozenset({scenario.county.pk}), start=START, end=START.replace(day=30), now=NOW))
    assert only_c["review_late"] == 1 and only_c["review_on_time"] == 0 and only_c["received"] == 0
    assert only_c["overdue_open"] == 1  # what stands now ignores the period


def test_by_department(scenario):
    by = figures_by("department", county_filters(scenario))
    names = dict(Department.objects.filter(pk__in=by).values_list("pk", "code"))
    rows = {names[pk]: row for pk, row in by.items()}
    assert set(rows) == {"MARKET", "FIRE_RESCUE", "HOUSING_CONSTRUCTION"}
    market = rows["MARKET"]  # A's and B's licence check and 食品经营许可
    assert (market["received"], market["completed"], market["withdrawn"]) == (4, 2, 2)
    assert (market["acceptance_on_time"], market["acceptance_late"]) == (2, 1)
    assert (market["decision_on_time"], market["decision_late"], market["decision_median_days"]) == (1, 1, 4.5)
    assert market["review_on_time_rate"] is None  # formal review is the window's
    fire = rows["FIRE_RESCUE"]
    assert (fire["received"], fire["overdue_open"], fire["withdrawn"], fire["completion_rate"]) == (2, 1, 1, 0.0)
    housing = rows["HOUSING_CONSTRUCTION"]
    assert (housing["received"], housing["not_accepted"], housing["not_accepted_rate"]) == (2, 1, 0.5)


def test_by_one_thing_and_the_department_filter(scenario):
    by = figures_by("one_thing", county_filters(scenario))
    (code,) = by
    assert by[code]["received"] == 8 and by[code]["review_late"] == 1
    fire_pk = scenario.a.items.get(department__code="FIRE_RESCUE").department_id
    fire_only = figures(county_filters(scenario, department=fire_pk))
    assert (fire_only["received"], fire_only["overdue_open"], fire_only["completed"]) == (2, 1, 0)


def test_each_figure_drills_down_to_the_cases_behind_it(scenario):
    f = county_filters(scenario)
    cases = {c.pk: n for c, n in ((scenario.a, "A"), (scenario.b, "B"), (scenario.c, "C"))}

    def behind(key: str) -> list[str]:
        return sorted(cases[pk] for pk in rows_of(BY_KEY[key], f).values_list("case_id", flat=True))

    assert behind("withdrawn") == ["B"] * 4
    assert behind("overdue_open") == ["A"]
    assert behind("review_late") == ["C"]
    assert behind("acceptance_late") == ["B"]
    assert behind("deferred_overdue") == ["A"]


def test_trend_per_day(scenario):
    assert trend(county_filters(scenario)) == [{"period": "2026-11-02", "received": 8, "completed": 2}]


def test_the_kept_rows_equal_the_rows_recomputed_from_the_events(scenario):
    """The ON_EVENT hook kept the rows event by event; recomputing them from the trail alone gives the same."""
    kept = _rows()
    assert kept[0] and kept[1]
    facts.rebuild(Case.objects.values_list("pk", flat=True))
    assert _rows() == kept


def _rows():
    def plain(obj) -> dict:
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}

    return (
        sorted((plain(f) for f in CaseFact.objects.all()), key=lambda r: r["case_id"]),
        sorted((plain(f) for f in ItemFact.objects.all()), key=lambda r: r["item_id"]),
    )
