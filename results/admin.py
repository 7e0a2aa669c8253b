from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ArchiveRecord, Delivery, DeliveryChoice, ELicence


@admin.register(ELicence)
class ELicenceAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "holder_name", "department", "issued_at", "valid_until", "status"]
    list_filter = ["status", "result_kind"]
    search_fields = ["number", "holder_name", "case__number"]


@admin.register(DeliveryChoice)
class DeliveryChoiceAdmin(ReadOnlyAdmin):
    list_display = ["case", "mode", "method", "chosen_at"]
    list_filter = ["mode", "method"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["proof_number", "case", "method", "recipient_name", "tracking_number", "delivered_at"]
    list_filter = ["method", "mode"]
    search_fields = ["proof_number", "case__number", "tracking_number"]


@admin.register(ArchiveRecord)
class ArchiveRecordAdmin(ReadOnlyAdmin):
    list_display = ["case", "originals_kept_by", "archived_at", "archived_by"]
