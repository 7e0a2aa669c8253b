from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("case/<str:number>/", views.rate_case, name="rate_case"),
    path("case/<str:number>/complain/", views.complain_case, name="complain_case"),
    path("r/<str:token>/", views.rate_sms, name="sms"),
    path("t/<str:token>/", views.rate_tablet, name="tablet"),
    path("window/<str:number>/", views.window_screen, name="window_screen"),
    path("rectifications/<str:pk>/", views.rectification, name="rectification"),
    path("complaints/<str:pk>/", views.complaint, name="complaint"),
    path("complain/", views.complain, name="complain"),
]
