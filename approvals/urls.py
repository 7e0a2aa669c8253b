"""The departments' workbench (部门工作台), under /tasks/."""

from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.index, name="index"),
    path("accept/", views.batch_accept, name="batch_accept"),
    path("<int:pk>/", views.task, name="task"),
    path("<int:pk>/inspections/", views.book_inspection, name="book_inspection"),
    path("<int:pk>/inspections/<int:inspection_pk>/outcome/", views.record_inspection, name="record_inspection"),
    path("<int:pk>/inspections/<int:inspection_pk>/cancel/", views.cancel_inspection, name="cancel_inspection"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
