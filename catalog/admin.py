"""Django admin for system administrators. Catalog staff work through /manage/, where every change is a
recorded service call; here, objects of published versions are read-only so nothing bypasses versioning."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from . import services
from .choices import OneThingStatus
from .models import (
    FAQ,
    Batch,
    CatalogChange,
    DataElement,
    ItemFormField,
    ItemMaterial,
    MaterialType,
    OneThing,
    OneThingItem,
    Question,
    ServiceItem,
)


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "type", "source", "section", "authoritative"]
    list_filter = ["type", "source", "section"]
    search_fields = ["key", "name"]


@admin.register(MaterialType)
class MaterialTypeAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "licence_type", "shared_source"]
    search_fields = ["key", "name"]


class ItemMaterialInline(admin.TabularInline):
    model = ItemMaterial
    extra = 0


class ItemFormFieldInline(admin.TabularInline):
    model = ItemFormField
    extra = 0
    autocomplete_fields = ["data_element"]


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "region", "kind", "promised_days", "is_specified"]
    list_filter = ["region", "kind", "is_specified"]
    search_fields = ["code", "name"]
    inlines = [ItemMaterialInline, ItemFormFieldInline]


class OneThingItemInline(admin.TabularInline):
    model = OneThingItem
    fk_name = "one_thing"
    extra = 0
    fields = ["order", "service_item", "department", "level", "mandatory", "promised_days", "origin"]
    raw_id_fields = ["service_item", "department"]


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0


@admin.register(OneThing)
class OneThingAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "version", "region", "status", "specification", "provincial"]
    list_filter = ["status", "specification", "subject", "stage", "region"]
    search_fields = ["code", "name"]
    inlines = [OneThingItemInline, FAQInline]
    readonly_fields = ["status", "version", "published_at", "source_hash", "adopted_from"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status not in (OneThingStatus.DRAFT, OneThingStatus.LISTED):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_related(self, request, form, formsets, change):
        """Record the edit like every other change (who, when, before/after)."""
        before = services.snapshot(form.instance) if change else None
        super().save_related(request, form, formsets, change)
        services.record_change(
            form.instance,
            "edit",
            acting_user=request.user,
            reason="Django admin",
            before=before,
            after=services.snapshot(form.instance),
        )


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "number", "year"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "one_thing", "order"]
    search_fields = ["text"]


@admin.register(CatalogChange)
class CatalogChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "one_thing_code", "version", "reason"]
    list_filter = ["action"]
    search_fields = ["one_thing_code", "reason", "actor_label"]
