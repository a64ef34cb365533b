from __future__ import annotations

from dataclasses import dataclass, field


class CodingError(ValueError):
    """An item coding the calculator cannot score (one line naming the item)."""


@dataclass(frozen=True)
class Scored:
    tool: str
    score: float
    band: str
    lines: tuple[str, ...]              # how each item scored, for the assessor to check
    extra: dict = field(default_factory=dict)  # e.g. OSP/C probabilities


def whole(items: dict, name: str, *, minimum: int = 0) -> int:
    value = items.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CodingError(f"{name}: expected a whole number of at least {minimum}, got {value!r}")
    return value


def yes_no(items: dict, name: str) -> bool:
    value = items.get(name)
    if not isinstance(value, bool):
        raise CodingError(f"{name}: expected yes or no, got {value!r}")
    return value


def years(items: dict, name: str, *, minimum: float) -> float:
    value = items.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum or value > 120:
        raise CodingError(f"{name}: expected an age in years of at least {minimum:g}, got {value!r}")
    return float(value)
