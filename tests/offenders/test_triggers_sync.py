"""``sync_triggers`` brings a source's review triggers into line with the evidence: records what is new, moves a
trigger whose event date was corrected, withdraws one whose evidence has gone; each change in the access log.
A daily sweep names thousands of sources, read by the trigger's rows rather than an IN list: the same answer."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.offenders.factories import subject
from vigil.core.models import AccessLogEntry
from vigil.offenders.models import ReviewTrigger
from vigil.offenders.triggers import sync_triggers

pytestmark = pytest.mark.django_db
KIND = "missing_child_link"


@pytest.mark.parametrize("others", [0, 1000], ids=["a few sources", "a sweep's thousands"])
def test_triggers_are_recorded_moved_and_withdrawn(org, others):
    s1, s2 = (subject(org.teams["om"], ref=ref) for ref in ("S1", "S2"))
    unrelated = ReviewTrigger.objects.create(subject=s1, trigger=KIND, on=dt.date(2024, 1, 1), reason="other",
                                             source="missing:M-OTHER", recorded_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    extra = {f"missing:M-X{i}" for i in range(others)}  # named, nothing wanted: nothing to withdraw for them
    counts = sync_triggers(trigger=KIND, actor="system:test", sources=extra, wanted={
        (s1.pk, "missing:M1"): (dt.date(2024, 6, 3), "found at S1's address"),
        (s2.pk, "missing:M2"): (dt.date(2024, 6, 4), "found with S2")})
    assert counts == {"recorded": 2, "moved": 0, "withdrawn": 0}
    counts = sync_triggers(trigger=KIND, actor="system:test", sources=extra | {"missing:M2"}, wanted={
        (s1.pk, "missing:M1"): (dt.date(2024, 6, 2), "found at S1's address (return date corrected)")})
    assert counts == {"recorded": 0, "moved": 1, "withdrawn": 1}
    left = {(t.subject.ref, t.source, t.on) for t in ReviewTrigger.objects.filter(trigger=KIND)}
    assert left == {("S1", "missing:M1", dt.date(2024, 6, 2)), ("S1", "missing:M-OTHER", dt.date(2024, 1, 1))}
    assert ReviewTrigger.objects.get(pk=unrelated.pk).reason == "other"  # a source not named is left alone
    details = list(AccessLogEntry.objects.filter(actor="system:test").values_list("detail", flat=True))
    assert any("moved to the day it happened" in d for d in details)
    assert any("withdrawn: its evidence no longer holds" in d and "missing:M2" in d for d in details)
    assert sync_triggers(trigger=KIND, actor="system:test", sources=extra, wanted={
        (s1.pk, "missing:M1"): (dt.date(2024, 6, 2), "same")}) == {"recorded": 0, "moved": 0, "withdrawn": 0}
