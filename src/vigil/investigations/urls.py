from django.urls import path

from vigil.investigations import views

app_name = "investigations"
urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("batch/", views.batch, name="batch"),
    path("batch/<int:pk>/", views.batch_preview, name="batch_preview"),
    path("batch/<int:pk>/apply/", views.batch_apply, name="batch_apply"),
    path("workload/", views.workload_page, name="workload"),
    path("below-level/", views.below_level_page, name="below_level"),
    path("policy/", views.policy_page, name="policy"),
    path("<str:ref>/", views.crime_page, name="crime"),
    path("<str:ref>/recommendation/", views.recommendation_panel, name="recommendation"),
    path("<str:ref>/allocate/", views.allocate, name="allocate"),
    path("<str:ref>/assess/", views.assess, name="assess"),
    path("<str:ref>/close/", views.close, name="close"),
    path("<str:ref>/reopen/", views.reopen, name="reopen"),
]
