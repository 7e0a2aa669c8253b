from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from core.display import toggle_elderly


def favicon(request):
    """Browsers ask for /favicon.ico on their own: send them to the SVG icon that base.html links (a temporary
    redirect, resolved per request, so a hashed static name in production is never cached stale)."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("display/elderly/", toggle_elderly, name="toggle_elderly"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("guide/", include("guidance.urls")),
    path("shared-data/", include("shareddata.urls")),
    path("apply/", include("oneform.urls")),
    path("materials/", include("materials.urls")),
    path("cases/", include("frontoffice.urls")),
    path("window/", include("frontoffice.window_urls")),
    path("tasks/", include("approvals.urls")),
    path("notifications/", include("notifications.urls")),
    path("results/", include("results.urls")),
    path("documents/", include("documents.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("guides/", include("guides.urls")),
    path("supervision/", include("supervision.urls")),
    path("", include("catalog.urls")),
]
