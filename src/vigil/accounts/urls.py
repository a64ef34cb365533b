from django.urls import path

from vigil.accounts import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("logout/", views.logout_view, name="logout"),
]
