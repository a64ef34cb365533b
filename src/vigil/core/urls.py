"""The auditor's pages (mounted with the interchange's export page under /audit/; config/urls.py)."""
from django.urls import path

from vigil.core import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("break-glass/", views.break_glass_reviews, name="break_glass"),
]
