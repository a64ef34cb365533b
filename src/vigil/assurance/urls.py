from django.urls import path

from vigil.assurance import views

app_name = "assurance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/", views.records, name="records"),
    path("report/", views.inspection_report, name="report"),
    path("report/pdf/<str:name>", views.report_pdf, name="report_pdf"),
]
