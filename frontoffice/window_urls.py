"""The hall window's pages (综合窗口), under /window/; the applicant's side of cases is in urls.py."""

from django.urls import path

from . import window as views

app_name = "window"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("walk-in/", views.walk_in, name="walk_in"),
    path("walk-in/<str:token>/<str:code>/", views.intake, name="intake"),
]
