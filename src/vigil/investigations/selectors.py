"""Reads for investigation allocation: set-based facts for the rules, and crimes restricted for an actor.

Facts for a whole force come from a handful of queries (officers, specialisms, workloads, restrictions), never
one per officer or per crime.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet, Sum

from vigil.accounts.models import Officer, Specialism
from vigil.core.restrictions import active_restrictions
from vigil.core.scope import Access, open_record
from vigil.investigations.flags import FLAGS
from vigil.investigations.models import Allocation, Crime, CrimePerson, current_on, open_on
from vigil.investigations.rules import CrimeFacts, CrimeRules, OfficerFacts, Priority, Requirement, priority

INVESTIGATOR_ROLE = "investigator"


def investigators() -> QuerySet:
    """The officers who may be allocated crimes: active, with the investigator role."""
    return Officer.objects.filter(active=True, roles__role=INVESTIGATOR_ROLE)


def workloads(as_of: dt.date, officer_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """officer pk → (open crimes, workload units) on ``as_of``, in one aggregate query over the allocations in
    force (closing a crime ends its allocation, so these are the open investigations)."""
    qs = Allocation.objects.filter(current_on(as_of))
    if officer_ids is not None:
        qs = qs.filter(officer_id__in=list(officer_ids))
    # Grouped by an expression, not the column: SQLite would otherwise walk the officer index over every
    # allocation ever made instead of reading the current ones through the end-date index.
    officer = ExpressionWrapper(F("officer_id") + 0, output_field=IntegerField())
    rows = qs.annotate(o=officer).values("o").annotate(n=Count("id"), units=Sum("units"))
    return {r["o"]: (r["n"], r["units"] or 0) for r in rows}


def officer_facts(as_of: dt.date, rules: CrimeRules, officers: QuerySet | None = None) -> list[OfficerFacts]:
    """Facts for eligibility about every investigator (or the officers given): four queries in all."""
    qs = (officers if officers is not None else investigators()).select_related("team__borough").distinct()
    rows = list(qs.order_by("ref").values_list("pk", "ref", "name", "pip_level", "student_officer", "joined",
                                               "team_id", "team__name", "team__borough_id", "team__borough__name"))
    ids = [r[0] for r in rows]
    few = len(ids) <= 500
    specs: dict[int, dict] = defaultdict(dict)
    spec_qs = Specialism.objects.filter(officer_id__in=ids) if few else Specialism.objects.all()
    for oid, name, expires in spec_qs.values_list("officer_id", "name", "expires"):
        specs[oid][name] = expires
    load = workloads(as_of, ids if few else None)
    restricted = active_restrictions(as_of, ids if few else None, rules.policy)
    none = (0, 0)
    return [OfficerFacts(ref=ref, name=name, pip_level=pip, student_officer=student, joined=joined,
                         specialisms=specs.get(pk, {}), team_id=team_id, borough_id=borough_id, team_name=team_name,
                         borough_name=borough_name or "", units=load.get(pk, none)[1],
                         open_crimes=load.get(pk, none)[0], restriction=restricted.get(pk), pk=pk)
            for pk, ref, name, pip, student, joined, team_id, team_name, borough_id, borough_name in rows]


CRIME_VALUES = ("ref", "offence_code", "team_id", "team__borough_id", "team__borough__name", *FLAGS)


def crime_values(prefix: str = "") -> list[str]:
    """The columns ``crime_from_values`` needs (``prefix`` to read them through a relation, e.g. ``"crime__"``)."""
    return [f"{prefix}{f}" for f in CRIME_VALUES]


def crime_from_values(row: dict, pk: int, prefix: str = "") -> CrimeFacts:
    """Facts about a crime read with ``.values(*crime_values(prefix))``: no model instance for set-based reads."""
    return CrimeFacts(ref=row[f"{prefix}ref"], offence_code=row[f"{prefix}offence_code"],
                      flags=frozenset(f for f in FLAGS if row[f"{prefix}{f}"]), team_id=row[f"{prefix}team_id"],
                      borough_id=row[f"{prefix}team__borough_id"],
                      borough_name=row[f"{prefix}team__borough__name"] or "", pk=pk)


def crime_facts(crimes: Sequence[Crime]) -> list[CrimeFacts]:
    """Facts about crimes already loaded with ``select_related("team__borough")``."""
    return [CrimeFacts(ref=c.ref, offence_code=c.offence_code, flags=c.flags, team_id=c.team_id,
                       borough_id=c.team.borough_id, borough_name=c.team.borough.name if c.team.borough_id else "",
                       pk=c.pk) for c in crimes]


def continuity(crime_ids: Sequence[int], as_of: dt.date) -> dict[int, dict[int, list[str]]]:
    """crime pk → officer pk → refs of other open crimes the officer holds with the same victim or suspect."""
    links = list(CrimePerson.objects.filter(crime_id__in=list(crime_ids)).values_list("crime_id", "person_id"))
    people = sorted({p for _, p in links})
    if not people:
        return {}
    holders: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # person → [(officer, crime, ref)]
    for person_id, officer_id, crime_id, ref in (
            Allocation.objects.filter(current_on(as_of), open_on(as_of, "crime__"), crime__people__person_id__in=people)
            .values_list("crime__people__person_id", "officer_id", "crime_id", "crime__ref")):
        holders[person_id].append((officer_id, crime_id, ref))
    out: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for crime_id, person_id in links:
        for officer_id, other, ref in holders.get(person_id, ()):
            if other != crime_id and ref not in out[crime_id][officer_id]:
                out[crime_id][officer_id].append(ref)
    return out


def current_allocations(crime_ids: Iterable[int], as_of: dt.date) -> dict[int, Allocation]:
    return {a.crime_id: a for a in Allocation.objects.filter(current_on(as_of), crime_id__in=list(crime_ids))
            .select_related("officer", "override_by")}


def unallocated(as_of: dt.date) -> QuerySet:
    """Open crimes with no investigator on ``as_of`` (the queue, before scoping)."""
    return (Crime.objects.filter(open_on(as_of))
            .exclude(Exists(Allocation.objects.filter(current_on(as_of), crime_id=OuterRef("pk")))))


def queue(*, actor, as_of: dt.date, team_id: int | None = None, borough_id: int | None = None) -> QuerySet:
    """The allocation queue the actor may see: unallocated open crimes, in a team, a borough or the force."""
    qs = unallocated(as_of).restrict(actor)
    if team_id:
        qs = qs.filter(team_id=team_id)
    elif borough_id:
        qs = qs.filter(team__borough_id=borough_id)
    return qs.select_related("team__borough")


def prioritised(crimes: QuerySet, pol) -> list[tuple[int, Priority, Requirement]]:
    """(pk, priority, requirement) of each crime, most urgent first, then oldest: one query, no model instances,
    so a force's whole queue is ordered before it is paged."""
    rules = CrimeRules(pol)
    out = []
    for r in crimes.values("pk", "ref", "reported", "offence_code", "threat", "harm", "risk", "solvability", *FLAGS):
        flags = frozenset(f for f in FLAGS if r[f])
        req = rules.requirement(r["offence_code"], flags)
        p = priority(requirement=req, vulnerability=rules.vulnerability(r["offence_code"], flags),
                     thrive={"threat": r["threat"], "harm": r["harm"], "risk": r["risk"]},
                     solvability=r["solvability"], policy=pol)
        out.append((p.rank, r["reported"], r["ref"], r["pk"], p, req))
    out.sort(key=lambda t: t[:3])
    return [(pk, p, req) for _, _, _, pk, p, req in out]


def my_crimes(*, actor, as_of: dt.date) -> QuerySet:
    officer = getattr(actor, "officer", None)
    if officer is None:
        return Crime.objects.none()
    return (Crime.objects.restrict(actor).filter(open_on(as_of))
            .filter(Exists(Allocation.objects.filter(current_on(as_of), crime_id=OuterRef("pk"),
                                                     officer_id=officer.pk)))
            .select_related("team"))


def open_crime(*, actor, ref: str, purpose: str = "crime record opened") -> tuple[Crime | None, Access]:
    """One crime, if the actor may open it; the consultation or the refused attempt is logged."""
    return open_record(actor, Crime.objects.select_related("team__borough"), ref, record_type="crime",
                       purpose=purpose)


def people_of(crime: Crime, actor) -> list[CrimePerson]:
    """Victims and suspects of a crime, each marked whether the actor may open their record."""
    links = list(crime.people.select_related("person").order_by("role", "person__surname"))
    from vigil.people.models import Person

    denied = set(Person.objects.filter(pk__in=[p.person_id for p in links]).denied_to(actor)
                 .values_list("pk", flat=True))
    for link in links:
        link.denied = link.person_id in denied
    return links


def crimes_q_for_team(team_id: int | None, borough_id: int | None) -> Q:
    if team_id:
        return Q(team_id=team_id)
    if borough_id:
        return Q(team__borough_id=borough_id)
    return Q()


def log_recommendation(actor, rec, candidates) -> None:
    """A recommendation's reasons name other crimes (continuity: "already investigating CR0004106"), which may lie
    outside the viewer's work: they are logged under the allocation purpose, with the reasons shown."""
    from vigil.web.shown import log_shown

    log_shown(actor, {}, texts=[r for c in candidates for r in c.reasons], justification="allocation management",
              detail=f"named in the reasons of the recommendation for crime {rec.crime.ref}")
