"""Links in the inbox (我的消息): a message's case number and the platform addresses in its text become links.

A case number leads to the page of the case the reader may open: the applicant's own case page; for the window
its review page; for other staff who may view cases the case page; for a department reviewer (who may not) the
task of that case in their queue. A number the reader may not open stays text, so the inbox never links to a 404.
Addresses are linked when they are the platform's own: a path that resolves (such as /results/mine/), or a full
address under settings.PUBLIC_URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from accounts.permissions import holds

ADDRESS = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&*+,;=%-]+|(?<![\w/.:])/[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.~-]+)*/?")


def case_links(user: User, numbers: Iterable[str]) -> dict[str, str]:
    """Case number -> the address of the page of that case the user may open (numbers they may not: left out)."""
    from approvals.queries import restrict_items
    from cases.queries import restrict

    numbers = {n for n in numbers if n}
    if not numbers or not user.is_authenticated:
        return {}
    links: dict[str, str] = {}
    if user.is_staff_member and holds(user, "case.review"):
        for number in restrict(user, "case.review").filter(number__in=numbers).values_list("number", flat=True):
            links[number] = reverse("window:case", args=[number])
    rest = numbers - set(links)
    if rest:
        for number in restrict(user, "case.view").filter(number__in=rest).values_list("number", flat=True):
            links[number] = reverse("cases:detail", args=[number])
    rest = numbers - set(links)
    if rest and user.is_staff_member:
        tasks = restrict_items(user).filter(case__number__in=rest).order_by("case__number", "id")
        for number, pk in tasks.values_list("case__number", "pk"):
            links.setdefault(number, reverse("approvals:task", args=[pk]))
    return links


def _own_address(address: str) -> str | None:
    """The address to link to when `address` is one of the platform's, else None."""
    public = settings.PUBLIC_URL
    if address.startswith(("http://", "https://")):
        return address if address == public or address.startswith(public + "/") else None
    try:
        resolve(address.split("?", 1)[0])
    except Resolver404:
        return None
    return address


def message_html(body: str, case_number: str = "", case_url: str | None = None) -> SafeString:
    """The message text as HTML: escaped, line breaks kept, its case number and platform addresses linked."""
    patterns = [ADDRESS.pattern]
    if case_number and case_url:
        patterns.insert(0, rf"(?<!\d){re.escape(case_number)}(?!\d)")
    parts: list[str] = []
    pos = 0
    for match in re.finditer("|".join(f"(?:{p})" for p in patterns), body):
        text = match.group(0)
        trailing = ""
        if not text.isdigit():
            stripped = text.rstrip(".,;:!?)")
            trailing, text = text[len(stripped) :], stripped
            url = _own_address(text)
        else:
            url = case_url
        if url is None:
            continue
        parts.append(conditional_escape(body[pos : match.start()]))
        parts.append(format_html('<a href="{}">{}</a>', url, text) + conditional_escape(trailing))
        pos = match.end()
    parts.append(conditional_escape(body[pos:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every part is escaped above
