from django.urls import path

from vigil.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.home, name="home"),
    path("retention/", views.retention_due, name="retention"),
    path("retention/<str:ref>/", views.review, name="review"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/pack/", views.access_pack, name="access_pack"),
    path("erasures/", views.erasures, name="erasures"),
    path("erasures/<int:pk>/", views.erasure_request, name="erasure"),
    path("restrictions/", views.restrictions, name="restrictions"),
    path("disclosures/<str:ref>/", views.disclose, name="disclose"),
]
