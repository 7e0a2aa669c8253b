"""`{% load window_tags %}`: `{% if user|may_review_cases %}` shows the window workbench link (one query)."""

from django import template

from accounts.permissions import holds

register = template.Library()


@register.filter
def may_review_cases(user) -> bool:
    """Whether the user holds a role allowed to review cases (case.review) in some region."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    return holds(user, "case.review")
