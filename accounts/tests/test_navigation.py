"""Navigation shows only what the role may use (issue 10, part 9): for a demo account of every role, every link in
the top bar of `/` answers 200 for that user — no link to a 404 or a 403."""

from __future__ import annotations

import re

import pytest

from accounts.choices import StaffRole
from accounts.demo import ROLE_DEPARTMENT, SEED_COUNTIES, demo_accounts

pytestmark = pytest.mark.django_db

# one demo account per role (README "Demo accounts"), the applicants of both kinds, and anonymous visitors
ACCOUNTS = {
    "anonymous": None,
    "sysadmin": "admin",
    "provincial catalog_admin": "henan_catalog_admin",
    "natural person": "citizen",
    "legal person": "enterprise",
    **{f"county {role}": f"xinxiang_{role}" for role in ROLE_DEPARTMENT},
    "department reviewer": "xinxiang_rev_public_security",
}

NAV = re.compile(r"<nav>(.*?)</nav>", re.S)
HREF = re.compile(r'<a [^>]*href="([^"]+)"')


ELDERLY_SWITCH = "/display/elderly/"  # every page's 长辈模式 switch: back to the page it was pressed on (core.display)


def nav_links(html: str) -> list[str]:
    """The top bar's links to pages (the display switch, present for everyone, is tested on its own below)."""
    match = NAV.search(html)
    assert match, "the page has no <nav>"
    links = HREF.findall(match.group(1))
    assert ELDERLY_SWITCH in links
    return [link for link in links if link != ELDERLY_SWITCH]


def test_the_elderly_switch_goes_back_to_the_same_page_and_toggles(client):
    page = "/guides/unknown/"
    on = client.get(ELDERLY_SWITCH, HTTP_REFERER=f"http://testserver{page}?a=1")
    assert on.status_code == 302 and on["Location"] == f"{page}?a=1" and on.cookies["yijian_elderly"].value == "1"
    assert 'class="elderly"' in client.get("/").content.decode()
    off = client.get(ELDERLY_SWITCH, HTTP_REFERER="https://evil.example/")
    assert off["Location"] == "/"  # never to another site
    assert 'class="elderly"' not in client.get("/").content.decode()


def test_the_accounts_cover_every_role():
    covered = {row["role"] for row in demo_accounts() if row["username"] in ACCOUNTS.values()}
    assert covered >= set(StaffRole.values) | {None}


@pytest.mark.parametrize("username", ACCOUNTS.values(), ids=ACCOUNTS.keys())
def test_every_nav_link_answers_200_for_the_user(client_for, username):
    client = client_for(username)
    home = client.get("/")
    assert home.status_code == 200
    links = nav_links(home.content.decode())
    assert links
    broken = {}
    for href in links:
        status = client.get(href).status_code
        if status != 200:
            broken[href] = status
    assert not broken, f"{username}: nav links that do not answer 200: {broken}"


def test_every_demo_county_has_an_account_of_every_role(user_named):
    for slug in SEED_COUNTIES.values():
        for role in ROLE_DEPARTMENT:
            assert user_named(f"{slug}_{role}").roles.filter(role=role).exists()


# what each role finds in the top bar besides the public catalog (`/`)
EXPECTED = {
    None: set(),
    "admin": {"/manage/", "/window/", "/tasks/", "/results/window/", "/evaluation/", "/supervision/"},
    "henan_catalog_admin": {"/manage/"},
    "citizen": {"/cases/", "/results/mine/", "/notifications/inbox/", "/shared-data/consents/"},
    # 好差评与投诉 (/evaluation/): the departments a 差评 or complaint may be routed to (the centre's window and
    # certificate window included: intake and delivery are theirs), and the supervisors who follow them
    "xinxiang_window": {"/window/", "/tasks/", "/results/window/", "/evaluation/"},
    "xinxiang_reviewer": {"/tasks/", "/evaluation/"},
    "xinxiang_lead": {"/tasks/", "/evaluation/"},
    "xinxiang_delivery": {"/tasks/", "/results/window/", "/evaluation/"},
    "xinxiang_catalog_admin": {"/manage/"},
    "xinxiang_supervisor": {"/manage/", "/tasks/", "/evaluation/", "/supervision/"},
    "xinxiang_department_head": {"/tasks/", "/evaluation/"},  # its department's tasks (督办) and its 差评, complaints
}


@pytest.mark.parametrize("username", EXPECTED, ids=[str(u) for u in EXPECTED])
def test_the_nav_shows_what_the_role_may_use(client_for, username):
    links = set(nav_links(client_for(username).get("/").content.decode())) - {"/"}
    if username is None:
        assert links == {"/accounts/login/"}
    else:  # and, for everyone logged in, their name leads to 账号安全 (password, second factor)
        assert links == EXPECTED[username] | {"/accounts/security/"}


def test_catalog_management_offers_the_import_only_to_those_who_may_import(client_for):
    assert "/manage/import/" in client_for("xinxiang_catalog_admin").get("/manage/").content.decode()
    supervisor = client_for("xinxiang_supervisor")
    assert "/manage/import/" not in supervisor.get("/manage/").content.decode()
    assert supervisor.get("/manage/import/").status_code == 404
