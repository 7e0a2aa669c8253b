from django.urls import path

from . import views

app_name = "shareddata"

urlpatterns = [
    path("consents/", views.my_consents, name="consents"),
    path("consents/grant/", views.grant_consent, name="grant"),
    path("consents/<int:consent_id>/withdraw/", views.withdraw_consent, name="withdraw"),
    path("consents/together/", views.grant_party_consent, name="grant_party"),
    path("consents/together/<int:consent_id>/withdraw/", views.withdraw_party_consent, name="withdraw_party"),
]
