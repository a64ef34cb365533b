"""The synthetic crimes: the Met's offence mix, flags where the offence implies them, a queue for the allocation
manager, and the inspection's findings for the dashboards to show. Small scale, one seed."""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from vigil.core.policy import defaults
from vigil.investigations import synthetic
from vigil.investigations.models import Allocation, Crime, current_on
from vigil.investigations.rules import CrimeRules
from vigil.investigations.selectors import officer_facts, unallocated

AS_OF = dt.date(2024, 8, 15)


def test_the_synthetic_mix_follows_the_mets_counts():
    rng = random.Random(1)
    drawn = Counter(code for code, _ in synthetic.crimes(rng, 50_000))
    codes, counts = synthetic.met_mix()
    total = sum(counts)
    for code in ("49", "8N", "46", "28E"):  # the Met's most common offences
        expected = counts[codes.index(code)] / total
        assert abs(drawn[code] / 50_000 - expected) < 0.01, code
    assert "AF" not in drawn  # Action Fraud is not the Met's


def test_flags_an_offence_implies_are_always_set():
    rng = random.Random(2)
    for code in ("20B", "88A", "11A"):
        assert "child_victim" in synthetic.flags_for(rng, code)
    assert "hate" in synthetic.flags_for(rng, "105B")
    assert "weapon" in synthetic.flags_for(rng, "10D")


@pytest.mark.django_db
def test_a_year_of_crimes_allocated_with_a_queue_the_inspections_findings_and_restrictions():
    from django.contrib.auth import get_user_model

    from vigil.accounts.models import Officer
    from vigil.demo.services import generate
    from vigil.standards.restrictions import active_restrictions

    generate(scale="small", seed=7, as_of=AS_OF)
    crimes = Crime.objects.count()
    assert 365 * 10 < crimes < 365 * 14 + 200  # about a dozen a day at small scale
    queue = unallocated(AS_OF)
    assert queue.filter(reported=AS_OF).exists()
    User = get_user_model()
    assert queue.restrict(User.objects.get(username="alloc")).exists()  # the allocation manager has a queue
    investigator = User.objects.get(username="investigator").officer
    assert Allocation.objects.filter(current_on(AS_OF), officer=investigator).exists()
    facts = officer_facts(AS_OF, CrimeRules(defaults()))
    assert any(o.open_crimes > 25 and o.student_officer for o in facts)  # the inspection's overloaded recruits
    assert max(o.open_crimes for o in facts if not o.student_officer) <= 25
    officers = Officer.objects.exclude(rank="staff").count()
    restricted = active_restrictions(AS_OF)
    assert 1 <= len(restricted) <= max(2, round(officers * 0.06))  # about 3% (1,071 of 34,000)
    assert investigator.pk not in restricted
