from django.urls import path

from vigil.offenders import views

app_name = "offenders"
urlpatterns = [
    path("", views.day, name="day"),
    path("subjects/", views.subjects, name="subjects"),
    path("subjects/<str:ref>/", views.subject, name="subject"),
    path("subjects/<str:ref>/visits/new/", views.record_visit, name="record_visit"),
    path("subjects/<str:ref>/assessments/new/", views.record_assessment, name="record_assessment"),
    path("subjects/<str:ref>/announcements/new/", views.request_announcement, name="request_announcement"),
    path("subjects/<str:ref>/mode/", views.change_mode, name="change_mode"),
    path("subjects/<str:ref>/edit/", views.edit_subject, name="edit_subject"),
    path("subjects/<str:ref>/notifications/new/", views.record_notification, name="record_notification"),
    path("subjects/<str:ref>/orders/new/", views.record_order, name="record_order"),
    path("assessments/<int:pk>/approve/", views.approve_assessment, name="approve_assessment"),
    path("announcements/<int:pk>/", views.decide_announcement, name="decide_announcement"),
    path("escalations/<int:pk>/", views.escalation, name="escalation"),
    path("queue/", views.queue, name="queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plan/", views.plan, name="plan"),
    path("plan/export/", views.plan_export, name="plan_export"),
]
