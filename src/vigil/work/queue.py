"""A person's work: every item from every source, most urgent first (critical first, then the earliest due)."""
from __future__ import annotations

from vigil.work.registry import WorkItem, sources


def work_for(officer) -> list[WorkItem]:
    items = [item for source in sources().values() for item in source(officer)]
    return sorted(items, key=WorkItem.sort_key)
