"""Missing-children API: the same scoping, logging and break-glass rules as the pages (read-only)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from vigil.core import access_log
from vigil.core.api import opened, results
from vigil.missing.models import MissingEpisode
from vigil.missing.selectors import open_episode

LIMIT = 200


class EpisodeSummary(serializers.ModelSerializer):
    id = serializers.CharField(source="ref")
    child = serializers.CharField(source="child.ref")
    reported = serializers.DateTimeField(source="reported_at")
    returned = serializers.DateTimeField(source="returned_at")

    class Meta:
        model = MissingEpisode
        fields = ["id", "child", "reported", "risk_grade", "returned", "found_key"]


class EpisodeDetail(EpisodeSummary):
    found_with = serializers.SerializerMethodField()
    screenings = serializers.SerializerMethodField()

    class Meta(EpisodeSummary.Meta):
        fields = [*EpisodeSummary.Meta.fields, "last_seen_at", "last_seen_place", "circumstances", "condition",
                  "prevention_interview_at", "return_interview_at", "found_with", "screenings"]

    def get_found_with(self, obj) -> list[str]:
        return [p.ref for p in obj.found_with.all()]

    def get_screenings(self, obj) -> list[dict]:
        return [{"stage": s.stage, "at": s.at.isoformat(), "indicators": s.indicators,
                 "referral": s.referral_at.isoformat() if s.referral_at else None} for s in obj.screenings.all()]


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied("your role does not allow this")


@extend_schema(operation_id="missing_episodes_list", parameters=[OpenApiParameter("open", str, enum=["1"], description="1: only open episodes")],
               responses=results("EpisodeList", EpisodeSummary(many=True)))
@api_view(["GET"])
def episodes(request):
    _require(request, "vigil.view_missing")
    qs = MissingEpisode.objects.restrict(request.user).select_related("child").order_by("-reported_at")
    if request.query_params.get("open") == "1":
        qs = qs.filter(returned_at__isnull=True)
    shown = list(qs[:LIMIT])
    access_log.consulted(request.user, "episode", [e.ref for e in shown], "own or team work", "API episode list")
    access_log.consulted(request.user, "person", [e.child.ref for e in shown], "own or team work",
                         "API episode list: the children")
    return Response({"results": EpisodeSummary(shown, many=True).data})


@extend_schema(responses=EpisodeDetail)
@api_view(["GET"])
def episode(request, ref: str):
    _require(request, "vigil.view_missing")
    return Response(EpisodeDetail(opened(open_episode(actor=request.user, ref=ref), "episode")).data)
