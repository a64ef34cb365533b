"""The interchange's page, mounted with the auditor's pages under /audit/ (namespace ``audit``; config/urls.py)."""
from django.urls import path

from vigil.interchange import views

urlpatterns = [
    path("export/", views.export, name="export"),
]
