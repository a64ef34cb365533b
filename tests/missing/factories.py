"""Builders for missing-children tests: episodes, returns and screenings as real rows."""
from __future__ import annotations

import datetime as dt

from tests import factories
from vigil.missing.deadlines import FORCE_TZ
from vigil.missing.models import MissingEpisode, Screening
from vigil.people.addresses import match_key

_n = {"episode": 0}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=FORCE_TZ)


def child(team, ref: str | None = None, **kw):
    kw.setdefault("dob", dt.date(2009, 5, 1))
    kw.setdefault("given", "Kayla")
    kw.setdefault("surname", "Brook")
    kw.setdefault("sex", "female")
    return factories.person(ref, team=team, **kw)


def episode(child, team, *, ref: str | None = None, reported: str = "2024-06-01T22:10", returned: str | None = None,
            found_at: dict | None = None, found_with=(), grade: str = "", coordinator=None, **fields) -> MissingEpisode:
    _n["episode"] += 1
    found = {}
    if found_at:
        found = {"found_line1": found_at["line1"], "found_town": found_at.get("town", ""),
                 "found_postcode": found_at.get("postcode", ""),
                 "found_key": match_key(found_at["line1"], "", found_at.get("town", ""), found_at.get("postcode", ""))}
    ep = MissingEpisode.objects.create(
        ref=ref or f"M-T{_n['episode']:04d}", child=child, team=team, reported_at=at(reported),
        returned_at=at(returned) if returned else None, risk_grade=grade, graded_at=at(reported) if grade else None,
        coordinator=coordinator, **found, **fields)
    if found_with:
        ep.found_with.set(found_with)
    return ep


def screening(ep, stage: str, when: str, *indicators: str, referral: str | None = None) -> Screening:
    return Screening.objects.create(episode=ep, stage=stage, at=at(when), indicators=list(indicators),
                                    referral_at=at(referral) if referral else None,
                                    referral_to="Exploitation hub" if referral else "")
