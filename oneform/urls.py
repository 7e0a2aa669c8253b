from django.urls import path

from . import views

app_name = "oneform"

urlpatterns = [
    path("<str:code>/", views.one_form, name="form"),
    path("<str:code>/save/", views.autosave, name="save"),
    path("<str:code>/consent/", views.grant_consent, name="consent"),
    path("<str:code>/report/", views.report_wrong, name="report"),
]
