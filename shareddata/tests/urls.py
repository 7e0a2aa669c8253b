"""The project's urls plus this app's, for testing the pages before the root urlconf mounts them."""

from django.urls import include, path

from yijian.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns]
if not any(getattr(p, "namespace", None) == "shareddata" for p in project_urlpatterns):
    urlpatterns.insert(0, path("shared-data/", include("shareddata.urls")))
