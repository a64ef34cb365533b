"""A small declarative validator for interchange documents.

Each section describes its items with these field types; ``validate`` walks a value and reports every problem
as ``path: message`` (``visits[3].outcome: 'gone' is not one of …``), so an import can list them all at once.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Problems = list[str]

LARGEST = 2 ** 53  # beyond this a JSON number is not exact in every reader; no field of the format needs more


def _fmt(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


@dataclass
class Field:
    required: bool = False
    nullable: bool = True

    def check(self, value: Any, path: str, problems: Problems) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class Str(Field):
    max_length: int = 500
    pattern: str | None = None
    blank: bool = False

    def check(self, value, path, problems):
        if not isinstance(value, str):
            problems.append(f"{path}: expected text, got {_fmt(value)}")
        elif not self.blank and not value.strip():
            problems.append(f"{path}: must not be empty")
        elif len(value) > self.max_length:
            problems.append(f"{path}: longer than {self.max_length} characters")
        elif self.pattern and not re.fullmatch(self.pattern, value):
            problems.append(f"{path}: {_fmt(value)} is not in the expected form")


@dataclass
class Enum(Field):
    choices: Iterable[str] = ()

    def check(self, value, path, problems):
        choices = list(self.choices)
        if value not in choices:
            problems.append(f"{path}: {_fmt(value)} is not one of {', '.join(choices)}")


@dataclass
class Int(Field):
    min: int | None = None
    max: int | None = None

    def check(self, value, path, problems):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: expected a whole number, got {_fmt(value)}")
        elif abs(value) > LARGEST:
            problems.append(f"{path}: {_fmt(value)} is too large")
        elif (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            problems.append(f"{path}: {value} is outside {self.min}–{self.max}")


@dataclass
class Number(Field):
    def check(self, value, path, problems):
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{path}: expected a number, got {_fmt(value)}")
        elif not math.isfinite(value) or abs(value) > LARGEST:
            problems.append(f"{path}: {_fmt(value)} is not a finite number of sensible size")


@dataclass
class Bool(Field):
    def check(self, value, path, problems):
        if not isinstance(value, bool):
            problems.append(f"{path}: expected true or false, got {_fmt(value)}")


@dataclass
class Date(Field):
    not_after: Callable[[], dt.date] | None = None  # e.g. no date of birth in the future

    def check(self, value, path, problems):
        try:
            d = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            d = None
        if d is None:
            problems.append(f"{path}: {_fmt(value)} is not a date (YYYY-MM-DD)")
        elif self.not_after and d > self.not_after():
            problems.append(f"{path}: {value} is in the future")
        else:
            within_range(d, path, problems)


@dataclass
class DateTime(Field):
    def check(self, value, path, problems):
        when = parse_datetime(value)
        if when is None:
            problems.append(f"{path}: {_fmt(value)} is not a date and time (ISO 8601)")
        else:
            within_range(when.date(), path, problems)


@dataclass
class Time(Field):
    def check(self, value, path, problems):
        if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?", value):
            problems.append(f"{path}: {_fmt(value)} is not a time (HH:MM)")


@dataclass
class Ref(Field):
    """A reference to an id in another section (resolved within the document or the database)."""

    section: str = ""

    def check(self, value, path, problems):
        if not isinstance(value, str) or not value:
            problems.append(f"{path}: expected an id, got {_fmt(value)}")


@dataclass
class List(Field):
    of: Field | None = None

    def check(self, value, path, problems):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {_fmt(value)}")
            return
        for i, item in enumerate(value):
            check(self.of, item, f"{path}[{i}]", problems)


@dataclass
class Obj(Field):
    fields: dict[str, Field] = field(default_factory=dict)
    extra_ok: bool = True  # the format may grow: unknown keys are ignored, never fatal
    # At least one of these fields must hold something (not null, not blank text, not an empty list); else one
    # line for the object: ``people[3]: give at least one of given_names, surname, …``.
    at_least_one: tuple[str, ...] = ()

    def check(self, value, path, problems):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {_fmt(value)}")
            return
        if self.at_least_one and not any(_holds_something(value.get(name)) for name in self.at_least_one):
            names = list(self.at_least_one)
            listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
            problems.append(f"{path or 'the item'}: give at least one of {listed}")
        for name, spec in self.fields.items():
            sub = f"{path}.{name}" if path else name
            if name not in value:
                if spec.required:
                    problems.append(f"{sub}: is required")
                continue
            check(spec, value[name], sub, problems)


def _holds_something(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return value is not None


def check(spec: Field | None, value: Any, path: str, problems: Problems) -> None:
    if spec is None:
        return
    if value is None:
        if (spec.required and not spec.nullable) or not spec.nullable:
            problems.append(f"{path}: must not be null")
        return
    spec.check(value, path, problems)


def within_range(day: dt.date, path: str, problems: Problems) -> bool:
    """Whether ``day`` is within the dates Vigil answers for (``core.clock.in_range``, the one rule for web, API,
    command line and documents); if not, the problem is added. A date-time is checked by its own calendar date,
    so no offset can carry it out of range when it is converted to UTC."""
    from vigil.core import clock
    from vigil.core.errors import InputError

    try:
        clock.in_range(day, f"{path}:", record=True)
    except InputError as exc:
        problems.append(str(exc))
        return False
    return True


def parse_datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) < 16:
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def refs(spec: Obj, item: dict, path: str) -> Iterable[tuple[str, str, str]]:
    """Yield (section, id, path) for every Ref in an item (one level of lists and objects deep)."""
    for name, f in spec.fields.items():
        value = item.get(name) if isinstance(item, dict) else None
        sub = f"{path}.{name}"
        if value is None:
            continue
        if isinstance(f, Ref) and isinstance(value, str):
            yield f.section, value, sub
        elif isinstance(f, List) and isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(f.of, Ref) and isinstance(v, str):
                    yield f.of.section, v, f"{sub}[{i}]"
                elif isinstance(f.of, Obj) and isinstance(v, dict):
                    yield from refs(f.of, v, f"{sub}[{i}]")
        elif isinstance(f, Obj) and isinstance(value, dict):
            yield from refs(f, value, sub)
