"""Restriction of processing (DPA 2018 s.47(2)): a person's record marked so that only its owner (the team holding
it) and professional standards can open it, for example while its accuracy is contested. Enforced as a denial in
the one scope layer (``scopes.py``), so every page, list, search and API obeys it; lifting it says why."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from vigil.core import access_log, clock
from vigil.core.errors import InputError
from vigil.governance.models import ProcessingRestriction
from vigil.people.models import Person

PURPOSE = "restriction of processing (DPA 2018 s.47)"


def place(*, actor, person: Person, reason: str) -> ProcessingRestriction:
    if len((reason or "").strip()) < 10:
        raise InputError("reason: write at least 10 characters")
    if person.erased_at:
        raise InputError(f"person {person.ref} was erased")
    who = access_log.actor_names(actor)[0]
    try:
        with transaction.atomic():
            r = ProcessingRestriction.objects.create(person=person, reason=reason.strip(), placed_by=who[:150],
                                                     placed_at=clock.now())
            access_log.record(actor=actor, operation="alteration", record_type="person", record_ids=person.ref,
                              justification=PURPOSE, detail=f"processing restricted (restriction #{r.pk})")
    except IntegrityError:
        raise InputError(f"the processing of person {person.ref} is already restricted") from None
    return r


@transaction.atomic
def lift(*, actor, person: Person, reason: str) -> ProcessingRestriction:
    if len((reason or "").strip()) < 10:
        raise InputError("reason: write at least 10 characters")
    r = ProcessingRestriction.objects.select_for_update().filter(person=person, lifted_at__isnull=True).first()
    if r is None:
        raise InputError(f"the processing of person {person.ref} is not restricted")
    r.lifted_at, r.lifted_by, r.lift_reason = clock.now(), access_log.actor_names(actor)[0][:150], reason.strip()
    r.save()
    access_log.record(actor=actor, operation="alteration", record_type="person", record_ids=person.ref,
                      justification=PURPOSE, detail=f"restriction #{r.pk} lifted")
    return r
