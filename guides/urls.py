from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path("<str:code>/", views.guide_page, {"variant": "full"}, name="full"),
    path("<str:code>/simple/", views.guide_page, {"variant": "simple"}, name="simple"),
    path("<str:code>/full.pdf", views.guide_page, {"variant": "full", "fmt": "pdf"}, name="full_pdf"),
    path("<str:code>/simple.pdf", views.guide_page, {"variant": "simple", "fmt": "pdf"}, name="simple_pdf"),
    path("<str:code>/v<int:version>/", views.guide_page, {"variant": "full"}, name="version"),
    path("<str:code>/v<int:version>/simple/", views.guide_page, {"variant": "simple"}, name="version_simple"),
    path("<str:code>/v<int:version>/full.pdf", views.guide_page, {"variant": "full", "fmt": "pdf"}, name="version_pdf"),
    path(
        "<str:code>/v<int:version>/simple.pdf",
        views.guide_page,
        {"variant": "simple", "fmt": "pdf"},
        name="version_simple_pdf",
    ),
]
