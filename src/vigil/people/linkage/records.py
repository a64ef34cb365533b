"""Person records as the linkage model reads them: one row per name a person is known by.

A subject recorded as "Mark Ellery" with the alias "Marc Ellory" gives two rows that share everything but the
names, so an adult found with a child and recorded under the alias matches the subject's alias row exactly.
Pairs are scored row against row and then reduced to the best row pair for each pair of people.

Every value is standardised here, once: names lower-case letters only (and the nickname group of the forename),
dates of birth ISO, postcodes compact, phones digits, identifiers ``TYPE:VALUE``. The same columns can be built
from any table (``standardise``), which is how the benchmarks run the production model on FEBRL.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from vigil.people.addresses import (
    match_key,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
    parse,
    postcode_district,
)
from vigil.people.linkage.nicknames import canonical

if TYPE_CHECKING:
    import pyarrow as pa

# The columns of a linkage table: each is text, or a list of text (``LISTS``).
NAMES = ["unique_id", "person_id", "forename", "forename_canon", "surname", "dob", "dob_from", "dob_to",
         "birth_year", "born", "sex", "postcode", "district", "street", "town", "address_key", "address_keys",
         "postcodes", "phone", "phones", "identifier", "identifiers", "vehicles"]
LISTS = {"address_keys", "postcodes", "phones", "identifiers", "vehicles"}


@functools.cache
def schema():
    """The Arrow schema of a linkage table. pyarrow is imported here, when a table is made, not whenever the apps
    load: every ``vigil`` command (the daily sweep among them, in two processes) paid 0.05 s for it."""
    import pyarrow as pa

    return pa.schema([(n, pa.list_(pa.string()) if n in LISTS else pa.string()) for n in NAMES])


def name(text: str | None) -> str | None:
    """'O'Brien-Smith ' → 'obriensmith'; empty → None."""
    value = re.sub(r"[^a-z]", "", (text or "").lower())
    return value or None


def first_name(given_names: str | None) -> str | None:
    parts = (given_names or "").split()
    return name(parts[0]) if parts else None


def identifier(kind: str, value: str) -> str | None:
    v = re.sub(r"[^A-Z0-9]", "", (value or "").upper())
    return f"{kind}:{v}" if v else None


def _or_none(values: Iterable[str | None]) -> list[str] | None:
    out = sorted({v for v in values if v})
    return out or None


def row(*, uid: str, person: str, given: str | None, surname: str | None, dob: str | None, sex: str | None,
        addresses: Sequence[dict] = (), phones: Iterable[str] = (), identifiers: Iterable[str] = (),
        vehicles: Iterable[str] = (), born: tuple[str, str] | None = None) -> dict:
    """One standardised row. ``addresses`` are dicts of line1/line2/town/postcode (first = current).

    ``dob`` is an exact date of birth (ISO); ``born`` the (earliest, latest) ISO days of an approximate one (a
    year, a range). A value not known is None, which every comparison reads as no evidence either way.
    ``dob_from``/``dob_to`` hold the span either gives (one day for an exact date); ``birth_year`` the year when
    the span lies within one year, for blocking."""
    primary = addresses[0] if addresses else {}
    pc = normalise_postcode(primary.get("postcode")).replace(" ", "") or None
    _, _, street_words = parse(primary.get("line1") or "", primary.get("line2") or "")
    keys = [a.get("key") or match_key(a.get("line1") or "", a.get("line2") or "", a.get("town") or "",
                                      a.get("postcode") or "") for a in addresses]
    fore = first_name(given)
    span = (dob, dob) if dob else (born if born else (None, None))
    phone_list = _or_none(normalise_phone(p) for p in phones)
    id_list = _or_none(identifiers)
    return {
        "unique_id": uid, "person_id": person, "forename": fore, "forename_canon": canonical(fore) if fore else None,
        "surname": name(surname), "dob": dob or None, "dob_from": span[0], "dob_to": span[1],
        "birth_year": span[0][:4] if span[0] and span[0][:4] == span[1][:4] else None,
        "born": None if dob or not born else _born_text(born),
        "sex": sex if sex in ("male", "female") else None,
        "postcode": pc, "district": postcode_district(primary.get("postcode")) or None,
        "street": " ".join(street_words) or None, "town": name(primary.get("town")),
        "address_key": keys[0] if keys else None, "address_keys": _or_none(keys),
        "postcodes": _or_none(normalise_postcode(a.get("postcode")).replace(" ", "") for a in addresses),
        "phone": phone_list[0] if phone_list else None, "phones": phone_list,
        "identifier": id_list[0] if id_list else None, "identifiers": id_list,
        "vehicles": _or_none(normalise_vrm(v) for v in vehicles),
    }


def _born_text(born: tuple[str, str]) -> str:
    """An approximate date of birth as the interchange writes it ('1990', '1988/1992'), for the evidence."""
    import datetime as dt

    from vigil.people.birth import Birth

    return Birth(earliest=dt.date.fromisoformat(born[0]), latest=dt.date.fromisoformat(born[1])).text() or ""


def digests(rows: list[dict]) -> dict[str, str]:
    """Per person id, a digest of every value linkage reads of it: it changes when the record does."""
    import hashlib

    parts: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        parts[r["person_id"]].append(repr([r[k] for k in NAMES if k != "unique_id"]))
    return {pid: hashlib.sha1("\n".join(sorted(p)).encode(), usedforsecurity=False).hexdigest()
            for pid, p in parts.items()}


def table(rows: list[dict]) -> pa.Table:
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=schema())


def person_rows(person_ids: Iterable[int] | None = None) -> list[dict]:
    """The rows for every person record (or some), read in one query per table."""
    from vigil.people.models import Address, Alias, Identifier, Person, Phone, Vehicle

    def scoped(qs):
        return qs if person_ids is None else qs.filter(person_id__in=list(person_ids))

    people = Person.objects.all() if person_ids is None else Person.objects.filter(pk__in=list(person_ids))
    aliases, addresses, phones, idents, vehicles = (defaultdict(list) for _ in range(5))
    for a in scoped(Alias.objects).values("person_id", "given_names", "surname").iterator(chunk_size=50000):
        aliases[a["person_id"]].append(a)
    # Current addresses first (no end date, latest start), then the rest.
    for a in scoped(Address.objects).order_by("person_id", "valid_to", "-valid_from", "pk").values(
            "person_id", "line1", "line2", "town", "postcode", "match_key", "valid_to").iterator(chunk_size=50000):
        a["key"] = a.pop("match_key")
        addresses[a["person_id"]].append(a)
    for p in scoped(Phone.objects).values("person_id", "number").iterator(chunk_size=50000):
        phones[p["person_id"]].append(p["number"])
    for i in scoped(Identifier.objects).values("person_id", "type", "value").iterator(chunk_size=50000):
        idents[i["person_id"]].append(identifier(i["type"], i["value"]))
    for v in scoped(Vehicle.objects).values("person_id", "registration").iterator(chunk_size=50000):
        vehicles[v["person_id"]].append(v["registration"])
    rows = []
    for p in people.values("pk", "given_names", "surname", "date_of_birth", "born_earliest", "born_latest",
                           "sex").iterator(chunk_size=50000):
        pk = p["pk"]
        addrs = sorted(addresses.get(pk, []), key=lambda a: a["valid_to"] is not None)
        approximate = (p["born_earliest"].isoformat(), p["born_latest"].isoformat()) \
            if p["born_earliest"] and p["born_latest"] else None
        common = {"person": str(pk), "dob": p["date_of_birth"].isoformat() if p["date_of_birth"] else None,
                  "born": approximate,
                  "sex": p["sex"], "addresses": addrs, "phones": phones.get(pk, ()),
                  "identifiers": idents.get(pk, ()), "vehicles": vehicles.get(pk, ())}
        rows.append(row(uid=f"{pk}", given=p["given_names"], surname=p["surname"], **common))
        seen = {(rows[-1]["forename"], rows[-1]["surname"])}
        for k, a in enumerate(aliases.get(pk, ()), start=1):
            r = row(uid=f"{pk}:{k}", given=a["given_names"] or p["given_names"], surname=a["surname"] or p["surname"],
                    **common)
            if (r["forename"], r["surname"]) not in seen:
                seen.add((r["forename"], r["surname"]))
                rows.append(r)
    return rows
