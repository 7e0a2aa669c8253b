from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import InspectionOutcome, JointInspection


class InspectionOutcomeInline(admin.TabularInline):
    model = InspectionOutcome
    extra = 0
    can_delete = False
    fields = ["item", "result", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JointInspection)
class JointInspectionAdmin(ReadOnlyAdmin):
    """Read-only: inspections change only through approvals.services."""

    list_display = ["case", "organised_by", "scheduled_at", "place", "status"]
    list_filter = ["status"]
    search_fields = ["case__number", "place"]
    inlines = [InspectionOutcomeInline]
