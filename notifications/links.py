"""Links in the inbox (我的消息): a message's case number and the platform addresses in its text become links.

A case number leads to the page of the case the reader may open: the applicant's own case page; for the window
its review page; for other staff who may view cases the case page; for a department reviewer (who may not) the
task of that case in their queue. A number the reader may not open stays text, so the inbox never links to a 404.
Addresses are linked when they are the platform's own: a path that resolves (such as /results/mine/), or a full
address under settings.PUBLIC_URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from accounts.models import User

ADDRESS = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&*+,;=%-]+|(?<![\w/.:])/[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.~-]+)*/?")


# (order, linker): each app whose pages show a case registers the pages it offers (in its AppConfig.ready); a linker
# gets the reader and the numbers still without a link and answers number -> address for those the reader may open.
# Asked in order: the window's review page (cases, 10), the case page (cases, 20), the task (approvals, 30).
CaseLinker = Callable[["User", set[str]], dict[str, str]]
LINKERS: list[tuple[int, CaseLinker]] = []


def register_case_links(order: int, linker: CaseLinker) -> None:
    if all(existing is not linker for _, existing in LINKERS):
        LINKERS.append((order, linker))
        LINKERS.sort(key=lambda entry: entry[0])


def case_links(user: User, numbers: Iterable[str]) -> dict[str, str]:
    """Case number -> the address of the page of that case the user may open (numbers they may not: left out)."""
    rest = {n for n in numbers if n}
    if not rest or not user.is_authenticated:
        return {}
    links: dict[str, str] = {}
    for _order, linker in LINKERS:
        if not rest:
            break
        found = linker(user, rest)
        links.update(found)
        rest -= set(found)
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
