from django.contrib import admin

from core.admin import ReadOnlyAdmin

from . import services
from .models import CalendarDay, CalendarEvent, CalendarYear


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name", "set_by", "set_at"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "name", "reason"]

    def save_model(self, request, obj, form, change):
        services.do_set_calendar_day(
            obj.date, obj.is_workday, name=obj.name, reason=obj.reason, acting_user=request.user
        )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "confirmed_by", "confirmed_at"]
    fields = ["year", "source"]

    def save_model(self, request, obj, form, change):
        services.do_confirm_calendar_year(obj.year, source=obj.source, acting_user=request.user)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarEvent)
class CalendarEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "subject", "reason"]
