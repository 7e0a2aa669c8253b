from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Case, CaseEvent, CaseItem, CaseMaterial, CorrectionNotice


class CaseItemInline(admin.TabularInline):
    model = CaseItem
    extra = 0
    can_delete = False
    fields = ["name", "department", "status", "promised_days"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "one_thing", "applicant", "channel", "status", "submitted_at"]
    list_filter = ["status", "channel", "region"]
    search_fields = ["number", "applicant__display_name", "applicant__username"]
    inlines = [CaseItemInline]


@admin.register(CaseMaterial)
class CaseMaterialAdmin(ReadOnlyAdmin):
    list_display = ["case", "name", "state", "deferred_until"]
    list_filter = ["state"]


@admin.register(CorrectionNotice)
class CorrectionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["case", "round", "issued_at", "answered_at"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "at", "action", "actor_label", "channel", "from_status", "to_status"]
    list_filter = ["action", "channel"]
