"""The applicant's side of cases (办件), under /cases/; the window staff's pages are in window_urls.py."""

from django.urls import path

from . import applicant as views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("submit/<str:code>/", views.submit, name="submit"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/receipt/", views.receipt, name="receipt"),
    path("<str:number>/correct/", views.correct, name="correct"),
    path("<str:number>/upload/<str:material_key>/", views.upload, name="upload"),
    path("<str:number>/resubmit/", views.resubmit, name="resubmit"),
    path("<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:number>/materials/<str:material_key>/", views.material_file, name="material_file"),
    path("<str:number>/supplement/<str:item_pk>/", views.answer_supplement, name="answer_supplement"),
    path("<str:number>/supplements/<str:answer_pk>/", views.supplement_file, name="supplement_file"),
]
