from django.contrib import admin

from .models import GuideSnapshot


@admin.register(GuideSnapshot)
class GuideSnapshotAdmin(admin.ModelAdmin):
    list_display = ("one_thing", "complete", "created_at", "content_hash")
    list_filter = ("complete",)
    search_fields = ("one_thing__code", "one_thing__name")
    readonly_fields = ("one_thing", "content", "content_hash", "complete", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
