from django.urls import path

from vigil.missing import api

urlpatterns = [
    path("episodes/", api.episodes, name="api-missing-episodes"),
    path("episodes/<str:ref>/", api.episode, name="api-missing-episode"),
]
