"""Identities are the connected components of the links in force (automatic and accepted).

An identity's id is ``I-`` and the lowest person id among its records when it is first formed, which is also
what export writes for an unlinked record. After that it is **stable**: a record that joins an identity takes
its id, whatever the new record's own id; when two identities merge, the older id stands; when a link is undone
and a component splits, the larger part keeps the id and each other part takes its own again. A record left
alone has no identity row. Recomputing is set-based: one query for the links, one for the people whose identity
changes, bulk writes.
"""
from __future__ import annotations

from django.db import transaction

from vigil.core import rows
from vigil.people.linkage.models import LINKED, RecordMatch
from vigil.people.models import Identity, Person


def components() -> list[set[int]]:
    import networkx as nx  # here, not at the top: every command would pay 0.1 s to import it

    g = nx.Graph()
    g.add_edges_from(RecordMatch.objects.filter(status__in=LINKED).values_list("left_id", "right_id")
                     .iterator(chunk_size=50000))
    return [c for c in nx.connected_components(g) if len(c) > 1]


@transaction.atomic
def recompute() -> tuple[int, set[int]]:
    """Bring every ``Person.identity`` into line with the links; returns (identities, changed person pks)."""
    groups = sorted(components(), key=lambda c: (-len(c), min(c)))  # the larger part of a split keeps the id
    members = {pk for c in groups for pk in c}
    current = dict(Person.objects.filter(identity__isnull=False).values_list("pk", "identity_id"))
    ref_of = dict(Identity.objects.values_list("pk", "ref"))  # one row per identity, as the links are read whole
    chosen: dict[int, int] = {}       # group index -> Identity pk
    kept: set[int] = set()
    for n, group in enumerate(groups):
        held = {current[pk] for pk in group if pk in current} - kept
        if held:
            chosen[n] = min(held)     # the oldest identity among the group's records
            kept.add(chosen[n])
    waiting = [n for n in range(len(groups)) if n not in chosen]
    wanted = sorted({pk for n in waiting for pk in groups[n]})
    refs = {}
    for chunk in rows.chunks(wanted):
        refs.update(Person.objects.filter(pk__in=chunk).values_list("pk", "ref"))
    taken = {ref_of[pk] for pk in kept}
    new_refs = {}
    for n in waiting:
        ref = base = "I-" + min(refs[pk] for pk in groups[n])
        k = 1
        while ref in taken:           # an id still held by the part of a split that kept it
            k += 1
            ref = f"{base}-{k}"
        taken.add(ref)
        new_refs[n] = ref
    pk_of = {ref: pk for pk, ref in ref_of.items() if pk not in kept}  # ids no group keeps may be given again
    made = [Identity(ref=r) for r in sorted(set(new_refs.values()) - set(pk_of))]
    Identity.objects.bulk_create(made, batch_size=2000)
    if any(i.pk is None for i in made):  # backends that do not return ids
        pk_of.update(Identity.objects.filter(ref__in=[i.ref for i in made]).values_list("ref", "pk")
                     if len(made) <= 900 else Identity.objects.values_list("ref", "pk"))
    else:
        pk_of.update({i.ref: i.pk for i in made})
    chosen.update({n: pk_of[ref] for n, ref in new_refs.items()})
    changes: dict[int, int | None] = {pk: chosen[n] for n, group in enumerate(groups) for pk in group
                                      if current.get(pk) != chosen[n]}
    changes.update({pk: None for pk in set(current) - members})
    rows.set_values(Person, "identity_id", changes)
    Identity.objects.filter(records__isnull=True).delete()
    return len(groups), set(changes)
