"""Plain English for the codes Vigil keeps: the one place a page asks what a code means (issue 12).

The API and the JSON keep the codes (``no_reply``, ``VISIT_OVERDUE``, ``online_csa``) and ISO dates; a page shows
``{{ value|plain }}``: a code becomes its label, and in a sentence (an alert's reasons, a history entry) every
code and ISO date becomes what a person reads ("no reply 28 Oct 2019"). The words come from:

- the one catalogue of alert codes (``sweep/catalogue.py``);
- every model field's choices (``Outcome.NO_REPLY = "no_reply", "No reply"``);
- the vocabularies below that are not a model's choices (crime flags, §4 categories, solvability factors).

A code with no label is shown as it is, so the page crawl (tests/web/test_every_page.py) finds it.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from importlib import import_module

# Vocabularies kept outside models: "module:mapping" (code → label).
VOCABULARIES = (
    "vigil.investigations.flags:FLAG_LABELS",
    "vigil.investigations.flags:SOLVABILITY_FACTORS",
    "vigil.investigations.rules:PRIORITY_LABELS",
    "vigil.crimes.categories:CATEGORY_LABELS",
)

_TOKEN = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?\b"
                    r"|\b([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b"
                    r"|(?<![\w-])([A-Z][A-Z0-9-]*\d[A-Z0-9-]*)(?![\w-])")  # a record's reference


@functools.cache
def _labels() -> dict[str, str]:
    from django.apps import apps

    from vigil.sweep import catalogue

    out: dict[str, str] = {}
    for path in VOCABULARIES:
        module, name = path.split(":")
        out.update(getattr(import_module(module), name))
    for model in apps.get_models():
        for f in model._meta.get_fields():
            for value, label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and isinstance(label, str) and value != label:
                    out.setdefault(value, label)
    out.update({code: entry.label for code, entry in catalogue.CATALOGUE.items()})
    return out


def label(code: str) -> str:
    """The plain-English label of one code, or the code as it is when it has none."""
    return _labels().get(code, code)


def _mid_sentence(words: str) -> str:
    """'No reply' in the middle of a sentence is 'no reply'; 'PNC ID' stays as it is."""
    first = words.split(" ", 1)[0]
    return words if first[1:2].isupper() else words[:1].lower() + words[1:]


def _day_or_moment(day: str, time: str | None, zone: str | None) -> str:
    from vigil.core.clock import day_said, moment_said

    try:
        if time is None:
            return day_said(dt.date.fromisoformat(day))
        moment = dt.datetime.fromisoformat(f"{day}T{time}{(zone or '').replace('Z', '+00:00')}")
        if moment.tzinfo is None:  # a time written without a zone is the force's own (local) time
            from django.utils import timezone

            moment = timezone.make_aware(moment)
        return moment_said(moment)
    except ValueError:
        return day if time is None else f"{day} {time}"


def plain(value, put=str, names: dict[str, str] | None = None) -> str:
    """A code as its label; a sentence with each code and ISO date in it as a person reads it, and each record
    reference in ``names`` with the name beside it ("Mark Ellery (S000007)"). ``put`` is applied to each word put
    in (a page that has escaped the sentence escapes them too)."""
    text = "" if value is None else str(value)
    labels = _labels()
    if text in labels:
        return put(labels[text])

    def swap(m: re.Match) -> str:
        if m.group(1):
            return put(_day_or_moment(m.group(1), m.group(2), m.group(3)))
        if m.group(5):
            ref = m.group(5)
            return put(f"{names[ref]} ({ref})") if names and names.get(ref) else ref
        code = m.group(4)
        if code not in labels:
            return code
        return put(labels[code] if m.start() == 0 else _mid_sentence(labels[code]))

    return _TOKEN.sub(swap, text)
