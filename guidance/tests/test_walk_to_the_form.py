"""Issue 10 part 1: from the notice to filing by following links only. The questionnaire, the printable notice and
the service guide lead to the one form with the answers carried over; a logged-out visitor logs in and comes back
to the same step; the form leads to materials and to submitting."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ANSWERS = "q.org_form=enterprise&q.dine_in=takeaway_only&q.signboard=no_sign"  # 开办餐饮店 of 新乡县


def hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]


def link_to(page: str, prefix: str) -> str:
    found = [h for h in hrefs(page) if h.startswith(prefix)]
    assert found, f"no link to {prefix}"
    return found[0]


def test_the_questionnaire_leads_a_logged_out_visitor_through_login_to_the_form_with_the_answers(restaurant_code):
    client = Client()
    guide = client.get(f"/guide/{restaurant_code}/?{ANSWERS}").content.decode()
    apply = link_to(guide, f"/apply/{restaurant_code}/")
    assert apply == f"/apply/{restaurant_code}/?{ANSWERS}"  # the answers carried over

    to_login = client.get(apply)
    assert to_login.status_code == 302 and to_login["Location"].startswith("/accounts/login/?next=")
    login_page = client.get(to_login["Location"]).content.decode()
    login_form = login_page.split('name="username"')[0].rsplit("<form", 1)[1] + login_page.split('name="username"')[1]
    login_form = login_form.split("</form>")[0]
    next_value = html.unescape(re.search(r'name="next" value="([^"]*)"', login_form).group(1))
    assert next_value == apply
    back = client.post(
        "/accounts/login/", {"username": "enterprise", "password": "yijian-demo-2026", "next": next_value}
    )
    assert back.status_code == 302 and back["Location"] == apply
    form = client.get(back["Location"])
    assert form.status_code == 200
    text = form.content.decode()
    assert "企业营业执照信息核验" in text and "消防" not in text.split("</form>")[0]  # take-away only: no fire check
    assert link_to(text, f"/materials/{restaurant_code}/") and link_to(text, f"/cases/submit/{restaurant_code}/")


def test_the_printed_notice_and_the_guide_lead_to_the_form(client, restaurant_code):
    notice = client.get(f"/guide/{restaurant_code}/notice/?{ANSWERS}").content.decode()
    assert link_to(notice, f"/apply/{restaurant_code}/") == f"/apply/{restaurant_code}/?{ANSWERS}"
    assert f"/apply/{restaurant_code}/?" in notice.split("apply-online", 1)[1]  # printed with its address and QR
    guide = client.get(f"/guides/{restaurant_code}/").content.decode()
    questionnaire = link_to(guide, f"/guide/{restaurant_code}/")
    assert client.get(questionnaire).status_code == 200


def test_staff_are_not_offered_the_applicants_form(client_for, restaurant_code):
    page = client_for("xinxiang_window").get(f"/guide/{restaurant_code}/?{ANSWERS}").content.decode()
    assert f"/apply/{restaurant_code}/" not in page
