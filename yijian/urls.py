from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("guide/", include("guidance.urls")),
    path("shared-data/", include("shareddata.urls")),
    path("apply/", include("oneform.urls")),
    path("materials/", include("materials.urls")),
    path("", include("catalog.urls")),
]
