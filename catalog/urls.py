from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_index, name="index"),
    path("one-things/<str:code>/", views.one_thing_detail, name="detail"),
    path("manage/", views.manage_index, name="manage_index"),
    path("manage/import/", views.manage_import, name="manage_import"),
    path("manage/export/", views.manage_export, name="manage_export"),
    path("manage/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/<int:pk>/items/<int:item_pk>/", views.manage_edit_item, name="manage_edit_item"),
    path("manage/<int:pk>/<str:action>/", views.manage_action, name="manage_action"),
]
