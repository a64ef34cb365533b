"""Announced visits: the share per team and risk level over a rolling 12 months, flagged above the policy
maximum (10% high and very high, 25% medium, 50% low)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LEVELS = ("very_high", "high", "medium", "low")


@dataclass(frozen=True)
class Share:
    level: str
    announced: int
    total: int
    limit: float

    @property
    def share(self) -> float:
        return self.announced / self.total if self.total else 0.0

    def reason(self, window_days: int) -> str:
        return (f"{self.level.replace('_', ' ')} risk: {self.announced} of {self.total} visits announced "
                f"({self.share:.0%}) in the {window_days} days to the as-of date; policy allows {self.limit:.0%}")


def shares_above_policy(pol: Mapping, counts: Mapping[str, tuple[int, int]]) -> list[Share]:
    """``counts``: level → (announced, total). The levels whose announced share is above the limit."""
    out = []
    for level in LEVELS:
        announced, total = counts.get(level, (0, 0))
        limit = pol[f"visits.announced_share_max.{level}"]
        if total and announced / total > limit:
            out.append(Share(level, announced, total, limit))
    return out
