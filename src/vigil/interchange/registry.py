"""Sections of the interchange document. Each module registers its own; nothing here names them.

A section knows its JSON key, its load order, the schema of one item, how to find ids already in the database,
any checks beyond the schema, how to load validated items, and how to export its records.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from vigil.interchange.schema import Obj

_sections: dict[str, Section] = {}


class Section:
    name: ClassVar[str]
    order: ClassVar[int]
    item: ClassVar[Obj]
    id_key: ClassVar[str | None] = "id"

    def existing_ids(self, ids: set[str]) -> set[str]:
        """Which of these ids are already in the database."""
        return set()

    def check(self, items: list[dict], ctx) -> None:
        """Checks beyond the schema; report with ``ctx.problem(path, message)``. Items are schema-valid."""

    def load(self, items: list[dict], ctx) -> None:
        """Write the items (inside the import's transaction). Items are valid."""
        raise NotImplementedError

    def touched(self, items: list[dict]) -> dict[str, set[str]]:
        """The records these items changed, by record type ("subject", "person", "crime"), re-judged at once
        after the import (docs/adr/0018)."""
        return {}

    def export(self, ctx) -> Iterator[dict[str, Any]]:
        """Yield this section's records in interchange form."""
        return iter(())


def register(section: Section) -> Section:
    if section.name in _sections and type(_sections[section.name]) is not type(section):
        raise RuntimeError(f"interchange section {section.name!r} registered twice")
    _sections[section.name] = section
    return section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: s.order)


def section(name: str) -> Section | None:
    return _sections.get(name)


