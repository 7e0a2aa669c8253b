"""`{% load catalog_tags %}`: `{% if user|may_manage_catalog %}` shows the catalog management link.

Like `may_view_tasks`, it reads `user.roles.all()`: free where a page loaded the roles already, one query elsewhere.
"""

from django import template

from accounts.permissions import holds

register = template.Library()


@register.filter
def may_manage_catalog(user) -> bool:
    """Whether the user holds a role allowed to open catalog management (catalog.view_drafts, as its index asks)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    return holds(user, "catalog.view_drafts")
