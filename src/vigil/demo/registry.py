"""Generators of synthetic data. Each module registers its own with ``@generator``; ``vigil generate`` runs
them in order with one seeded random source, so the same seed and as-of date give the same data.

Everything generated is fictional: names are drawn from frequency lists, postcodes use the non-existent
``XW``/``XE``/``XN``/``XS`` areas, and phone numbers use Ofcom's drama ranges (see docs/adr/0006).
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SCALES = ("small", "london", "national")


@dataclass
class GenerateContext:
    scale: str
    seed: int
    as_of: dt.date
    progress: Any = None  # rich Progress, or None
    shared: dict[str, Any] = field(default_factory=dict)  # what one generator leaves for the next
    _rngs: dict[str, random.Random] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """An independent, seeded random source per generator, so adding one never changes another's data."""
        if name not in self._rngs:
            self._rngs[name] = random.Random(f"{self.seed}:{name}")
        return self._rngs[name]

    def size(self, small: int, london: int, national: int) -> int:
        return {"small": small, "london": london, "national": national}[self.scale]

    def task(self, description: str, total: int) -> Task:
        """A progress task: call it to advance, ``.finish()`` when done (the bar then shows the true count)."""
        return Task(self.progress, description, total)


class Task:
    def __init__(self, progress, description: str, total: int):
        self.progress, self.count = progress, 0
        self.tid = progress.add_task(description, total=total) if progress is not None else None

    def __call__(self, n: int = 1) -> None:
        self.count += n
        if self.tid is not None:
            self.progress.advance(self.tid, n)

    def finish(self) -> None:
        if self.tid is not None:
            self.progress.update(self.tid, total=self.count, completed=self.count)


@dataclass(frozen=True)
class Generator:
    name: str
    order: int
    fn: Callable[[GenerateContext], None]


_generators: dict[str, Generator] = {}


def generator(name: str, *, order: int):
    def register(fn):
        _generators[name] = Generator(name, order, fn)
        return fn
    return register


def generators() -> list[Generator]:
    return sorted(_generators.values(), key=lambda g: (g.order, g.name))
