"""Sharing a person's data with a partner agency (probation, children's social care, another force, the
safeguarding hub): recipient, lawful basis, what was sent and by whom, written to the access log as a disclosure
with its recipients (DPA 2018 s.62) and shown in the person's subject-access pack."""
from __future__ import annotations

from django.db import transaction

from vigil.core import access_log, clock
from vigil.core.errors import InputError
from vigil.core.scope import officer_of
from vigil.governance.models import Disclosure, RecipientKind
from vigil.people.models import Person

PURPOSE = "disclosure to a partner agency"


@transaction.atomic
def record(*, actor, person: Person, recipient_kind: str, recipient: str, lawful_basis: str,
           what: str) -> Disclosure:
    if person.erased_at:
        raise InputError(f"person {person.ref} was erased: there is nothing to disclose")
    if recipient_kind not in RecipientKind.values:
        raise InputError(f"recipient_kind: {recipient_kind!r} is not one of {', '.join(RecipientKind.values)}")
    problems = [f"{name}: {hint}" for name, value, hint in (
        ("recipient", recipient, "name the agency (and the person, where known)"),
        ("lawful_basis", lawful_basis, "give the lawful basis for sharing"),
        ("what", what, "say what was sent")) if len((value or "").strip()) < 3]
    if problems:
        raise InputError("; ".join(problems), problems)
    who = access_log.actor_names(actor)[0]
    d = Disclosure.objects.create(person=person, person_ref=person.ref, recipient_kind=recipient_kind,
                                  recipient=recipient.strip()[:200], lawful_basis=lawful_basis.strip()[:300],
                                  what=what.strip(), disclosed_by=who[:150], disclosed_at=clock.now(),
                                  disclosed_officer=officer_of(actor))
    access_log.record(actor=actor, operation="disclosure", record_type="person", record_ids=person.ref,
                      justification=f"{PURPOSE}: {d.lawful_basis}"[:500],
                      recipients=[f"{d.get_recipient_kind_display()}: {d.recipient}"],
                      detail=f"disclosure #{d.pk} to a partner agency")
    return d
