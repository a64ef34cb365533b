from django.urls import path

from vigil.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("<str:ref>/", views.person, name="person"),
]
