"""`{% load task_tags %}`: `{% if user|may_view_tasks %}` shows the departments' workbench link.

It reads the user's role assignments through `user.roles.all()`, so a page that loaded them already (the workbench
does) pays no query for it; elsewhere it costs one."""

from django import template
from django.db.models import prefetch_related_objects

from accounts.permissions import ACTION_ROLES

register = template.Library()


@register.filter
def may_view_tasks(user) -> bool:
    """Whether the user holds a role allowed to view the departments' tasks (task.view)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    prefetch_related_objects([user], "roles")  # once per request: the other nav filters reuse it
    return user.is_superuser or any(a.role in ACTION_ROLES["task.view"] for a in user.roles.all())
