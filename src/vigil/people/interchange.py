"""Interchange section ``people`` (and ``identity`` on export, from record linkage)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from vigil.accounts.models import Team
from vigil.core import clock
from vigil.interchange.registry import Section, register
from vigil.interchange.schema import Date, Enum, Field, List, Obj, Ref, Str, _fmt, within_range
from vigil.people import birth
from vigil.people.addresses import match_key, normalise_phone, normalise_postcode, normalise_vrm
from vigil.people.models import (
    Address,
    AddressKind,
    Alias,
    Identifier,
    IdentifierType,
    Person,
    Phone,
    Sex,
    Vehicle,
)

ADDRESS = Obj(fields={
    "line1": Str(required=True, nullable=False, max_length=200),
    "line2": Str(max_length=200, blank=True),
    "town": Str(max_length=100, blank=True),
    "postcode": Str(max_length=10, blank=True),
    "kind": Enum(choices=AddressKind.values),
    "from": Date(),
    "to": Date(),
})


@dataclass
class BirthDate(Field):
    """A date of birth: a full date, a year (``"1990"``) or a range of them (``"1988/1992"``, an ISO 8601
    interval). Never in the future: a year or a range must have begun."""

    not_after: Callable[[], dt.date] | None = None

    def check(self, value, path, problems):
        known = birth.parse(value)
        if isinstance(known, str):
            problems.append(f"{path}: {_fmt(value)} {known}")
            return
        earliest, latest = known.bounds
        if self.not_after and earliest > self.not_after():
            problems.append(f"{path}: {value} is in the future")
        elif within_range(earliest, path, problems):
            within_range(latest, path, problems)


# A person may be partly known (a child found with "an adult known as Jay"), but not unknown altogether.
IDENTIFYING = ("given_names", "surname", "aliases", "date_of_birth", "identifiers")


def _name(value: str | None) -> str:
    """An unknown name is stored empty (null, "" and blanks alike)."""
    return value if value and value.strip() else ""


def _d(text):
    return dt.date.fromisoformat(text) if text else None


def address_fields(a: dict) -> dict:
    """Model fields for an interchange address (shared with modules that record found-at places)."""
    return dict(line1=a["line1"], line2=a.get("line2") or "", town=a.get("town") or "",
                postcode=normalise_postcode(a.get("postcode")),
                match_key=match_key(a["line1"], a.get("line2") or "", a.get("town") or "", a.get("postcode") or ""))


class PeopleSection(Section):
    name = "people"
    order = 30
    item = Obj(fields={
        "id": Str(required=True, nullable=False, max_length=64),
        "given_names": Str(max_length=200, blank=True),
        "surname": Str(max_length=200, blank=True),
        "aliases": List(of=Obj(fields={"given_names": Str(max_length=200, blank=True),
                                       "surname": Str(max_length=200, blank=True)},
                               at_least_one=("given_names", "surname"))),
        "date_of_birth": BirthDate(not_after=clock.today),
        "sex": Enum(choices=Sex.values),
        "team": Ref(section="teams"),
        "addresses": List(of=ADDRESS),
        "phones": List(of=Str(max_length=20)),
        "vehicles": List(of=Str(max_length=10)),
        "identifiers": List(of=Obj(fields={"type": Enum(required=True, nullable=False, choices=IdentifierType.values),
                                           "value": Str(required=True, nullable=False, max_length=64)})),
    }, at_least_one=IDENTIFYING)

    def existing_ids(self, ids):
        return set(Person.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def check(self, items, ctx):
        for i, p in enumerate(items):
            for j, a in enumerate(p.get("addresses") or []):
                if a.get("from") and a.get("to") and a["to"] < a["from"]:
                    ctx.problem(f"people[{i}].addresses[{j}].to", "is before 'from'")

    def load(self, items, ctx):
        teams = dict(Team.objects.filter(ref__in={i["team"] for i in items if i.get("team")})
                     .values_list("ref", "pk"))
        def born(i) -> birth.Birth:
            return birth.parse(i["date_of_birth"]) if i.get("date_of_birth") else birth.Birth()

        people = Person.objects.bulk_create([
            Person(ref=i["id"], given_names=_name(i.get("given_names")), surname=_name(i.get("surname")),
                   date_of_birth=b.exact, born_earliest=b.earliest, born_latest=b.latest,
                   sex=i.get("sex") or Sex.UNKNOWN, team_id=teams.get(i.get("team")))
            for i in items for b in (born(i),)
        ], batch_size=2000)
        pk = {p.ref: p.pk for p in people}
        if any(v is None for v in pk.values()):
            pk = dict(Person.objects.filter(ref__in=[i["id"] for i in items]).values_list("ref", "pk"))
        ctx.pks["people"].update(pk)
        Alias.objects.bulk_create([Alias(person_id=pk[i["id"]], given_names=a.get("given_names") or "",
                                         surname=a.get("surname") or "")
                                   for i in items for a in i.get("aliases") or []], batch_size=5000)
        Address.objects.bulk_create([
            Address(person_id=pk[i["id"]], kind=a.get("kind") or AddressKind.HOME, valid_from=_d(a.get("from")),
                    valid_to=_d(a.get("to")), **address_fields(a))
            for i in items for a in i.get("addresses") or []], batch_size=5000)
        Phone.objects.bulk_create([Phone(person_id=pk[i["id"]], number=normalise_phone(n))
                                   for i in items for n in i.get("phones") or []], batch_size=5000)
        Vehicle.objects.bulk_create([Vehicle(person_id=pk[i["id"]], registration=normalise_vrm(v))
                                     for i in items for v in i.get("vehicles") or []], batch_size=5000)
        Identifier.objects.bulk_create([Identifier(person_id=pk[i["id"]], type=x["type"], value=x["value"])
                                        for i in items for x in i.get("identifiers") or []], batch_size=5000)

    def export(self, ctx):
        def grouped(model, fields):
            out: dict[int, list] = {}
            for row in model.objects.order_by("pk").values("person_id", *fields).iterator(chunk_size=20000):
                out.setdefault(row.pop("person_id"), []).append(row)
            return out

        aliases = grouped(Alias, ["given_names", "surname"])
        addresses = grouped(Address, ["line1", "line2", "town", "postcode", "kind", "valid_from", "valid_to"])
        phones = grouped(Phone, ["number"])
        vehicles = grouped(Vehicle, ["registration"])
        identifiers = grouped(Identifier, ["type", "value"])
        rows = Person.objects.filter(erased_at__isnull=True).order_by("ref").values(  # erased: placeholders only
            "pk", "ref", "given_names", "surname", "date_of_birth", "born_earliest", "born_latest", "sex",
            "team__ref", "identity__ref")
        for p in rows.iterator(chunk_size=5000):
            yield {
                "id": p["ref"], "given_names": p["given_names"] or None, "surname": p["surname"] or None,
                "aliases": aliases.get(p["pk"], []),
                "date_of_birth": birth.of(p).text(),
                "sex": p["sex"], "team": p["team__ref"],
                "addresses": [{"line1": a["line1"], "line2": a["line2"], "town": a["town"], "postcode": a["postcode"],
                               "kind": a["kind"], "from": a["valid_from"].isoformat() if a["valid_from"] else None,
                               "to": a["valid_to"].isoformat() if a["valid_to"] else None}
                              for a in addresses.get(p["pk"], [])],
                "phones": [x["number"] for x in phones.get(p["pk"], [])],
                "vehicles": [x["registration"] for x in vehicles.get(p["pk"], [])],
                "identifiers": identifiers.get(p["pk"], []),
                "identity": p["identity__ref"] or f"I-{p['ref']}",
            }


register(PeopleSection())
