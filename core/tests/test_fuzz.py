"""Issue 11 part 5: no form and no URL answers 500, whoever asks and whatever they send.

Hypothesis draws, per example, one URL pattern of the site (every pattern outside the Django admin and the guides'
PDFs, which have no object id beyond the code and are slow to lay out), a role (anonymous, each kind of applicant
and staff, the system administrator with their second factor), values for its parameters (the ids and numbers that
exist, mixed with huge, negative and odd ones), and a query string (next, filters, paging). It GETs the page; when
the page has forms that post, it POSTs each with values drawn for the form's own field names. Every answer must be
below 500. The test client runs in-process on the test database (nothing leaves the machine). Run with `-s` to see
the figures: requests and statuses (the issue note gives a run); FUZZ_EXAMPLES=3000 for a longer run.
"""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import User
from catalog.models import MaterialType, OneThing
from conftest import verify_second_factor
from results.tests.scenario import accept_all, at, restaurant_case

pytestmark = [pytest.mark.django_db, pytest.mark.security]

ROLES = (
    None,
    "citizen",
    "enterprise",
    "xinxiang_window",
    "xinxiang_rev_market",
    "xinxiang_lead",
    "xinxiang_supervisor",
    "henan_catalog_admin",
    "admin",
)
SKIPPED = ("admin/", "accounts/logout/")  # the admin is Django's; logging out would end the role's session
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
NAME = re.compile(r"\bname=\"([^\"]+)\"")
ACTION = re.compile(r"\baction=\"([^\"]*)\"")
ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
ODD_INT = st.one_of(st.integers(min_value=-5, max_value=60), st.integers(min_value=2**31 - 2, max_value=2**80).map(int))
STATUSES: Counter = Counter()


def routes() -> list[str]:
    found = []

    def walk(patterns, prefix: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                route = prefix + str(p.pattern)
                if not route.startswith(SKIPPED) and not (route.startswith("guides/") and route.endswith(".pdf")):
                    found.append(route)

    walk(get_resolver().url_patterns)
    return sorted(set(found))


ROUTES = routes()


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> dict:
    """Two restaurant cases in 新乡县 (one received, one with every item accepted) and a client per role."""
    with django_capture_on_commit_callbacks(execute=True):
        received = restaurant_case()
        accepted = restaurant_case("2026-11-23 10:30")
        with at("2026-11-23 11:00"):
            accept_all(accepted)
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role:
            user = User.objects.get(username=role)
            client.force_login(user)
            if user.is_superuser:
                verify_second_factor(client, user)
        clients[role] = client
    pools = {
        "code": list(OneThing.objects.values_list("code", flat=True)[:20]),
        "number": [received.number, accepted.number],
        "material_key": list(MaterialType.objects.values_list("key", flat=True)[:10]),
        "kind": ["receipt", "acceptance", "refusal", "correction", "commitment", "delivery", "licence"],
        "action": [
            "accept",
            "refuse",
            "approve",
            "deny",
            "supplement",
            "resume",
            "assign",
            "urge",
            "publish",
            "retire",
            "new_version",
            "delete_draft",
            "edit",
        ],
        "int": sorted(
            {*accepted.items.values_list("pk", flat=True), *OneThing.objects.values_list("pk", flat=True)[:5]}
        ),
    }
    return {"clients": clients, "pools": pools}


def value_for(converter: str, name: str, pools: dict) -> st.SearchStrategy:
    if converter == "int":
        return st.one_of(st.sampled_from(pools["int"]), ODD_INT).map(str)
    known = pools.get(name) or pools["code"]
    return st.one_of(st.sampled_from(known), ODD_TEXT.filter(lambda s: s and "/" not in s and s.strip()))


@st.composite
def requests(draw, pools: dict):
    route = draw(st.sampled_from(ROUTES))
    path = route
    for converter, name in PARAM.findall(route):
        value = draw(value_for(converter or "str", name, pools))
        path = re.sub(r"<(?:\w+:)?" + name + ">", lambda _m, v=value: v, path, count=1)
    query = draw(
        st.dictionaries(
            st.sampled_from(["next", "q", "clock", "state", "page", "n", "c", "kind", "answers", "department"]),
            st.one_of(ODD_TEXT, ODD_INT.map(str), st.sampled_from(["/", "//evil.example", "123", "overdue"])),
            max_size=3,
        )
    )
    role = draw(st.sampled_from(ROLES))
    return "/" + path, query, role


def form_posts(html: str, page: str) -> list[tuple[str, list[str]]]:
    posts = []
    for attrs, body in FORM.findall(html):
        if "post" not in attrs.lower():
            continue
        action = ACTION.search(attrs)
        target = action.group(1) if action and action.group(1).startswith("/") else page
        if target.lstrip("/").startswith(SKIPPED):  # the top bar's log-out form
            continue
        names = [n for n in dict.fromkeys(NAME.findall(body)) if n != "csrfmiddlewaretoken"]
        posts.append((target.replace("&amp;", "&"), names))
    return posts


def check(response, method: str, path: str) -> None:
    STATUSES[(method, response.status_code // 100 * 100)] += 1
    assert response.status_code < 500, (method, path, response.status_code)


FORM_VALUES = st.lists(st.one_of(ODD_TEXT, ODD_INT.map(str), st.lists(ODD_TEXT, max_size=3)), min_size=25, max_size=25)


@hypothesis_settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "600")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples every run: a failure is reproducible in CI and here
    database=None,
    # no shrinking: the database keeps what earlier examples did, so a replay would not be the same request;
    # the first failure is reported as it happened
    phases=[Phase.explicit, Phase.generate],
)
@given(request=st.data())
def test_no_url_or_form_answers_500(world, request):
    path, query, role = request.draw(requests(world["pools"]))
    # every value drawn up front, whatever the pages answer: the same draws for the same example
    posts = [request.draw(FORM_VALUES) for _ in range(3)]
    client = world["clients"][role]
    response = client.get(path, query)
    check(response, "GET", path)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return
    for (target, names), values in zip(
        form_posts(response.content.decode(errors="replace"), path), posts, strict=False
    ):
        check(client.post(target, dict(zip(names[:25], values, strict=False))), "POST", target)


def teardown_module(module) -> None:
    total = sum(STATUSES.values())
    summary = ", ".join(f"{m} {s // 100}xx: {n}" for (m, s), n in sorted(STATUSES.items()))
    print(f"\nfuzz: {total} requests over {len(ROUTES)} URL patterns and {len(ROLES)} roles — {summary}")
