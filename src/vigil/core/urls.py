from django.urls import path

from vigil.core import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("break-glass/", views.break_glass_reviews, name="break_glass"),
    path("export/", views.export, name="export"),
]
