"""Crimes API: the queue, one crime, its recommendation and allocation; the same selectors, scope, services and
logging as the pages."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from vigil.core import access_log, clock
from vigil.core.api import (
    AS_OF_PARAMETER,
    IDEMPOTENCY_KEY_PARAMETER,
    PAGE_PARAMETERS,
    Pagination,
    opened,
    paginated,
)
from vigil.core.errors import AccessDenied, InputError
from vigil.core.submissions import idempotent
from vigil.investigations import services
from vigil.investigations.recommendation import recommend
from vigil.investigations.selectors import current_allocations, log_recommendation, open_crime, queue


class CrimeSummary(serializers.Serializer):
    id = serializers.CharField(source="ref")
    offence_code = serializers.CharField()
    reported = serializers.DateField()
    team = serializers.CharField(source="team.ref")
    flags = serializers.SerializerMethodField()
    status = serializers.CharField()

    def get_flags(self, obj) -> list[str]:
        return sorted(obj.flags)


class OverrideOut(serializers.Serializer):
    by = serializers.CharField()
    at = serializers.DateField()
    rationale = serializers.CharField()


class CrimeDetail(CrimeSummary):
    """The schema of one crime: the summary and its current allocation."""

    allocated_to = serializers.CharField(allow_null=True)
    allocated_on = serializers.DateField(allow_null=True)
    override = OverrideOut(allow_null=True)


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied("your role does not allow this")


def _as_of(request):
    raw = request.query_params.get("as_of")
    return clock.parse_as_of(raw) if raw else clock.today()


def _crime(request, ref: str, purpose: str):
    return opened(open_crime(actor=request.user, ref=ref, purpose=purpose), "crime")


@extend_schema(operation_id="crimes_list", parameters=[AS_OF_PARAMETER, *PAGE_PARAMETERS],
               responses=paginated("PaginatedCrimeSummaryList", CrimeSummary(many=True)))
@api_view(["GET"])
def crime_queue(request):
    """Unallocated open crimes in the caller's work, oldest first (paginated)."""
    _require(request, "vigil.view_crimes")
    day = _as_of(request)
    qs = queue(actor=request.user, as_of=day).order_by("reported", "ref")
    pager = Pagination()
    page = pager.paginate_queryset(qs, request)
    access_log.record(actor=request.user, operation="consultation", record_type="crime",
                      record_ids=[c.ref for c in page], justification="own or team work",
                      detail="allocation queue (API)")
    return pager.get_paginated_response(CrimeSummary(page, many=True).data)


@extend_schema(parameters=[AS_OF_PARAMETER], responses=CrimeDetail)
@api_view(["GET"])
def crime_detail(request, ref: str):
    _require(request, "vigil.view_crimes")
    crime = _crime(request, ref, "crime record opened (API)")
    data = CrimeSummary(crime).data
    current = current_allocations([crime.pk], _as_of(request)).get(crime.pk)
    data["allocated_to"] = current.officer.ref if current else None
    data["allocated_on"] = current.start.isoformat() if current else None
    data["override"] = ({"by": current.override_by.ref, "at": current.override_on.isoformat(),
                         "rationale": current.override_rationale} if current and current.overridden else None)
    return Response(data)


@extend_schema(parameters=[AS_OF_PARAMETER], responses=inline_serializer("Recommendation", {
    "crime": serializers.CharField(), "required": serializers.DictField(),
    "eligible": serializers.ListField(child=serializers.DictField()),
    "ineligible": serializers.ListField(child=serializers.DictField())}))
@api_view(["GET"])
def crime_recommendation(request, ref: str):
    """The same shape as ``vigil recommend --json``; ``?as_of=YYYY-MM-DD``."""
    _require(request, "vigil.allocate_crimes")
    crime = _crime(request, ref, "allocation recommendation (API)")
    rec = recommend(crime, as_of=_as_of(request))
    log_recommendation(request.user, rec, [*rec.eligible, *rec.ineligible])
    return Response(rec.as_json())


@extend_schema(request=inline_serializer("Allocate", {"officer": serializers.CharField(),
                                                      "rationale": serializers.CharField(required=False)}),
               parameters=[AS_OF_PARAMETER, IDEMPOTENCY_KEY_PARAMETER],
               responses=inline_serializer("AllocationOut", {
                   "crime": serializers.CharField(), "allocated_to": serializers.CharField(),
                   "allocated_on": serializers.DateField(), "override": OverrideOut(allow_null=True)}))
@api_view(["POST"])
@idempotent
def crime_allocate(request, ref: str):
    """Allocate to ``officer``; an officer who is not eligible needs a supervisor's ``rationale``. With an
    ``Idempotency-Key`` header, a repeat gets the first answer and allocates nothing again."""
    _require(request, "vigil.allocate_crimes")
    crime = _crime(request, ref, "crime opened to allocate it (API)")
    officer = request.data.get("officer") if isinstance(request.data, dict) else None
    if not isinstance(officer, str) or not officer:
        raise InputError("officer: give the officer's id")
    try:
        a = services.allocate(actor=request.user, crime=crime, officer_ref=officer, on=_as_of(request),
                              rationale=str(request.data.get("rationale") or ""))
    except AccessDenied as exc:
        raise PermissionDenied(str(exc)) from None
    return Response({"crime": crime.ref, "allocated_to": a.officer.ref, "allocated_on": a.start.isoformat(),
                     "override": {"by": a.override_by.ref, "at": a.override_on.isoformat(),
                                  "rationale": a.override_rationale} if a.overridden else None})
