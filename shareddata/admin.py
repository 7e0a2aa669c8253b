from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import (
    ApplicantProfileValue,
    Consent,
    DemoBirth,
    DemoEnterprise,
    DemoLicence,
    DemoPerson,
    DemoRecord,
    DemoRelation,
    SharedDataEvent,
)


@admin.register(DemoPerson)
class DemoPersonAdmin(admin.ModelAdmin):
    list_display = ["id_number", "name", "household", "householder"]
    search_fields = ["id_number", "name", "household"]


@admin.register(DemoRelation)
class DemoRelationAdmin(admin.ModelAdmin):
    list_display = ["person", "relation", "relative"]
    list_filter = ["relation"]
    search_fields = ["person__name", "person__id_number", "relative__name", "relative__id_number"]
    list_select_related = ["person", "relative"]


@admin.register(DemoBirth)
class DemoBirthAdmin(admin.ModelAdmin):
    list_display = ["record_number", "certificate_number", "born_on", "mother_id_number", "father_id_number"]
    search_fields = ["record_number", "certificate_number", "mother_id_number", "father_id_number"]


@admin.register(DemoRecord)
class DemoRecordAdmin(admin.ModelAdmin):
    list_display = ["holder_id", "source", "section"]
    list_filter = ["source", "section"]
    search_fields = ["holder_id"]


@admin.register(DemoEnterprise)
class DemoEnterpriseAdmin(admin.ModelAdmin):
    list_display = ["credit_code", "name"]
    search_fields = ["credit_code", "name"]


@admin.register(DemoLicence)
class DemoLicenceAdmin(admin.ModelAdmin):
    list_display = ["licence_type", "number", "holder_name", "holder_id", "valid_until", "status"]
    list_filter = ["licence_type", "status"]
    search_fields = ["number", "holder_name", "holder_id"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["user", "scope", "granted_at", "withdrawn_at"]
    list_filter = ["scope"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user"]


@admin.register(SharedDataEvent)
class SharedDataEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "subject", "actor_label", "action"]
    list_filter = ["action"]
    search_fields = ["subject__username", "actor_label"]
    list_select_related = ["subject"]


@admin.register(ApplicantProfileValue)
class ApplicantProfileValueAdmin(ReadOnlyAdmin):
    list_display = ["user", "key", "updated_at"]
    search_fields = ["user__username", "key"]
    list_select_related = ["user"]
