"""`{% load evaluation_tags %}`: `{% case_evaluation case %}` (the case page's rating block: what was rated, what may
be rated, the complaint link), `{% window_rating case %}` (the window's link to the rating screen), and
`user|may_handle_evaluation` (the top bar's link to the rectifications and complaints)."""

from __future__ import annotations

from django import template

from accounts.permissions import holds, may
from cases.models import Case

from ..contacts import contacts_of
from ..models import Rating
from ..services import ratable_keys

register = template.Library()


@register.filter
def may_handle_evaluation(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    return any(holds(user, a) for a in ("rating.rectify", "rating.supervise", "complaint.handle"))


@register.inclusion_tag("evaluation/_case_block.html", takes_context=True)
def case_evaluation(context: template.Context, case: Case) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not may(user, "rating.rate", case):
        return {"show": False}
    contacts = contacts_of(case)
    labels = {c.key: c.label for c in contacts}
    rated = list(Rating.objects.filter(case=case, current=True).select_related("rectification").order_by("rated_at"))
    return {
        "show": True,
        "case": case,
        "rated": [(labels.get(r.contact, r.contact), r) for r in rated],
        "to_rate": len(ratable_keys(case, contacts)),
        "may_complain": may(user, "complaint.file", case),
    }


@register.inclusion_tag("evaluation/_window_block.html", takes_context=True)
def window_rating(context: template.Context, case: Case) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not may(user, "rating.window_screen", case):
        return {"show": False}
    return {"show": True, "case": case, "to_rate": len(ratable_keys(case))}
