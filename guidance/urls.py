from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("<str:code>/", views.guide, name="guide"),
    path("<str:code>/notice/", views.notice, name="notice"),
]
