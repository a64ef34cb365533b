"""Reads of linkage results: the review queue and one pair's evidence, restricted to the reviewer's work (a pair
is theirs when either record is) and never showing a record a professional-standards restriction denies them."""
from __future__ import annotations

from django.db.models import QuerySet

from vigil.core import access_log
from vigil.people.linkage.models import LINKED, PURPOSE, MatchStatus, RecordMatch
from vigil.people.models import Person

QUEUE_SIZE = 100
VIEWS = {"queued": (MatchStatus.QUEUED,), "linked": LINKED,
         "decided": (MatchStatus.ACCEPTED, MatchStatus.REJECTED, MatchStatus.UNDONE)}


def matches_for(actor) -> QuerySet:
    denied = Person.objects.denied_to(actor).values("pk")
    return RecordMatch.objects.restrict(actor).exclude(left__in=denied).exclude(right__in=denied)


def review_queue(*, actor, view: str = "queued") -> tuple[list[RecordMatch], int]:
    """The pairs awaiting review (or linked, or decided), best first, with how many there are in all."""
    qs = matches_for(actor).filter(status__in=VIEWS.get(view, VIEWS["queued"]))
    total = qs.count()
    order = ["-probability", "pk"] if view != "decided" else ["-decided_at", "pk"]
    shown = list(qs.select_related("left", "right").order_by(*order)[:QUEUE_SIZE])
    refs = sorted({m.left.ref for m in shown} | {m.right.ref for m in shown})
    access_log.record(actor=actor, operation="consultation", record_type="person", record_ids=refs,
                      justification="own or team work", detail=f"record-linkage review queue ({view})")
    return shown, total


def open_match(*, actor, pk: int) -> RecordMatch | None:
    """One pair with its evidence side by side; showing two records together is a combination (logged)."""
    match = matches_for(actor).select_related("left", "right", "run").filter(pk=pk).first()
    if match is not None:
        access_log.record(actor=actor, operation="combination", record_type="person",
                          record_ids=sorted([match.left.ref, match.right.ref]), justification=PURPOSE,
                          detail=f"evidence of match #{match.pk} reviewed side by side")
    return match
