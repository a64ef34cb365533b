"""Identities are the connected components of the links in force (automatic and accepted).

An identity's id is ``I-`` and the lowest person id among its records when it is first formed, which is also
what export writes for an unlinked record. After that it is **stable**: a record that joins an identity takes
its id, whatever the new record's own id; when two identities merge, the older id stands; when a link is undone
and a component splits, the larger part keeps the id and each other part takes its own again. A record left
alone has no identity row. Recomputing is set-based: one query for the links, one for the people whose identity
changes, bulk writes.
"""
from __future__ import annotations

import networkx as nx
from django.db import transaction

from vigil.people.linkage.models import LINKED, RecordMatch
from vigil.people.models import Identity, Person

CHUNK = 900


def components() -> list[set[int]]:
    g = nx.Graph()
    g.add_edges_from(RecordMatch.objects.filter(status__in=LINKED).values_list("left_id", "right_id")
                     .iterator(chunk_size=50000))
    return [c for c in nx.connected_components(g) if len(c) > 1]


@transaction.atomic
def recompute() -> tuple[int, set[int]]:
    """Bring every ``Person.identity`` into line with the links; returns (identities, changed person pks)."""
    groups = sorted(components(), key=lambda c: (-len(c), min(c)))  # the larger part of a split keeps the id
    members = sorted({pk for c in groups for pk in c})
    current = dict(Person.objects.filter(identity__isnull=False).values_list("pk", "identity_id"))
    chosen: dict[int, int] = {}       # group index -> Identity pk
    for n, group in enumerate(groups):
        held = {current[pk] for pk in group if pk in current} - set(chosen.values())
        if held:
            chosen[n] = min(held)     # the oldest identity among the group's records
    refs = {}
    waiting = [n for n in range(len(groups)) if n not in chosen]
    wanted = sorted({pk for n in waiting for pk in groups[n]})
    for i in range(0, len(wanted), CHUNK):
        refs.update(Person.objects.filter(pk__in=wanted[i:i + CHUNK]).values_list("pk", "ref"))
    kept = set(chosen.values())
    taken = set(Identity.objects.filter(pk__in=kept).values_list("ref", flat=True))
    new_refs = {}
    for n in waiting:
        ref = base = "I-" + min(refs[pk] for pk in groups[n])
        k = 1
        while ref in taken:           # an id still held by the part of a split that kept it
            k += 1
            ref = f"{base}-{k}"
        taken.add(ref)
        new_refs[n] = ref
    free = dict(Identity.objects.filter(ref__in=list(new_refs.values())).exclude(pk__in=kept)
                .values_list("ref", "pk")) if len(new_refs) <= CHUNK else \
        dict(Identity.objects.exclude(pk__in=kept).values_list("ref", "pk"))
    Identity.objects.bulk_create([Identity(ref=r) for r in sorted(set(new_refs.values()) - set(free))],
                                 batch_size=2000)
    if new_refs:
        made = dict(Identity.objects.filter(ref__in=list(new_refs.values())).values_list("ref", "pk")) \
            if len(new_refs) <= CHUNK else dict(Identity.objects.values_list("ref", "pk"))
        chosen.update({n: made[ref] for n, ref in new_refs.items()})
    changes: dict[int | None, list[int]] = {}
    for n, group in enumerate(groups):
        for pk in group:
            if current.get(pk) != chosen[n]:
                changes.setdefault(chosen[n], []).append(pk)
    for pk in set(current) - set(members):
        changes.setdefault(None, []).append(pk)
    changed: set[int] = set()
    for identity_id, pks in changes.items():
        for i in range(0, len(pks), CHUNK):
            Person.objects.filter(pk__in=pks[i:i + CHUNK]).update(identity_id=identity_id)
        changed.update(pks)
    Identity.objects.filter(records__isnull=True).delete()
    return len(groups), changed
