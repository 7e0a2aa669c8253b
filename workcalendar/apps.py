from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
