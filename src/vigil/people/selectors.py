"""Reads of person records: restricted to the actor's work and written to the access log."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from vigil.core import access_log
from vigil.core.errors import InputError
from vigil.core.scope import Access, open_record
from vigil.people.models import Person

MAX_RESULTS = 50


def _match(q: str) -> Q:
    terms = [t for t in q.split() if t]
    cond = Q()
    for t in terms:
        cond &= (Q(given_names__icontains=t) | Q(surname__icontains=t) | Q(ref__iexact=t)
                 | Q(aliases__surname__icontains=t) | Q(aliases__given_names__icontains=t))
    return cond


def search_people(*, actor, q: str, break_glass=None) -> tuple[list[Person], int]:
    """People matching ``q`` within the actor's work, and how many more match outside it.

    With a ``break_glass`` justification the results outside scope are shown too (never those under a
    professional-standards denial). Each person shown is logged as a consultation.
    """
    q = (q or "").strip()
    if len(q) < 2:
        raise InputError("enter at least 2 characters to search")
    if len(q) > 100:
        raise InputError("a search is at most 100 characters")
    matching: QuerySet = Person.objects.filter(_match(q)).distinct()
    mine = list(matching.restrict(actor).order_by("surname", "given_names")[:MAX_RESULTS])
    visible_ids = {p.pk for p in mine}
    outside = matching.exclude(pk__in=Person.objects.restrict(actor).values("pk")).exclude(
        pk__in=Person.objects.denied_to(actor).values("pk"))
    outside_count = outside.count()
    results = mine
    if break_glass is not None and outside_count:
        extra = [p for p in outside.order_by("surname", "given_names")[:MAX_RESULTS] if p.pk not in visible_ids]
        results = mine + extra
        access_log.record(actor=actor, operation="consultation", record_type="person",
                          record_ids=[p.ref for p in extra],
                          justification=f"break-glass #{break_glass.pk} ({break_glass.reason_code}): "
                                        f"{break_glass.reason_text}", detail="search result (outside own work)")
        outside_count = 0
    access_log.record(actor=actor, operation="consultation", record_type="person",
                      record_ids=[p.ref for p in mine], justification="own or team work",
                      detail="search result")
    return results, outside_count


def open_person(*, actor, ref: str, purpose: str = "person record opened") -> tuple[Person | None, Access]:
    """Open one person record if the actor may; log the consultation (for ``purpose``) or the refused attempt."""
    return open_record(actor, Person.objects.all(), ref, record_type="person", purpose=purpose)
