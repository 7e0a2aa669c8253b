"""Booleans and choices by their labels (issue 10, part 9): a yes/no answer reads 是/否 on the department's task page,
the window's review page and the applicant's profile (我的授权), never `true`/`false`; a choice reads as its label."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from oneform.choices import display_value
from shareddata.choices import ConsentScope
from shareddata.services import do_grant_consent

from .conftest import FOOD, SIGN, at, item_of, restaurant_case, user

pytestmark = pytest.mark.django_db

ONLINE = "是否通过网络（外卖平台）经营"  # food.online_sales, a yes/no field the food licence uses
LIGHTING = "是否带灯光照明"  # signboard.lighting, used by the signboard item


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def cell_after(html: str, label: str) -> str:
    """The text of the table cell right after the header cell holding `label`."""
    match = re.search(re.escape(label) + r"(?:\s|<[^>]+>|\*)*</th>\s*<td>(.*?)</td>", html, re.S)
    assert match, f"no row for {label}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_display_value():
    assert display_value("true") == "是" and display_value("false") == "否"
    assert display_value(True) == "是" and display_value(False) == "否"
    assert display_value(None) == "" and display_value("") == ""
    assert display_value("随父亲") == "随父亲" and display_value(3) == "3"


def test_yes_no_answers_read_as_labels_for_the_department_the_window_and_the_applicant():
    with at("2026-11-24 10:00"):
        enterprise = user("enterprise")  # keeps what it types (一人一档) only with that consent
        do_grant_consent(enterprise, ConsentScope.PROFILE, acting_user=enterprise, purpose="一人一档")
        case = restaurant_case({"food.online_sales": "false", "signboard.lighting": "true"})
        food = client_of("xinxiang_rev_market").get(reverse("approvals:task", args=[item_of(case, FOOD).pk]))
        sign = client_of("xinxiang_rev_housing_construction").get(
            reverse("approvals:task", args=[item_of(case, SIGN).pk])
        )
        window = client_of("xinxiang_window").get(reverse("window:case", args=[case.number]))
        consents = client_of("enterprise").get(reverse("shareddata:consents"))
    assert cell_after(food.content.decode(), ONLINE) == "否"
    assert cell_after(sign.content.decode(), LIGHTING) == "是"
    assert cell_after(window.content.decode(), ONLINE) == "否"
    assert cell_after(window.content.decode(), LIGHTING) == "是"
    profile = consents.content.decode()
    assert re.search(re.escape(ONLINE) + r"</td><td>否</td>", profile)
    for page in (food, sign, window, consents):
        text = re.sub(r"(?s)<script.*?</script>|<[^>]+>", "\n", page.content.decode())
        assert not re.search(r"(?m)^\s*(true|false|True|False)\s*$", text)
