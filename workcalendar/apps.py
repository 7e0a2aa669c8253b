from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import CalendarDay, CalendarYear
        from .services import forget_calendar

        for model in (CalendarDay, CalendarYear):
            post_save.connect(forget_calendar, sender=model, dispatch_uid=f"forget-calendar-{model.__name__}")
            post_delete.connect(forget_calendar, sender=model, dispatch_uid=f"forget-calendar-del-{model.__name__}")
