from django.urls import path

from vigil.offenders import api

urlpatterns = [
    path("subjects/", api.subjects, name="api-offenders-subjects"),
    path("subjects/<str:ref>/", api.subject, name="api-offenders-subject"),
    path("subjects/<str:ref>/visits/", api.record_visit, name="api-offenders-visits"),
]
