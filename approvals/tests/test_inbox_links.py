"""Inbox links are clickable (issue 10, part 9): a message's case number leads to the page of that case its reader
may open (applicant: the case page; window: the review page; a department reviewer: the task), the platform's
addresses in its text are links, and nothing else is: no link to a 404, no foreign address, the text escaped."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from notifications.choices import Channel
from notifications.links import message_html
from notifications.models import Message

from .conftest import at, restaurant_case, user

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="([^"]+)">([^<]*)</a>')


def inbox_links(username: str) -> tuple[Client, list[tuple[str, str]]]:
    client = Client()
    client.force_login(user(username))
    html = client.get(reverse("notifications:inbox")).content.decode()
    main = html[html.index("<main>") : html.index("</main>")]
    return client, LINK.findall(main)


def test_case_numbers_in_the_inbox_lead_to_the_case_page_of_each_reader():
    with at("2026-11-24 10:00"):
        case = restaurant_case()
        for username in ("enterprise", "xinxiang_window", "xinxiang_rev_market"):
            Message.objects.create(
                recipient=user(username),
                channel=Channel.SITE,
                kind="test",
                case_number=case.number,
                body=f"办件 {case.number}：请查看。",
            )
        for username, expected in [
            ("enterprise", reverse("cases:detail", args=[case.number])),
            ("xinxiang_window", reverse("window:case", args=[case.number])),
            ("xinxiang_rev_market", None),  # its task: checked below
        ]:
            client, links = inbox_links(username)
            to_case = {href for href, text in links if text == case.number}
            assert to_case, f"{username}: the case number is not a link"
            if expected:
                assert to_case == {expected}
            else:
                mine = {reverse("approvals:task", args=[i.pk]) for i in case.items.filter(department__code="MARKET")}
                assert len(to_case) == 1 and to_case <= mine  # the first of its tasks on that case
            for href, _text in links:
                assert client.get(href).status_code == 200, (username, href)


def test_only_the_platforms_addresses_become_links_and_the_text_stays_escaped(settings):
    settings.PUBLIC_URL = "https://yijian.example"
    html = message_html(
        "电子证照已生成，可在“我的证照”中查看： /results/mine/\n"
        "完整地址 https://yijian.example/results/mine/. 其他 /no-such-page/ 与 https://evil.example/x <b>粗</b>",
    )
    assert LINK.findall(html) == [
        ("/results/mine/", "/results/mine/"),
        ("https://yijian.example/results/mine/", "https://yijian.example/results/mine/"),
    ]
    assert "/results/mine/</a>.<br>" not in html and "</a>. 其他" in html
    assert "<br>" in html and "&lt;b&gt;粗&lt;/b&gt;" in html and "evil.example/x" in html


def test_a_case_number_the_reader_may_not_open_stays_text():
    with at("2026-11-24 10:00"):
        case = restaurant_case()
    Message.objects.create(
        recipient=user("citizen"),
        channel=Channel.SITE,
        kind="test",
        case_number=case.number,
        body=f"办件 {case.number}",
    )
    _client, links = inbox_links("citizen")
    assert all(text != case.number for _href, text in links)
