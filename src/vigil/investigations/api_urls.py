from django.urls import path

from vigil.investigations import api

urlpatterns = [
    path("", api.crime_queue, name="api-crimes"),
    path("<str:ref>/", api.crime_detail, name="api-crime"),
    path("<str:ref>/recommendation/", api.crime_recommendation, name="api-crime-recommendation"),
    path("<str:ref>/allocate/", api.crime_allocate, name="api-crime-allocate"),
]
