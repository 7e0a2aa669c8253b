"""`{% load result_tags %}`: `{% if user|may_deliver_results %}` shows the certificate window link.

Like `may_view_tasks`, it reads `user.roles.all()`: free where a page loaded the roles already, one query elsewhere.
"""

from django import template

from accounts.permissions import holds

register = template.Library()


@register.filter
def may_deliver_results(user) -> bool:
    """Whether the user holds a role allowed to record deliveries (result.deliver)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    return holds(user, "result.deliver")
