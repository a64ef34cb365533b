"""A person's work: every item from every source, most urgent first (critical first, then the earliest due)."""
from __future__ import annotations

from vigil.work.registry import WorkItem, sources


def work_for(officer) -> list[WorkItem]:
    return work_of([officer])


def work_of(officers) -> list[WorkItem]:
    """The work of several officers at once (a supervisor's team view): each source reads them all together, a
    handful of queries whatever the team's size; an item in a team's queue appears once."""
    officers = list(officers)
    if not officers:
        return []
    items = [item for source in sources().values() for item in source(officers)]
    return sorted(items, key=WorkItem.sort_key)
