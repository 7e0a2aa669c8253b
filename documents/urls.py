"""Case documents (办件文书), under /documents/: the public verification page and the PDF downloads."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("case/<str:number>/receipt.pdf", views.download, {"kind": "receipt"}, name="receipt"),
    path("case/<str:number>/<str:kind>/<str:ref>.pdf", views.download, name="download"),
    path("case/<str:number>/receipt/revoke/", views.revoke, {"kind": "receipt"}, name="revoke_receipt"),
    path("case/<str:number>/<str:kind>/<str:ref>/revoke/", views.revoke, name="revoke"),
]
