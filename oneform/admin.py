from django.contrib import admin

from .models import ApplicationDraft, DraftEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Drafts change only through oneform.services, which records who did what."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicationDraft)
class ApplicationDraftAdmin(ReadOnlyAdmin):
    list_display = ["user", "one_thing", "updated_at"]
    list_select_related = ["user", "one_thing"]


@admin.register(DraftEvent)
class DraftEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "field_key", "draft"]
    list_filter = ["action"]
