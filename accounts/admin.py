from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import OneTimeCode, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "kind", "mobile", "id_number", "credit_code", "is_active"]
    list_filter = ["kind", "is_active"]
    # encrypted columns (core.crypto) are searched by the exact number
    search_fields = [*BaseUserAdmin.search_fields, "display_name", "=mobile", "=id_number", "credit_code"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("yijian", {"fields": ("kind", "display_name", "mobile")}),
        (_("Natural person"), {"fields": ("id_number",)}),
        (_("Legal person"), {"fields": ("credit_code", "legal_representative", "agent_name", "agent_id_number")}),
    )
    inlines = [RoleAssignmentInline]


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(ReadOnlyAdmin):
    list_display = ["mobile", "user", "created_at", "expires_at", "attempts", "used_at"]
    search_fields = ["=mobile", "user__username"]
    list_select_related = ["user"]
    exclude = ["code_hash"]
