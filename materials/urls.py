from django.urls import path

from . import views

app_name = "materials"

urlpatterns = [
    path("<str:code>/", views.materials_page, name="page"),
]
