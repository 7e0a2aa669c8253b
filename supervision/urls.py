"""Supervision (电子监察), under /supervision/."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.cases, name="cases"),
    path("report.<str:fmt>", views.download, name="report"),
    path("items/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("escalations/<int:pk>/answer/", views.answer, name="answer"),
    path("escalations/<int:pk>/close/", views.close, name="close"),
]
