"""Ratings, rectifications and complaints in the admin: read-only (they change through services.py only)."""

from django.contrib import admin

from .models import Complaint, ComplaintEvent, Rating, Rectification


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ("case", "contact", "round", "level", "channel", "rated_at", "current")
    list_filter = ("level", "kind", "channel", "current")


@admin.register(Rectification)
class RectificationAdmin(ReadOnly):
    list_display = ("case", "department", "status", "verify_due_on", "answer_due_on")
    list_filter = ("status",)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnly):
    list_display = ("number", "department", "status", "due_on")
    list_filter = ("status",)
    exclude = ("mobile",)


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnly):
    list_display = ("complaint", "action", "at", "actor_label")
