from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .services import parse_office_hours


@register()
def check_office_hours(app_configs, **kwargs) -> list[Error]:
    """Bad OFFICE_HOURS or clock-warning settings are reported by `manage.py check`, not at the first deadline."""
    errors = []
    try:
        parse_office_hours(settings.OFFICE_HOURS)
    except ImproperlyConfigured as exc:
        errors.append(
            Error(str(exc), hint='e.g. YIJIAN_OFFICE_HOURS="09:00-12:00,13:00-17:00"', id="workcalendar.E001")
        )
    for name in (
        "CLOCK_WARNING_WORKING_DAYS",
        "CLOCK_WARNING_WORKING_MINUTES",
        "CLOCK_WARNING_ACCEPTANCE_WORKING_MINUTES",
    ):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(Error(f"{name} must be a whole number >= 0, not {value!r}.", id="workcalendar.E002"))
    return errors
