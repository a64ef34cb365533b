from django.urls import path

from vigil.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.index, name="index"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<str:ref>/", views.case, name="case"),
    path("cases/<str:ref>/close/", views.case_close, name="case_close"),
    path("cases/<str:ref>/reopen/", views.case_reopen, name="case_reopen"),
]
