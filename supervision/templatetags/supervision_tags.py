"""`{% load supervision_tags %}`: `{% if user|may_supervise %}` (the navigation's link to the dashboard) and
`{% escalation_block item %}` — the 督办 of an item on its task page (approvals/task.html): what was demanded, the
form to answer it for the department's staff, the form to raise one for a supervisor. A template tag, so the task
page (approvals, a lower layer) needs no import of this app."""

from __future__ import annotations

from django import template

from accounts.permissions import holds, may
from cases.rules import ITEM_WAITING

from ..choices import EscalationStatus
from ..forms import AnswerForm, EscalateForm
from ..models import Escalation

register = template.Library()


@register.filter
def may_supervise(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return getattr(user, "is_superuser", False)
    return holds(user, "supervision.view")


@register.inclusion_tag("supervision/_escalations.html", takes_context=True)
def escalation_block(context, item) -> dict:
    user = context["user"]
    escalations = list(Escalation.objects.filter(item=item).select_related("raised_by", "answered_by")[:10])
    open_one = next((e for e in escalations if e.status == EscalationStatus.OPEN), None)
    return {
        "item": item,
        "escalations": escalations,
        "open_one": open_one,
        "may_answer": open_one is not None and may(user, "supervision.answer", item),
        "may_escalate": open_one is None and item.status in ITEM_WAITING and may(user, "supervision.escalate", item),
        "answer_form": AnswerForm(),
        "escalate_form": EscalateForm(),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
