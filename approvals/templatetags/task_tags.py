"""`{% load task_tags %}`: `{% if user|may_view_tasks %}` shows the departments' workbench link.

It reads the user's role assignments through `user.roles.all()`, so a page that loaded them already (the workbench
does) pays no query for it; elsewhere it costs one."""

from django import template

from accounts.permissions import holds

register = template.Library()


@register.filter
def may_view_tasks(user) -> bool:
    """Whether the user holds a role allowed to view the departments' tasks (task.view)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    return holds(user, "task.view")
