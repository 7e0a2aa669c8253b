from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "kind", "mobile", "is_active"]
    list_filter = ["kind", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("yijian", {"fields": ("kind", "display_name", "mobile")}))
    inlines = [RoleAssignmentInline]
