"""`{% load result_tags %}`: `{% if user|may_deliver_results %}` shows the certificate window link.

Like `may_view_tasks`, it reads `user.roles.all()`: free where a page loaded the roles already, one query elsewhere.
"""

from django import template
from django.db.models import prefetch_related_objects

from accounts.permissions import ACTION_ROLES

register = template.Library()


@register.filter
def may_deliver_results(user) -> bool:
    """Whether the user holds a role allowed to record deliveries (result.deliver)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    prefetch_related_objects([user], "roles")  # once per request: the other nav filters reuse it
    return user.is_superuser or any(a.role in ACTION_ROLES["result.deliver"] for a in user.roles.all())
