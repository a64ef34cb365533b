"""A date of birth as records hold it: exact, a year, a range, or not known.

A person's record keeps an exact date in ``date_of_birth``; an approximate one as the earliest and latest days it
could be (``born_earliest``, ``born_latest``): a year is 1 January to 31 December, a range of years runs from the
first day of the first to the last day of the last. The interchange writes them as ISO 8601: ``"1971-02-03"``,
``"1990"``, or an interval ``"1988/1992"`` (docs/interchange.md). ADR 0307 gives the reasons.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_YEAR = re.compile(r"\d{4}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Birth:
    """What is known of a date of birth: ``exact``, or the days ``earliest``–``latest`` it lies between."""

    exact: dt.date | None = None
    earliest: dt.date | None = None
    latest: dt.date | None = None

    @property
    def known(self) -> bool:
        return self.exact is not None or self.earliest is not None

    @property
    def bounds(self) -> tuple[dt.date, dt.date] | None:
        """The earliest and latest possible days (the same day twice for an exact date), or None."""
        if self.exact is not None:
            return self.exact, self.exact
        if self.earliest is not None and self.latest is not None:
            return self.earliest, self.latest
        return None

    def text(self) -> str | None:
        """The interchange form: ``1971-02-03``, ``1990``, ``1988/1992``, ``1990-03-01/1990-06-30``; None."""
        if self.exact is not None:
            return self.exact.isoformat()
        if self.earliest is None or self.latest is None:
            return None
        whole_years = (self.earliest.month, self.earliest.day, self.latest.month, self.latest.day) == (1, 1, 12, 31)
        if whole_years and self.earliest.year == self.latest.year:
            return f"{self.earliest.year:04d}"
        if whole_years:
            return f"{self.earliest.year:04d}/{self.latest.year:04d}"
        return f"{self.earliest.isoformat()}/{self.latest.isoformat()}"

    def describe(self) -> str:
        """Plain English for a date-of-birth column: '3 February 1971', 'about 1990', '1988–1992',
        'between 1 March 1990 and 30 June 1990', 'not known'."""
        if self.exact is not None:
            return f"{self.exact.day} {self.exact:%B %Y}"
        text = self.text()
        if text is None:
            return "not known"
        if len(text) == 4:
            return f"about {text}"
        if len(text) == 9:
            return f"{text[:4]}–{text[5:]}"
        return f"between {self.earliest.day} {self.earliest:%B %Y} and {self.latest.day} {self.latest:%B %Y}"

    def sentence(self) -> str:
        """'born 3 February 1971', 'born about 1990', 'born 1988–1992', 'date of birth not known'."""
        return f"born {self.describe()}" if self.known else "date of birth not known"


def _end(part: str, *, first: bool) -> dt.date | None:
    if _YEAR.fullmatch(part):
        return dt.date(int(part), 1, 1) if first else dt.date(int(part), 12, 31)
    if _DAY.fullmatch(part):
        try:
            return dt.date.fromisoformat(part)
        except ValueError:
            return None
    return None


def parse(text: str) -> Birth | str:
    """Interchange text → a Birth; or the reason it is not one (a short phrase, for ``path: reason``)."""
    expected = "is not a date of birth (YYYY-MM-DD, a year YYYY, or a range YYYY/YYYY)"
    if not isinstance(text, str):
        return expected
    if "/" in text:
        left, _, right = text.partition("/")
        earliest, latest = _end(left, first=True), _end(right, first=False)
        if earliest is None or latest is None:
            return expected
        if latest < earliest:
            return "the range ends before it starts"
        return Birth(earliest=earliest, latest=latest)
    if _YEAR.fullmatch(text):
        return Birth(earliest=dt.date(int(text), 1, 1), latest=dt.date(int(text), 12, 31))
    day = _end(text, first=True) if _DAY.fullmatch(text) else None
    return Birth(exact=day) if day is not None else expected


def of(person) -> Birth:
    """The Birth of a Person (or of a dict with the same keys)."""
    get = person.get if isinstance(person, dict) else lambda k: getattr(person, k, None)
    return Birth(exact=get("date_of_birth"), earliest=get("born_earliest"), latest=get("born_latest"))
