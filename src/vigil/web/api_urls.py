"""API routes. Each module adds its own under its prefix."""
from django.urls import include, path

from vigil.people import api as people_api

urlpatterns = [
    path("people/", people_api.people_search, name="api-people-search"),
    path("people/<str:ref>/", people_api.person_detail, name="api-person"),
    path("offenders/", include("vigil.offenders.api_urls")),
    path("crimes/", include("vigil.investigations.api_urls")),
    path("missing/", include("vigil.missing.api_urls")),
]
