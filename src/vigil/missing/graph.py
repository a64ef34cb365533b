"""The link graph (domain-rules §3): children, adults, addresses, phones and vehicles, from episodes, people and
subjects, built with networkx and drawn with Cytoscape.js.

Nodes are ``person:<pk>`` (kind child, adult or subject), ``address:<match key>``, ``phone:<digits>`` and
``vehicle:<registration>``. Edges carry their relation, evidence and date: found at, found with, reported by,
lives at, notified address of a subject, uses phone, drives, same person (record linkage) and associate of
(children missing and found together). A neighbourhood is read in a fixed handful of queries whatever its size,
and capped so a page stays readable.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from django.apps import apps
from django.db.models import Q

from vigil.core.clock import day_said
from vigil.missing.deadlines import local_date
from vigil.missing.models import MissingEpisode
from vigil.people.addresses import describe_key
from vigil.people.linkage.models import LINKED, RecordMatch
from vigil.people.models import Address, Alias, Person, Phone, Vehicle, display_name

MAX_NEIGHBOURS = 40   # people reached through one shared address, phone or vehicle
MAX_NODES = 160

KIND_LABELS = {"child": "Child", "adult": "Adult", "subject": "Subject (managed offender)", "address": "Address",
               "phone": "Phone", "vehicle": "Vehicle"}


def _pnode(pk: int) -> str:
    return f"person:{pk}"


class LinkGraph:
    """A networkx graph with the records behind it; ``visible`` are the person pks the viewer may name."""

    def __init__(self, visible: set[int] | None = None):
        import networkx as nx  # here, not at the top: every command would pay 0.1 s to import it

        self.g = nx.MultiGraph()
        self.visible = visible
        self.people: dict[int, dict] = {}
        self.subject_of: dict[int, list[str]] = defaultdict(list)

    def person(self, pk: int, kind: str) -> str:
        node = _pnode(pk)
        if node in self.g:
            if kind == "child" or (kind == "subject" and self.g.nodes[node]["kind"] == "adult"):
                self.g.nodes[node]["kind"] = kind
        elif self.g.number_of_nodes() < MAX_NODES:
            self.g.add_node(node, kind=kind, pk=pk)
        return node

    def thing(self, kind: str, value: str, label: str = "") -> str:
        node = f"{kind}:{value}"
        if node not in self.g and self.g.number_of_nodes() < MAX_NODES:
            self.g.add_node(node, kind=kind, label=label or value)
        return node

    def edge(self, a: str, b: str, relation: str, evidence: str = "", on: dt.date | None = None) -> None:
        if a in self.g and b in self.g and a != b:
            for _, data in self.g.get_edge_data(a, b, default={}).items():
                if data["relation"] == relation and data.get("on") == on:
                    return
            self.g.add_edge(a, b, relation=relation, evidence=evidence, on=on)

    def label(self, node: str) -> str:
        data = self.g.nodes[node]
        if "pk" not in data:
            return data.get("label", node)
        p = self.people.get(data["pk"], {})
        ref = p.get("ref", "?")
        subjects = self.subject_of.get(data["pk"])
        tag = f" · subject {', '.join(subjects)}" if subjects else ""
        if self.visible is None or data["pk"] in self.visible:
            return f"{display_name(p.get('given_names'), p.get('surname'), lambda: p.get('known_as', ''))} " \
                   f"({ref}){tag}"
        return f"{KIND_LABELS[data['kind']]} {ref}{tag} (outside your work)"

    def elements(self) -> list[dict]:
        """Cytoscape.js elements: nodes coloured by kind, edges labelled with their evidence and date."""
        out = []
        for node, data in sorted(self.g.nodes(data=True)):
            item = {"id": node, "label": self.label(node), "kind": data["kind"]}
            if "pk" in data and data["pk"] in self.people:
                item["href"] = f"/missing/children/{self.people[data['pk']]['ref']}/" if data["kind"] == "child" \
                    else f"/people/{self.people[data['pk']]['ref']}/"
            elif data["kind"] == "address":
                item["href"] = f"/missing/address/?key={node.split(':', 1)[1]}"
            out.append({"data": item})
        for i, (a, b, data) in enumerate(sorted(self.g.edges(data=True), key=lambda e: (e[0], e[1],
                                                                                       e[2]["relation"]))):
            when = f" {day_said(data['on'])}" if data.get("on") else ""
            out.append({"data": {"id": f"e{i}", "source": a, "target": b, "relation": data["relation"],
                                 "source_label": self.label(a), "target_label": self.label(b),
                                 "label": f"{data['relation']}{when}", "evidence": data.get("evidence", "")}})
        return out

    def paths_to_subjects(self, start: Iterable[str], limit: int = 5) -> list[list[str]]:
        """The shortest path from the child (any of their records) to each subject in the graph, for a person to
        read, shortest first."""
        import networkx as nx

        subjects = [n for n, d in self.g.nodes(data=True) if d["kind"] == "subject"]
        simple = nx.Graph(self.g)
        best: dict[str, list[str]] = {}
        for s in start:
            if s not in simple:
                continue
            lengths = nx.single_source_shortest_path(simple, s)
            for t in subjects:
                if t != s and t in lengths and (t not in best or len(lengths[t]) < len(best[t])):
                    best[t] = lengths[t]
        out = []
        for path in sorted(best.values(), key=len)[:limit]:
            steps = [self.label(path[0])]
            for a, b in pairwise(path):
                rel = next(iter(self.g.get_edge_data(a, b).values()))["relation"]
                steps.append(f"—{rel}→ {self.label(b)}")
            out.append(steps)
        return out


def _add_people(lg: LinkGraph, pks: Iterable[int]) -> None:
    wanted = [pk for pk in set(pks) if pk not in lg.people]
    for p in Person.objects.filter(pk__in=wanted).values("pk", "ref", "given_names", "surname", "identity_id"):
        lg.people[p["pk"]] = p
    nameless = [pk for pk in wanted if pk in lg.people and not (lg.people[pk]["given_names"].strip()
                                                                or lg.people[pk]["surname"].strip())]
    for a in Alias.objects.filter(person_id__in=nameless).order_by("pk").values("person_id", "given_names", "surname"):
        text = " ".join(x for x in (a["given_names"].strip(), a["surname"].strip()) if x)
        if text:
            lg.people[a["person_id"]].setdefault("known_as", text)


def _subjects(lg: LinkGraph, pks: Iterable[int]) -> None:
    try:
        Subject = apps.get_model("offenders", "Subject")
    except LookupError:
        return
    for s in Subject.objects.filter(person_id__in=list(pks)).values("person_id", "ref"):
        if s["ref"] not in lg.subject_of[s["person_id"]]:
            lg.subject_of[s["person_id"]].append(s["ref"])


def _episodes(lg: LinkGraph, q: Q) -> tuple[set[int], set[str]]:
    """Add episodes matching ``q``: their children, found-at places, found-with and reported-by people."""
    rows = list(MissingEpisode.objects.filter(q).values("pk", "ref", "child_id", "returned_at", "found_key",
                                                        "reported_by_id", "reported_at")[:200])
    people, keys = set(), set()
    by_pk = {r["pk"]: r for r in rows}
    for r in rows:
        child = lg.person(r["child_id"], "child")
        people.add(r["child_id"])
        on = local_date(r["returned_at"]) if r["returned_at"] else None
        if r["found_key"]:
            keys.add(r["found_key"])
            lg.edge(child, lg.thing("address", r["found_key"], describe_key(r["found_key"])), "found at",
                    f"episode {r['ref']}", on)
        if r["reported_by_id"]:
            people.add(r["reported_by_id"])
            lg.edge(lg.person(r["reported_by_id"], "adult"), child, "reported by", f"episode {r['ref']}",
                    local_date(r["reported_at"]))
    through = MissingEpisode.found_with.through
    for f in through.objects.filter(missingepisode_id__in=list(by_pk)).values("missingepisode_id", "person_id"):
        r = by_pk[f["missingepisode_id"]]
        people.add(f["person_id"])
        other = lg.person(f["person_id"], "adult")
        lg.edge(lg.person(r["child_id"], "child"), other, "found with", f"episode {r['ref']}",
                local_date(r["returned_at"]) if r["returned_at"] else None)
    return people, keys


def _holdings(lg: LinkGraph, pks: set[int]) -> tuple[set[str], set[str], set[str]]:
    """Addresses, phones and vehicles of these people (one query each)."""
    keys, phones, vehicles = set(), set(), set()
    for a in Address.objects.filter(person_id__in=list(pks)).values("person_id", "match_key", "kind", "valid_from"):
        if not a["match_key"]:
            continue
        keys.add(a["match_key"])
        node = lg.thing("address", a["match_key"], describe_key(a["match_key"]))
        rel = "lives at" if a["kind"] in ("home", "care_home", "temporary") else f"{a['kind']} address"
        lg.edge(_pnode(a["person_id"]), node, rel, "person record", a["valid_from"])
    for p in Phone.objects.filter(person_id__in=list(pks)).values("person_id", "number"):
        phones.add(p["number"])
        lg.edge(_pnode(p["person_id"]), lg.thing("phone", p["number"]), "uses phone", "person record")
    for v in Vehicle.objects.filter(person_id__in=list(pks)).values("person_id", "registration"):
        vehicles.add(v["registration"])
        lg.edge(_pnode(v["person_id"]), lg.thing("vehicle", v["registration"]), "drives", "person record")
    return keys, phones, vehicles


def _sharing(lg: LinkGraph, keys: set[str], phones: set[str], vehicles: set[str], known: set[int]) -> set[int]:
    """Other people at the same addresses, on the same phones, driving the same vehicles (capped)."""
    found: set[int] = set()
    for model, field, values, kind in ((Address, "match_key", keys, "address"), (Phone, "number", phones, "phone"),
                                       (Vehicle, "registration", vehicles, "vehicle")):
        if not values:
            continue
        rows = model.objects.filter(**{f"{field}__in": list(values)}).exclude(person_id__in=list(known)).values(
            "person_id", field, *(["kind", "valid_from"] if model is Address else []))[:MAX_NEIGHBOURS * 3]
        for r in rows:
            node = lg.person(r["person_id"], "adult")
            found.add(r["person_id"])
            target = f"{kind}:{r[field]}"
            if model is Address:
                rel = "lives at" if r["kind"] in ("home", "care_home", "temporary") else f"{r['kind']} address"
                lg.edge(node, target, rel, "person record", r["valid_from"])
            else:
                lg.edge(node, target, "uses phone" if kind == "phone" else "drives", "person record")
    return found


def _finish(lg: LinkGraph) -> None:
    pks = [d["pk"] for _, d in lg.g.nodes(data=True) if "pk" in d]
    _add_people(lg, pks)
    # Other records of the same people (record linkage): an adult found with a child may be a subject's alias.
    identities = {p["identity_id"] for p in lg.people.values() if p["identity_id"]}
    siblings = Person.objects.filter(identity_id__in=identities).exclude(pk__in=pks).values_list("pk", flat=True)
    for pk in siblings[:MAX_NEIGHBOURS]:
        lg.person(pk, "adult")
    pks = [d["pk"] for _, d in lg.g.nodes(data=True) if "pk" in d]
    _add_people(lg, pks)
    _subjects(lg, pks)
    for pk, refs in lg.subject_of.items():
        node = _pnode(pk)
        if node in lg.g and lg.g.nodes[node]["kind"] != "child":
            lg.g.nodes[node]["kind"] = "subject"
        for _, target, data in list(lg.g.edges(node, data=True)):
            if target.startswith("address:") and data["relation"] in ("lives at", "notified address",
                                                                       "associated address"):
                lg.edge(node, target, f"notified address of subject {', '.join(refs)}", "person record",
                        data.get("on"))
    # Records of one person (record linkage) are joined by a "same person" edge with the link's probability.
    identities: dict[int, list[int]] = defaultdict(list)
    for pk, p in lg.people.items():
        if p["identity_id"]:
            identities[p["identity_id"]].append(pk)
    pairs = [(a, b) for group in identities.values() for a in group for b in group if a < b]
    if pairs:
        qs = RecordMatch.objects.filter(status__in=LINKED, left_id__in=[a for a, _ in pairs],
                                        right_id__in=[b for _, b in pairs])
        for m in qs.values("left_id", "right_id", "probability", "status"):
            lg.edge(_pnode(m["left_id"]), _pnode(m["right_id"]), "same person",
                    f"record linkage ({m['status'].replace('_', ' ')}, p={m['probability']:.3f})")


def child_graph(person: Person, *, visible: set[int] | None = None) -> tuple[LinkGraph, list[str]]:
    """The child's neighbourhood: their records, episodes, the people and places in them, and one hop beyond."""
    lg = LinkGraph(visible)
    records = [person.pk] if person.identity_id is None else list(
        Person.objects.filter(identity_id=person.identity_id).values_list("pk", flat=True))
    starts = [lg.person(pk, "child") for pk in records]
    people, keys = _episodes(lg, Q(child_id__in=records))
    people |= set(records)
    homes, phones, vehicles = _holdings(lg, people)
    keys |= homes
    others = _sharing(lg, keys, phones, vehicles, people)
    # Other children found at the same places: the start of an exploitation location.
    more, _ = _episodes(lg, Q(found_key__in=list(keys)) & ~Q(child_id__in=records))
    _holdings(lg, others | (more - people))
    _associates(lg)
    _finish(lg)
    return lg, starts


def address_graph(key: str, *, visible: set[int] | None = None) -> LinkGraph:
    """Everyone and every episode linked to one address, and their other places, phones and vehicles."""
    lg = LinkGraph(visible)
    lg.thing("address", key, describe_key(key))
    people, _ = _episodes(lg, Q(found_key=key))
    residents = set(Address.objects.filter(match_key=key).values_list("person_id", flat=True)[:MAX_NEIGHBOURS])
    for pk in residents:
        lg.person(pk, "adult")
    _, phones, vehicles = _holdings(lg, people | residents)
    _sharing(lg, set(), phones, vehicles, people | residents)
    _associates(lg)
    _finish(lg)
    return lg


def _associates(lg: LinkGraph) -> None:
    """Children found with each other are associates."""
    children = {n for n, d in lg.g.nodes(data=True) if d["kind"] == "child"}
    for a, b, data in list(lg.g.edges(data=True)):
        if data["relation"] == "found with" and a in children and b in children:
            lg.edge(a, b, "associate of", data.get("evidence", ""), data.get("on"))
