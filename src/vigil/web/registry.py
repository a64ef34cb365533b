"""The web shell's extension points: navigation entries and "my work" panels, registered by each module."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str
    order: int = 100
    count: Callable | None = None  # count(request) -> int, shown beside the label (e.g. open work items)


@dataclass(frozen=True)
class WorkPanel:
    """A box on the home page. ``fn(request, as_of)`` returns a context dict, or None to show nothing."""

    name: str
    template: str
    fn: Callable
    perm: str
    order: int = 100


_nav: list[NavItem] = []
_panels: list[WorkPanel] = []


def nav(label: str, url_name: str, *, perm: str, order: int = 100, count: Callable | None = None) -> None:
    if not any(n.url_name == url_name for n in _nav):
        _nav.append(NavItem(label, url_name, perm, order, count))


def panel(name: str, *, template: str, perm: str, order: int = 100):
    def register(fn):
        if not any(p.name == name for p in _panels):
            _panels.append(WorkPanel(name, template, fn, perm, order))
        return fn
    return register


def nav_items(user) -> list[NavItem]:
    return sorted((n for n in _nav if user.has_perm(n.perm)), key=lambda n: n.order)


def panels(user) -> list[WorkPanel]:
    return sorted((p for p in _panels if user.has_perm(p.perm)), key=lambda p: p.order)


# Sections of the person page contributed by modules: fn(request, person) -> {"title", "template", ...} | None.
_person_sections: list[Callable] = []


def person_section(fn: Callable) -> Callable:
    if fn not in _person_sections:
        _person_sections.append(fn)
    return fn


def person_sections() -> list[Callable]:
    return list(_person_sections)
