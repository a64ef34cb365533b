from django.urls import path

from vigil.missing.views import children, episodes, matches

app_name = "missing"
urlpatterns = [
    path("", episodes.board, name="board"),
    path("report/", episodes.report, name="report"),
    path("episodes/<str:ref>/", episodes.episode, name="episode"),
    path("episodes/<str:ref>/grade/", episodes.grade, name="grade"),
    path("episodes/<str:ref>/screen/", episodes.screen, name="screen"),
    path("episodes/<str:ref>/return/", episodes.record_return, name="return"),
    path("episodes/<str:ref>/interview/", episodes.interview, name="interview"),
    path("screenings/<int:pk>/referral/", episodes.referral, name="referral"),
    path("children/<str:ref>/", children.child, name="child"),
    path("children/<str:ref>/meeting/", children.meeting, name="meeting"),
    path("children/<str:ref>/profile/", children.profile, name="profile"),
    path("address/", children.address, name="address"),
    path("matches/", matches.queue, name="matches"),
    path("matches/run/", matches.run, name="run_linkage"),
    path("matches/<int:pk>/", matches.match, name="match"),
    path("links/<int:pk>/", matches.offender_link, name="offender_link"),
]
