"""Results (办理结果), under /results/: verification, my e-licences, the way of receiving results, the window."""

from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/download/", views.licence_download, name="licence_download"),
    path("case/<str:number>/delivery/", views.delivery, name="delivery"),
    path("window/", views.window, name="window"),
    path("window/<str:number>/deliver/", views.deliver, name="deliver"),
    path("window/<str:number>/archive/", views.archive, name="archive"),
]
