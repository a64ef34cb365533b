"""Identities are the connected components of the links in force (automatic and accepted).

An identity's id is ``I-`` and the lowest person id among its records, which is also what export writes for an
unlinked record, so a record's identity reads the same whether or not it was ever linked. Undoing a link splits
its component and each part takes its own id again; a record left alone has no identity row. Recomputing is
set-based: one query for the links, one for the people whose identity changes, bulk writes.
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
    groups = components()
    members = {pk for c in groups for pk in c}
    refs = {}
    wanted_ids = sorted(members)
    for i in range(0, len(wanted_ids), CHUNK):
        refs.update(Person.objects.filter(pk__in=wanted_ids[i:i + CHUNK]).values_list("pk", "ref"))
    desired: dict[int, str] = {}
    for c in groups:
        ident = "I-" + min(refs[pk] for pk in c)
        for pk in c:
            desired[pk] = ident
    existing = dict(Identity.objects.filter(ref__in=set(desired.values())).values_list("ref", "pk")) \
        if len(set(desired.values())) <= CHUNK else dict(Identity.objects.values_list("ref", "pk"))
    new = [Identity(ref=r) for r in sorted(set(desired.values()) - set(existing))]
    Identity.objects.bulk_create(new, batch_size=2000)
    if new:
        existing.update(Identity.objects.filter(ref__in=[i.ref for i in new]).values_list("ref", "pk")
                        if len(new) <= CHUNK else Identity.objects.values_list("ref", "pk"))
    current = dict(Person.objects.filter(identity__isnull=False).values_list("pk", "identity_id"))
    changes: dict[int | None, list[int]] = {}
    for pk, ident in desired.items():
        if current.get(pk) != existing[ident]:
            changes.setdefault(existing[ident], []).append(pk)
    for pk in set(current) - set(desired):
        changes.setdefault(None, []).append(pk)
    changed: set[int] = set()
    for identity_id, pks in changes.items():
        for i in range(0, len(pks), CHUNK):
            Person.objects.filter(pk__in=pks[i:i + CHUNK]).update(identity_id=identity_id)
        changed.update(pks)
    Identity.objects.filter(records__isnull=True).delete()
    return len(groups), changed
