"""Offender-management API: the same selectors, services, scope and logging as the pages.

A tablet that lost its connection retries a visit with the same ``idempotency_key``: one visit is recorded,
and the retry answers 200 with it (the first answer is 201). The ``Idempotency-Key`` header of every API write
works here too (``core.submissions.idempotent``).
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from vigil.accounts.models import Officer
from vigil.core import access_log, clock
from vigil.core.api import AS_OF_PARAMETER, IDEMPOTENCY_KEY_PARAMETER, opened, results
from vigil.core.errors import InputError
from vigil.core.submissions import idempotent
from vigil.offenders import selectors, services
from vigil.offenders.models import Outcome, Subject, Visit
from vigil.offenders.status import statuses
from vigil.web.shown import log_shown


class SubjectSummary(serializers.ModelSerializer):
    id = serializers.CharField(source="ref")
    person = serializers.CharField(source="person.ref")
    team = serializers.CharField(source="team.ref")
    manager = serializers.CharField(source="manager.ref", default=None, allow_null=True)

    class Meta:
        model = Subject
        fields = ["id", "person", "kind", "team", "manager", "managed_from", "mode"]


class AlertOut(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class StatusOut(serializers.Serializer):
    as_of = serializers.DateField()
    risk_level = serializers.CharField()
    assessed = serializers.BooleanField()
    mode = serializers.CharField()
    last_successful_visit = serializers.DateField(allow_null=True)
    visit_due = serializers.DateField(allow_null=True)
    visit_overdue = serializers.BooleanField()
    critical = serializers.BooleanField()
    review_due = serializers.DateField()
    alerts = AlertOut(many=True)


class SubjectDetail(SubjectSummary):
    """The schema of one subject: the summary and, where the subject has a status on that date, ``status``."""

    status = StatusOut(required=False, read_only=True)

    class Meta(SubjectSummary.Meta):
        fields = [*SubjectSummary.Meta.fields, "status"]


class VisitOut(serializers.ModelSerializer):
    id = serializers.CharField(source="ref", default=None, allow_null=True)
    subject = serializers.CharField(source="subject.ref")

    class Meta:
        model = Visit
        fields = ["id", "subject", "date", "time", "announced", "announce_reason", "outcome", "devices_checked",
                  "concerns", "idempotency_key"]


class VisitIn(serializers.Serializer):
    date = serializers.DateField()
    time = serializers.TimeField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.values)
    announced = serializers.BooleanField(default=False)
    announce_reason = serializers.CharField(required=False, allow_blank=True, default="")
    devices_checked = serializers.BooleanField(required=False, allow_null=True, default=None)
    concerns = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    officers = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    idempotency_key = serializers.CharField(max_length=64)


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied("your role does not allow this")


def _subject(request, ref: str) -> Subject:
    return opened(selectors.open_subject(actor=request.user, ref=ref), "subject")


def _first_problem(errors: dict) -> str:
    name, msgs = next(iter(errors.items()))
    return f"{name}: {msgs[0] if isinstance(msgs, list) else msgs}"


@extend_schema(operation_id="offenders_subjects_list", responses=results("SubjectList", SubjectSummary(many=True)))
@api_view(["GET"])
def subjects(request):
    _require(request, "vigil.view_subject")
    rows = list(selectors.subjects_for(request.user).select_related("person", "team", "manager")
                .order_by("ref")[:500])
    access_log.consulted(request.user, "subject", [s.ref for s in rows], "own or team work", "API subject list")
    access_log.consulted(request.user, "person", [s.person.ref for s in rows], "own or team work",
                         "API subject list: each subject's person record")
    return Response({"results": SubjectSummary(rows, many=True).data})


@extend_schema(parameters=[AS_OF_PARAMETER], responses=SubjectDetail)
@api_view(["GET"])
def subject(request, ref: str):
    _require(request, "vigil.view_subject")
    s = _subject(request, ref)
    raw = request.query_params.get("as_of")
    as_of = clock.parse_as_of(raw, "as_of") if raw else clock.today()
    st = statuses(Subject.objects.filter(pk=s.pk), as_of).get(s.pk)
    data = SubjectSummary(s).data
    if st is not None:
        data["status"] = {
            "as_of": as_of.isoformat(), "risk_level": st.level, "assessed": st.assessed, "mode": st.mode,
            "last_successful_visit": st.last_success.isoformat() if st.last_success else None,
            "visit_due": st.visit_due.isoformat() if st.visit_due else None,
            "visit_overdue": bool(st.overdue), "critical": st.critical, "review_due": st.review_due.isoformat(),
            "alerts": [{"code": c, "severity": sev, "reasons": list(r)} for c, sev, r in st.alerts]}
        log_shown(request.user, {}, texts=[r for _, _, reasons in st.alerts for r in reasons],
                  justification=s.shown_under, detail=f"named in the alert reasons of subject {s.ref} (API)")
    return Response(data)


@extend_schema(request=VisitIn, responses={201: VisitOut, 200: VisitOut}, parameters=[IDEMPOTENCY_KEY_PARAMETER])
@api_view(["POST"])
@idempotent
def record_visit(request, ref: str):
    """Record a visit: 201 with it; a retry with the same body ``idempotency_key`` answers 200 with the first.
    An ``Idempotency-Key`` header works as on every API write (a repeat gets the first answer)."""
    _require(request, "vigil.record_visit")
    s = _subject(request, ref)
    body = VisitIn(data=request.data)
    if not body.is_valid():
        raise InputError(_first_problem(body.errors))
    d = body.validated_data
    others = list(Officer.objects.filter(ref__in=d["officers"], active=True))
    if len(others) != len(set(d["officers"])):
        raise InputError("officers: an officer id is not known")
    visit, created = services.record_visit(
        actor=request.user, subject=s, date=d["date"], time=d.get("time"), outcome=d["outcome"],
        announced=d["announced"], announce_reason=d["announce_reason"], devices_checked=d["devices_checked"],
        concerns=d["concerns"], notes=d["notes"], other_officers=others, idempotency_key=d["idempotency_key"])
    return Response(VisitOut(visit).data, status=201 if created else 200)
