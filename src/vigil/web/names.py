"""Names, not ids: how a record is named and linked on a page, read set-based for a whole list.

``names_of({"subject": {"S1"}, "episode": {"M0000025"}})`` answers ``{("subject", "S1"): "Mark Ellery", ...}`` in
one query per record type; ``record_url`` is where the record opens. Pages show the name with the reference beside
it; the API and the JSON keep the references.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote

from django.apps import apps

# Where each record type opens, and the permission a role needs to open it there.
_PAGES = {"subject": ("/offenders/subjects/{}/", "vigil.view_subject"),
          "crime": ("/crimes/{}/", "vigil.view_crimes"),
          "episode": ("/missing/episodes/{}/", "vigil.view_missing"),
          "person": ("/people/{}/", "vigil.view_person"),
          "address": ("/missing/address/?key={}", "vigil.view_missing"),
          "match": ("/missing/matches/{}/", "vigil.review_matches")}

# What each record type is called on a page (the API and JSON keep the type codes).
RECORD_WORDS = {"subject": "subject", "crime": "crime", "episode": "missing episode", "person": "person",
                "address": "address", "match": "possible match", "officer": "officer",
                "officer_case": "standards case", "team": "team"}


def record_url(record_type: str, ref: str, viewer=None) -> str:
    """Where a record opens in the web application: '' when it has no page of its own, or when ``viewer`` (the
    user a page is for, when given) has no role that opens that page, so a page never offers a refused link."""
    page = _PAGES.get(record_type)
    if page is None or (viewer is not None and not viewer.has_perm(page[1])):
        return ""
    return page[0].format(quote(str(ref), safe=""))


def _people(model: str, refs: set[str], person: str) -> dict[str, str]:
    """ref → the display name of the person the record is about (``person``: the path to them, '' for itself).
    Read as values, named as ``Person.display_name`` names them; aliases are read only for the few records with
    neither name (a home page names dozens of records: model instances and an alias query each cost more than
    the names)."""
    from vigil.people.models import Alias, display_name

    prefix = f"{person}__" if person else ""
    rows = list(apps.get_model(model).objects.filter(ref__in=refs).order_by().values_list(
        "ref", f"{prefix}pk" if person else "pk", f"{prefix}given_names", f"{prefix}surname", f"{prefix}erased_at"))
    unnamed = [pk for _, pk, given, surname, erased in rows if not erased and not (given or "").strip()
               and not (surname or "").strip()]
    aliases: dict[int, str] = {}
    for pk, given, surname in Alias.objects.filter(person_id__in=unnamed).order_by("pk").values_list(
            "person_id", "given_names", "surname") if unnamed else ():
        text = " ".join(x for x in (given.strip(), surname.strip()) if x)
        if text and pk not in aliases:
            aliases[pk] = text
    return {ref: "erased record" if erased else display_name(given, surname, lambda pk=pk: aliases.get(pk, ""))
            for ref, pk, given, surname, erased in rows}


_DENIABLE = {"person": ("people.Person", "ref"), "subject": ("offenders.Subject", "ref"),
             "episode": ("missing.MissingEpisode", "ref")}


def _denied(record_type: str, refs: set[str], viewer) -> set[str]:
    """The references a denial keeps from ``viewer`` (a restriction of processing, a professional-standards
    restriction): their names are not shown, whatever the page (docs/adr/0020)."""
    if record_type == "match":
        qs = apps.get_model("people.RecordMatch").objects.filter(pk__in={r for r in refs if r.isdigit()})
        pairs = list(qs.values_list("pk", "left_id", "right_id"))
        Person = apps.get_model("people.Person")
        denied = set(Person.objects.filter(pk__in={p for _, a, b in pairs for p in (a, b)}).denied_to(viewer)
                     .values_list("pk", flat=True))
        return {str(pk) for pk, a, b in pairs if a in denied or b in denied}
    if record_type not in _DENIABLE:
        return set()
    model, field = _DENIABLE[record_type]
    return set(apps.get_model(model).objects.filter(**{f"{field}__in": refs}).denied_to(viewer)
               .values_list(field, flat=True))


def names_of(refs: Mapping[str, Iterable[str]], viewer=None) -> dict[tuple[str, str], str]:
    """The names of records by (record type, reference); a record without a name is left out, and so is the name
    of a record denied to ``viewer`` (when given: the user the page is for)."""
    out: dict[tuple[str, str], str] = {}
    for record_type, wanted in refs.items():
        wanted = {str(r) for r in wanted if r}
        if not wanted:
            continue
        if record_type == "person":
            found = _people("people.Person", wanted, "")
        elif record_type == "subject":
            found = _people("offenders.Subject", wanted, "person")
        elif record_type == "episode":
            found = _people("missing.MissingEpisode", wanted, "child")
        elif record_type == "officer":
            found = {o.ref: o.titled for o in apps.get_model("accounts.Officer").objects.filter(ref__in=wanted)
                     .only("ref", "rank", "name")}
        elif record_type == "crime":
            found = {ref: summary for ref, summary in apps.get_model("investigations.Crime").objects
                     .filter(ref__in=wanted).values_list("ref", "summary") if summary}
        elif record_type == "match":  # a pair of person records awaiting review: both names
            qs = apps.get_model("people.RecordMatch").objects.filter(pk__in={r for r in wanted if r.isdigit()})
            found = {str(m.pk): f"{m.left.display_name} and {m.right.display_name}"
                     for m in qs.select_related("left", "right").prefetch_related("left__aliases", "right__aliases")}
        else:
            found = {}
        if viewer is not None and found and record_type in (*_DENIABLE, "match"):
            hidden = _denied(record_type, set(found), viewer)
            found = {ref: name for ref, name in found.items() if ref not in hidden}
        out.update({(record_type, ref): name for ref, name in found.items() if name})
    return out

