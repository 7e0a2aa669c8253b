"""`{% load catalog_tags %}`: `{% if user|may_manage_catalog %}` shows the catalog management link.

Like `may_view_tasks`, it reads `user.roles.all()`: free where a page loaded the roles already, one query elsewhere.
"""

from django import template
from django.db.models import prefetch_related_objects

from accounts.permissions import ACTION_ROLES

register = template.Library()


@register.filter
def may_manage_catalog(user) -> bool:
    """Whether the user holds a role allowed to open catalog management (catalog.view_drafts, as its index asks)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    prefetch_related_objects([user], "roles")  # once per request: the other nav filters reuse it
    return user.is_superuser or any(a.role in ACTION_ROLES["catalog.view_drafts"] for a in user.roles.all())
