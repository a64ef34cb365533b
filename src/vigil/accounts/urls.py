from django.urls import path

from vigil.accounts import admin_views, views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("logout/", views.logout_view, name="logout"),
    # One-time links, and the signed-out "I have lost my authenticator".
    path("accounts/activate/<str:token>/", views.activate, name="account_activate"),
    path("accounts/activate/", views.activate_form, name="account_activate_form"),
    path("accounts/lost-authenticator/", views.lost_authenticator, name="account_lost_authenticator"),
    # The signed-in user's own account.
    path("accounts/", views.account, name="account_home"),
    path("accounts/password/", views.password_change, name="account_password"),
    # Administrators.
    path("accounts/users/", admin_views.users, name="account_users"),
    path("accounts/new-user/", admin_views.user_new, name="account_user_new"),
    path("accounts/users/<str:username>/", admin_views.user, name="account_user"),
    path("accounts/users/<str:username>/<str:action>/", admin_views.user_action, name="account_user_action"),
    path("accounts/teams/", admin_views.teams, name="account_teams"),
    path("accounts/teams/<str:ref>/", admin_views.team, name="account_team"),
    path("accounts/requests/mfa/<int:pk>/", admin_views.mfa_request, name="account_mfa_request"),
    path("accounts/requests/roles/<int:pk>/", admin_views.role_request, name="account_role_request"),
]
