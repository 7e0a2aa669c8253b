"""A department's task is where an inbox message about its case leads a reviewer who may not open the case page
(notifications.links, registered in ApprovalsConfig.ready)."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User

from .queries import restrict_items


def task_links(user: User, numbers: set[str]) -> dict[str, str]:
    if not user.is_staff_member:
        return {}
    links: dict[str, str] = {}
    tasks = restrict_items(user).filter(case__number__in=numbers).order_by("case__number", "id")
    for number, pk in tasks.values_list("case__number", "pk"):
        links.setdefault(number, reverse("approvals:task", args=[pk]))
    return links
