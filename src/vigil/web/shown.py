"""What a page shows, for the s.62 access log.

A page logs the records it lists with ``vigil.core.access_log.consulted``. Some of what it shows is text written by
the rules (alert and escalation reasons, a link's evidence, a recommendation's reasons) that names other records
("Child PC0000283 (episode M0000025) was found ..."); ``log_shown`` finds those references, checks them against the
records (one query, only when the text holds a candidate), and logs them with the rest.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from django.apps import apps
from django.db.models import CharField, Value

from vigil.core import access_log

# Record types whose references text may name, and the model holding them (all keyed by ``ref``).
NAMED = {"person": "people.Person", "subject": "offenders.Subject", "crime": "investigations.Crime",
         "episode": "missing.MissingEpisode", "officer_case": "standards.OfficerCase", "officer": "accounts.Officer"}
_CANDIDATE = re.compile(r"\b[A-Z][A-Z0-9-]{2,31}\b")


def named_in(texts: Iterable) -> dict[str, list[str]]:
    """The references of records named in ``texts``, by record type."""
    tokens = {t for text in texts for t in _CANDIDATE.findall(str(text)) if any(c.isdigit() for c in t)}
    if not tokens:
        return {}
    found = None
    for record_type, label in NAMED.items():  # one query: the union over the record types
        qs = apps.get_model(label).objects.filter(ref__in=tokens).order_by().annotate(
            record_type=Value(record_type, output_field=CharField())).values_list("record_type", "ref")
        found = qs if found is None else found.union(qs, all=True)
    out: dict[str, list[str]] = {}
    for record_type, ref in sorted(found):
        out.setdefault(record_type, []).append(ref)
    return out


def log_shown(actor, refs: dict[str, Iterable[str]], *, justification: str, detail: str, texts: Iterable = (),
              names: bool = False) -> dict[str, str]:
    """Log one consultation per record type for the records a page shows: ``refs`` by record type, plus the
    records named in ``texts`` (reasons, evidence) shown with them. With ``names``, answer how the page names
    them, {reference: "Name"} (``web/names.names_of``: none for a record denied to the viewer), so a page shows
    "Mark Ellery (S000007)", not "S000007"; ``{{ text|plain:names }}`` does it in a sentence."""
    merged: dict[str, list[str]] = {t: list(r) for t, r in refs.items()}
    texts = list(texts)
    for record_type, named in named_in(texts).items():
        merged.setdefault(record_type, []).extend(named)
    for record_type, ids in merged.items():
        access_log.consulted(actor, record_type, ids, justification, detail)
    if not names:
        return {}
    from vigil.web.names import names_of

    return {ref: name for (_t, ref), name in names_of(merged, viewer=actor).items()}


def alert_refs(alerts) -> dict[str, list[str]]:
    """The records a list of alerts shows: each alert's entity (people, subjects, crimes, episodes)."""
    out: dict[str, list[str]] = {}
    for a in alerts:
        if a.entity_type in NAMED or a.entity_type == "officer":
            out.setdefault(a.entity_type, []).append(a.entity_id)
    return out


def alert_texts(alerts) -> list[str]:
    return [r for a in alerts for r in (a.reasons or [])]
