from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("guide/", include("guidance.urls")),
    path("shared-data/", include("shareddata.urls")),
    path("apply/", include("oneform.urls")),
    path("materials/", include("materials.urls")),
    path("cases/", include("cases.urls")),
    path("window/", include("cases.window_urls")),
    path("tasks/", include("approvals.urls")),
    path("notifications/", include("notifications.urls")),
    path("results/", include("results.urls")),
    path("documents/", include("documents.urls")),
    path("guides/", include("guides.urls")),
    path("", include("catalog.urls")),
]
