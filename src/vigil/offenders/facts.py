"""Set-based reads of the facts the rules need (no actor: these feed the sweep, the subject pages and the services).

Each function is a handful of aggregate queries, never one per subject, and ignores facts dated after
``as_of`` so that a past date always gives the same answer.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models import F, Max, Min, OuterRef, Q, Subquery

from vigil.accounts.models import RANK_ORDER, Officer, Team
from vigil.core.rows import as_dates, plain_rows
from vigil.offenders.models import (
    Assessment,
    Escalation,
    EscalationDecision,
    InvestigationReview,
    ModePeriod,
    NotificationRecord,
    ReviewTrigger,
    Subject,
    Visit,
)
from vigil.offenders.rules.escalations import Candidate
from vigil.people.models import Address

OWNER_ROLES = ("supervisor", "senior_officer")
SUBJECT_FIELDS = ("pk", "ref", "kind", "team_id", "manager_id", "manager__ref", "managed_from", "mode",
                  "notification_start", "notification_end", "no_fixed_abode", "children_in_household",
                  "children_noted_on", "safeguarding_referral_on", "investigation_opened")


def risk_levels(as_of: dt.date, subject_ids: Iterable[int] | None = None) -> dict[int, str]:
    """The risk level in effect on ``as_of``: the latest assessment approved on or before it."""
    qs = Assessment.objects.filter(approved_on__isnull=False, approved_on__lte=as_of)
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    out: dict[int, tuple] = {}
    for sid, date, approved, pk, level in qs.values_list("subject_id", "date", "approved_on", "pk", "risk_level"):
        key = (approved, date, pk)
        if sid not in out or key > out[sid][0]:
            out[sid] = (key, level)
    return {sid: v[1] for sid, v in out.items()}


def risk_level(subject, as_of: dt.date, pol) -> tuple[str, bool]:
    """(level, assessed): an unassessed subject is treated as ``visits.unassessed_level`` (docs/adr/0100)."""
    level = risk_levels(as_of, [subject.pk]).get(subject.pk)
    return (level, True) if level else (pol["visits.unassessed_level"], False)


def owner_candidates(as_of: dt.date) -> list[Candidate]:
    """Active supervisors and senior officers of DS rank or above: the pool escalation owners come from.
    An officer under a professional-standards restriction on ``as_of`` owns nothing about subjects."""
    ranks = RANK_ORDER[RANK_ORDER.index("DS"):]
    rows = (Officer.objects.filter(active=True, rank__in=ranks, roles__role__in=OWNER_ROLES)
            .values_list("pk", "ref", "rank", "team_id", "team__borough_id").order_by("pk").distinct())
    restricted = restricted_officers(as_of)
    return [Candidate(*row) for row in rows if row[0] not in restricted]


def restricted_officers(as_of: dt.date) -> set[int]:
    """Officers barred from public-protection subjects on ``as_of`` (professional standards, if installed)."""
    if not apps.is_installed("vigil.standards"):
        return set()
    from vigil.standards.restrictions import active_restrictions

    return {pk for pk, r in active_restrictions(as_of).items() if getattr(r, "deny_subjects", True)}


def open_escalation_load() -> dict[int, int]:
    """Open escalations per owner (to spread new ones)."""
    from django.db.models import Count

    return dict(Escalation.objects.filter(closed_on__isnull=True, owner__isnull=False)
                .values_list("owner_id").annotate(n=Count("pk")).values_list("owner_id", "n"))


def latest_assessment_subquery(as_of: dt.date):
    """A subquery for the level in effect on ``as_of`` (for annotating subject querysets)."""
    return Subquery(Assessment.objects.filter(subject=OuterRef("pk"), approved_on__isnull=False,
                                              approved_on__lte=as_of)
                    .order_by("-approved_on", "-date", "-pk").values("risk_level")[:1])


@dataclass
class SubjectRow:
    """One subject's facts as of the sweep date (plain values, for speed)."""

    pk: int
    ref: str
    kind: str
    team_id: int
    manager_id: int | None
    manager_ref: str | None
    managed_from: dt.date
    mode: str
    notification_start: dt.date | None
    notification_end: dt.date | None
    no_fixed_abode: bool
    children: bool
    children_noted: dt.date | None
    safeguarding_referral: dt.date | None
    investigation_opened: dt.date | None


def _limited_to(subjects):
    """``of(qs, field)``: a queryset of facts limited to the ``subjects`` queryset (all subjects when None)."""
    def of(qs, field="subject_id"):
        return qs if subjects is None else qs.filter(**{f"{field}__in": subjects.values("pk")})
    return of


SUBJECT_DATES = tuple(i for i, name in enumerate(SUBJECT_FIELDS) if name in (
    "managed_from", "notification_start", "notification_end", "children_noted_on", "safeguarding_referral_on",
    "investigation_opened"))


@dataclass
class SubjectFacts:
    as_of: dt.date
    subjects: list[SubjectRow]
    periods: dict[int, list[tuple[str, dt.date, dt.date | None]]]
    levels: dict[int, tuple[dt.date, str]]          # latest approved assessment: (date, level)
    first_assessed: dict[int, dt.date]              # earliest assessment of any status
    awaiting: dict[int, dt.date]                    # latest assessment not yet approved on as_of
    last_success: dict[int, dt.date]
    attempts: dict[int, list[tuple[dt.date, str]]]  # unsuccessful visits since the last success
    announced: dict[int, tuple[int, int]]           # subject → (announced, total) in the rolling window
    triggers: dict[int, list[tuple[dt.date, str]]]
    last_periodic: dict[int, dt.date]
    last_investigation_review: dict[int, dt.date]
    team_refs: dict[int, str]
    team_boroughs: dict[int, int | None]
    escalations: list[Escalation]                   # open now, or open on as_of
    decisions: dict[int, list[tuple[dt.date, dt.date | None]]]
    resolved: dict[tuple[int, str], dt.date]         # (subject, kind) → latest resolution on or before as_of
    officers: dict[int, tuple[str, str]] = field(default_factory=dict)  # pk → (ref, rank)

    @classmethod
    def load(cls, as_of: dt.date, pol: Mapping, subjects=None,
             recorded: Callable[[], dict] | None = None) -> SubjectFacts:
        """The facts for every subject managed on ``as_of`` (or for those of the ``subjects`` queryset).
        ``recorded``: a function answering what ``recorded`` returned, read ahead (the sweep's read-ahead, asked
        for only after the reads below, which go on while it finishes); else it is read here."""
        of = _limited_to(subjects)

        # What the sweep itself may have written in this transaction (a missing child's link brings a review
        # forward; escalations) is read here, never ahead.
        triggers: dict[int, list] = defaultdict(list)
        for sid, on, trig in of(ReviewTrigger.objects.filter(on__lte=as_of)).values_list("subject_id", "on",
                                                                                         "trigger"):
            triggers[sid].append((on, trig))
        escalations = list(of(Escalation.objects.filter(opened_on__lte=as_of).exclude(closed_on__lte=as_of)
                              | Escalation.objects.filter(closed_on__isnull=True)))
        decisions: dict[int, list] = defaultdict(list)
        resolved: dict[tuple[int, str], dt.date] = {}
        for eid, sid, kind, on, nxt, resolves in of(EscalationDecision.objects.filter(decided_on__lte=as_of),
                                                    "escalation__subject_id") \
                .values_list("escalation_id", "escalation__subject_id", "escalation__kind", "decided_on",
                             "next_review", "resolves"):
            decisions[eid].append((on, nxt))
            if resolves and on > resolved.get((sid, kind), dt.date.min):
                resolved[(sid, kind)] = on
        r = cls.recorded(as_of, pol, subjects) if recorded is None else recorded()
        for sid, moved in r["moved"]:
            triggers[sid].append((moved, "address_change"))
        teams = r["teams"]
        return cls(as_of, [SubjectRow(*row) for row in r["rows"]], r["periods"], r["levels"], r["first"],
                   r["awaiting"], r["last_success"], r["attempts"], r["shares"], dict(triggers), r["last_periodic"],
                   r["last_review"], {pk: ref for pk, ref, _ in teams}, {pk: b for pk, _, b in teams}, escalations, dict(decisions),
                   resolved)

    @classmethod
    def recorded(cls, as_of: dt.date, pol: Mapping, subjects=None) -> dict:
        """The facts no sweep writes (subjects, modes, assessments, visits, notifications, investigation reviews,
        addresses, teams): what the sweep may read ahead, on another connection, while other rules run
        (``core.rows.read_ahead``)."""
        base, of = Subject.objects.all() if subjects is None else subjects, _limited_to(subjects)
        # The subjects as plain tuples (``load`` makes them SubjectRows): read ahead, they cross between processes
        # pickled, and 80,000 dataclasses pickle and unpickle in 0.55 s against 0.1 s as tuples.
        rows = plain_rows(base.filter(managed_from__lte=as_of).exclude(managed_until__lt=as_of)
                          .order_by("pk").values_list(*SUBJECT_FIELDS), SUBJECT_DATES)

        periods: dict[int, list] = defaultdict(list)
        for sid, mode, start, end in plain_rows(of(ModePeriod.objects.filter(start__lte=as_of)).values_list(
                "subject_id", "mode", "start", "end").order_by("subject_id", "start"), (2, 3)):
            periods[sid].append((mode, start, end if end is None or end < as_of else None))
        # Each subject's latest approved assessment, asked as each engine answers it fastest (national scale:
        # SQLite 0.48 s looking each subject's up against 0.65 s numbering them all; PostgreSQL 0.26 s with
        # DISTINCT ON against 0.34 s numbering and 0.99 s looking up). The same rows.
        order = [F("approved_on").desc(), F("date").desc(), F("pk").desc()]
        if connection.vendor == "sqlite":
            latest = Assessment.objects.filter(pk__in=base.annotate(a=Subquery(
                Assessment.objects.filter(subject=OuterRef("pk"), approved_on__lte=as_of).order_by(*order)
                .values("pk")[:1])).values("a"))
        else:
            latest = of(Assessment.objects.filter(approved_on__lte=as_of)).order_by("subject_id", *order) \
                .distinct("subject_id")
        levels = {sid: (on, level) for sid, on, level in
                  plain_rows(latest.values_list("subject_id", "date", "risk_level"), (1,))}
        dated = of(Assessment.objects.filter(date__lte=as_of)).values_list("subject_id").order_by()
        first = dict(plain_rows(dated.filter(subject__kind="suspect").annotate(m=Min("date"))   # suspects' triage
                            .values_list("subject_id", "m"), (1,)))
        awaiting = dict(plain_rows(dated.filter(Q(approved_on__isnull=True) | Q(approved_on__gt=as_of))
                               .annotate(m=Max("date")).values_list("subject_id", "m"), (1,)))
        for sid, on in list(awaiting.items()):
            if sid in levels and levels[sid][0] >= on:
                del awaiting[sid]
        last_success, attempts, shares = cls._visits(as_of, pol, subjects)
        last_periodic = dict(plain_rows(of(NotificationRecord.objects.filter(kind="periodic", on__lte=as_of))
                                    .values_list("subject_id").order_by().annotate(m=Max("on"))
                                    .values_list("subject_id", "m"), (1,)))
        last_review = dict(plain_rows(of(InvestigationReview.objects.filter(on__lte=as_of)).values_list("subject_id")
                                  .order_by().annotate(m=Max("on")).values_list("subject_id", "m"), (1,)))
        return {"rows": rows, "periods": dict(periods), "levels": levels, "first": first, "awaiting": awaiting,
                "last_success": last_success, "attempts": attempts, "shares": shares, "last_periodic": last_periodic,
                "last_review": last_review, "moved": list(cls._address_changes(as_of, subjects)),
                "teams": list(Team.objects.values_list("pk", "ref", "borough_id"))}

    @staticmethod
    def _visits(as_of: dt.date, pol: Mapping, subjects=None):
        """The last successful home visit per subject, the unsuccessful attempts since it, and the announced share
        over the rolling window, read as each engine answers fastest (national scale, 1.6 million visits; the
        same facts either way):

        - PostgreSQL: one pass for the last success and the window (FILTER), then the attempts read from the
          (outcome, subject, date) index and kept here when after the last success: 0.38 s and 0.12 s, against
          0.32 s, 0.48 s and 0.20 s for three queries with the attempts joined to the last success in the
          database, which read the visits four times.
        - SQLite: three queries, the attempts with NOT EXISTS: 0.73 s, 0.39 s, 0.54 s. It is slower at the one
          pass (1.43 s), and the attempts read whole cost more in Python (every row passes its converters in
          the process) than they save in the database.
        """
        table = Visit._meta.db_table
        watch = list(pol["visits.failed_outcomes"]) + list(pol["visits.whereabouts_outcomes"])
        marks = ", ".join(["%s"] * len(watch))
        only, only_v, only_params = "", "", []
        if subjects is not None:
            sub_sql, only_params = subjects.values("pk").query.sql_with_params()
            only, only_v, only_params = (f" AND subject_id IN ({sub_sql})", f" AND v.subject_id IN ({sub_sql})",
                                         list(only_params))
        start = as_of - dt.timedelta(days=pol["visits.announced_window_days"])
        attempts: dict[int, list] = defaultdict(list)
        # Table names come from the model and the rest are parameters: nothing here is user text.
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(f"SELECT subject_id, MAX(date) FILTER (WHERE outcome = %s), "  # noqa: S608
                            f"COUNT(*) FILTER (WHERE date > %s AND announced), COUNT(*) FILTER (WHERE date > %s) "
                            f"FROM {table} WHERE date <= %s{only} GROUP BY subject_id",
                            ["seen_at_home", start, start, as_of, *only_params])
                last_success, shares = {}, {}
                for sid, last, announced, total in cur.fetchall():
                    if last is not None:
                        last_success[sid] = last
                    if total:
                        shares[sid] = (announced, total)
                cur.execute(f"SELECT subject_id, date, outcome FROM {table} "  # noqa: S608
                            f"WHERE outcome IN ({marks}) AND date <= %s{only}", [*watch, as_of, *only_params])
                never = dt.date.min
                for sid, on, outcome in cur.fetchall():
                    if on > last_success.get(sid, never):
                        attempts[sid].append((on, outcome))
            else:
                cur.execute(f"SELECT subject_id, MAX(date) FROM {table} "  # noqa: S608
                            f"WHERE outcome = %s AND date <= %s{only} GROUP BY subject_id",
                            ["seen_at_home", as_of, *only_params])
                last_success = dict(as_dates(cur.fetchall()))
                cur.execute(
                    f"SELECT v.subject_id, v.date, v.outcome FROM {table} v WHERE v.date <= %s "  # noqa: S608
                    f"AND v.outcome IN ({marks}) AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.subject_id = "
                    f"v.subject_id AND s.outcome = %s AND s.date >= v.date AND s.date <= %s){only_v}",
                    [as_of, *watch, "seen_at_home", as_of, *only_params])
                for sid, on, outcome in as_dates(cur.fetchall()):
                    attempts[sid].append((on, outcome))
                cur.execute(f"SELECT subject_id, SUM(CASE WHEN announced THEN 1 ELSE 0 END), COUNT(*) "  # noqa: S608
                            f"FROM {table} WHERE date > %s AND date <= %s{only} GROUP BY subject_id",
                            [start, as_of, *only_params])
                shares = {sid: (int(a), int(n)) for sid, a, n in cur.fetchall()}
        for found in attempts.values():
            found.sort()  # in date order, one order whatever the plan read them in
        return last_success, dict(attempts), shares

    @staticmethod
    def _address_changes(as_of: dt.date, subjects=None) -> Iterator[tuple[int, dt.date]]:
        """The latest home or notified address that began after management started: a change of address."""
        qs = Address.objects.filter(kind__in=("home", "notified"), valid_from__isnull=False,
                                    valid_from__lte=as_of, person__subjects__isnull=False)
        if subjects is not None:
            qs = qs.filter(person__subjects__in=subjects.values("pk"))
        rows = plain_rows(qs.values_list("person__subjects__id", "person__subjects__managed_from")
                      .order_by().annotate(m=Max("valid_from"))
                      .values_list("person__subjects__id", "person__subjects__managed_from", "m"), (1, 2))
        latest: dict[int, dt.date] = {}
        for sid, start, moved in rows:
            if moved > start and moved > latest.get(sid, dt.date.min):
                latest[sid] = moved
        yield from latest.items()
