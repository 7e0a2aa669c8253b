from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ApplicationDraft, DraftEvent


@admin.register(ApplicationDraft)
class ApplicationDraftAdmin(ReadOnlyAdmin):
    list_display = ["user", "one_thing", "updated_at"]
    list_select_related = ["user", "one_thing"]


@admin.register(DraftEvent)
class DraftEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "field_key", "draft"]
    list_filter = ["action"]
