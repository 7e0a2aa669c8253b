"""The one door through the real pages: each demo role × each page action × a task inside and outside its scope.

A 开办餐饮店 case of 新乡县 is filed by the demo enterprise and received; its items sit in the departments' queues.
The people: the demo staff of 新乡县 (inside the case's region; the reviewer and the lead work in 市场监管局, the
department of 食品经营许可 and the one-thing's lead) and of 红旗区 (a county of the same city: outside), a reviewer of
the fire brigade (inside the region, outside the department), the applicant and another citizen.

EXPECTED is written out by hand: "ok" (the page or the action went through), "refused" (403: the task is visible but
the action is not theirs, the page says why), "hidden" (404: not found and not yours look the same).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.tests.conftest import FIRE, FOOD, LICENCE, item_of, restaurant_case

PEOPLE = (
    "xinxiang_window",
    "xinxiang_reviewer",  # 市场监管局
    "xinxiang_lead",  # 市场监管局, lead department of 开办餐饮店
    "xinxiang_rev_fire_rescue",
    "xinxiang_delivery",
    "xinxiang_supervisor",
    "xinxiang_catalog_admin",
    "hongqi_window",
    "hongqi_reviewer",
    "hongqi_supervisor",
    "enterprise",  # the applicant
    "citizen",
    "admin",
)

# page action -> person -> outcome; a person not listed: "hidden"
EXPECTED: dict[str, dict[str, str]] = {
    # task.view: the task page of 企业营业执照信息核验 (市场监管局)
    "task.view": {
        "xinxiang_window": "ok",
        "xinxiang_reviewer": "ok",
        "xinxiang_lead": "ok",
        "xinxiang_delivery": "ok",
        "xinxiang_supervisor": "ok",
        "admin": "ok",
    },
    # task.view of another department's item: the fire check — the lead department follows it, the market
    # reviewer does not see it
    "task.view.other_department": {
        "xinxiang_window": "ok",
        "xinxiang_lead": "ok",
        "xinxiang_rev_fire_rescue": "ok",
        "xinxiang_delivery": "ok",
        "xinxiang_supervisor": "ok",
        "admin": "ok",
    },
    # task.decide: accept 企业营业执照信息核验
    "task.decide": {
        "xinxiang_window": "refused",
        "xinxiang_reviewer": "ok",
        "xinxiang_lead": "ok",
        "xinxiang_delivery": "refused",
        "xinxiang_supervisor": "refused",
        "admin": "ok",
    },
    # task.decide of another department's item: the lead department sees the fire check but does not decide it
    "task.decide.other_department": {
        "xinxiang_window": "refused",
        "xinxiang_lead": "refused",
        "xinxiang_rev_fire_rescue": "ok",
        "xinxiang_delivery": "refused",
        "xinxiang_supervisor": "refused",
        "admin": "ok",
    },
    # task.urge: urge 企业营业执照信息核验
    "task.urge": {
        "xinxiang_window": "ok",
        "xinxiang_reviewer": "refused",
        "xinxiang_lead": "ok",
        "xinxiang_delivery": "refused",
        "xinxiang_supervisor": "ok",
        "admin": "ok",
    },
    # case.review: the window's page of the case
    "case.review": {"xinxiang_window": "ok", "admin": "ok"},
    # case.view: the case page — the applicant's own, the region's window, certificate window and supervisors, the
    # lead department (not a reviewer: they see their item's task)
    "case.view": {
        "enterprise": "ok",
        "xinxiang_window": "ok",
        "xinxiang_lead": "ok",
        "xinxiang_delivery": "ok",
        "xinxiang_supervisor": "ok",
        "admin": "ok",
    },
}


def _probe(client, action: str, case) -> int:
    item = item_of(case, FIRE if action.endswith("other_department") else LICENCE)
    base = action.removesuffix(".other_department")
    if base == "task.view":
        return client.get(reverse("approvals:task", args=[item.pk])).status_code
    if base == "task.decide":
        return client.post(reverse("approvals:act", args=[item.pk, "accept"])).status_code
    if base == "task.urge":
        return client.post(reverse("approvals:act", args=[item.pk, "urge"]), {"note": "请加快"}).status_code
    if base == "case.review":
        return client.get(reverse("window:case", args=[case.number])).status_code
    assert base == "case.view"
    return client.get(reverse("cases:detail", args=[case.number])).status_code


OUTCOME = {200: "ok", 302: "ok", 403: "refused", 404: "hidden"}


def test_every_person_has_a_row_in_each_action_or_is_hidden():
    """The table names only the people of PEOPLE (a typo would silently mean "hidden")."""
    for action, row in EXPECTED.items():
        assert set(row) <= set(PEOPLE), action
        assert set(row.values()) <= {"ok", "refused"}, action


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_person_is_let_through_refused_or_shown_nothing(client_for, action, person):
    case = restaurant_case()
    assert FOOD in {i.name for i in case.items.all()}
    status = _probe(client_for(person), action, case)
    assert OUTCOME.get(status) == EXPECTED[action].get(person, "hidden"), f"{person} {action}: HTTP {status}"
