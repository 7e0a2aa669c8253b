"""The case's pages an inbox message links to (notifications.links, registered in CasesConfig.ready): the window's
review page for window staff, the case page for whoever may view the case (the applicant included)."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from accounts.permissions import holds

from .queries import restrict


def window_links(user: User, numbers: set[str]) -> dict[str, str]:
    if not (user.is_staff_member and holds(user, "case.review")):
        return {}
    found = restrict(user, "case.review").filter(number__in=numbers).values_list("number", flat=True)
    return {number: reverse("window:case", args=[number]) for number in found}


def case_page_links(user: User, numbers: set[str]) -> dict[str, str]:
    found = restrict(user, "case.view").filter(number__in=numbers).values_list("number", flat=True)
    return {number: reverse("cases:detail", args=[number]) for number in found}
