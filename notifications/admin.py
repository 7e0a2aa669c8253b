from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "kind", "recipient", "mobile", "case_number", "status", "sent_at"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["recipient__username", "recipient__display_name", "mobile", "case_number", "subject"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
