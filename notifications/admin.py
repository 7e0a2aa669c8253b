from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin

from .models import Message
from .services import do_requeue_message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """The outbox. Filter by status 无法送达 for the dead letters: SMS the gateway refused OUTBOX_MAX_ATTEMPTS times."""

    list_display = [
        "created_at",
        "channel",
        "kind",
        "recipient",
        "mobile",
        "case_number",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["recipient__username", "recipient__display_name", "mobile", "case_number", "subject"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["requeue"]

    @admin.action(description=_("Send the selected undeliverable SMS again"), permissions=["requeue"])
    def requeue(self, request, queryset):
        requeued = 0
        for message in queryset.order_by("pk"):
            before = message.status
            if do_requeue_message(message, acting_user=request.user).status != before:
                requeued += 1
        self.message_user(
            request,
            ngettext("%(n)d message queued again.", "%(n)d messages queued again.", requeued) % {"n": requeued},
            messages.SUCCESS,
        )

    def has_requeue_permission(self, request) -> bool:
        return request.user.is_superuser
