from django.contrib import admin

from .models import CaseDocument


@admin.register(CaseDocument)
class CaseDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "case", "issued_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "case__number"]
    readonly_fields = [f.name for f in CaseDocument._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
