from django.urls import path

from vigil.work import notice_views, views

app_name = "work"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("team/", views.team, name="team"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("notices/", notice_views.notices, name="notices"),
    path("notices/send/", notice_views.send, name="send_notices"),
]
