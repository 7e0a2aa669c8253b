from django.http import HttpRequest

from .services import calendar_warnings


def calendar_warning_banner(request: HttpRequest) -> dict:
    """Staff see, on every page, that the coming year's working-day calendar still needs configuring."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "kind", "") != "staff":
        return {}
    return {"calendar_warnings": calendar_warnings()}
