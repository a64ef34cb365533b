"""The daily sweep, run on its own, reads the facts no rule writes (subjects, assessments, visits, addresses) ahead,
in another process, while the missing-children rules run; what those rules write in the sweep's transaction (a
review trigger brought forward by a child found at the subject's address) is read in that transaction. Inside a
caller's transaction nothing is read ahead: the other process could not see the caller's writes."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from tests.missing.factories import child, episode
from tests.offenders.factories import assess, seed_case, subject, visit
from vigil.core import rows
from vigil.offenders import sweep as offender_sweep
from vigil.offenders.facts import SubjectFacts
from vigil.offenders.models import ReviewTrigger
from vigil.people.addresses import match_key
from vigil.people.models import Address
from vigil.sweep.engine import evaluate, run_sweep

TODAY = dt.date(2024, 8, 15)


@pytest.fixture
def readers(monkeypatch):
    """How the subjects' recorded facts were read: "ahead" (another process) or "in place" (this one)."""
    seen: list[str] = []
    real, ahead = SubjectFacts.recorded, offender_sweep.read_ahead

    def in_place(as_of, pol, subjects=None):
        seen.append("in place")
        return real(as_of, pol, subjects)

    def read_ahead(fn, *args):
        seen.append("ahead")
        return ahead(real, *args)  # the class's own method (the spy above cannot be sent to another process)

    monkeypatch.setattr(SubjectFacts, "recorded", in_place)  # this process only: the other reads as it is
    monkeypatch.setattr(offender_sweep, "read_ahead", read_ahead)
    return seen


def _world(org):
    seed_case(org)  # overdue visit, failed access: escalations the sweep opens
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    s2 = subject(org.teams["om"], ref="S2", manager=om, managed_from=dt.date(2020, 1, 1))
    assess(s2, "medium", dt.date(2024, 5, 1), assessor=om, approver=ds)
    visit(s2, dt.date(2024, 6, 1), "seen_at_home", officer=om)
    Address.objects.create(person=s2.person, line1="41 Kings Road", town="London", postcode="XW3 1AB", kind="home",
                           valid_from=dt.date(2020, 1, 1), match_key=match_key("41 Kings Road", "", "London",
                                                                               "XW3 1AB"))
    # Found at S2's home: the missing-children rules link the child and bring S2's review forward, in the sweep.
    episode(child(org.teams["mp"], "P20"), org.teams["mp"], ref="M1", reported="2024-07-01T22:10",
            returned="2024-07-02T08:00", found_at={"line1": "41 Kings Road", "town": "London", "postcode": "XW3 1AB"})


def _in_place():
    with transaction.atomic():
        found, _ = evaluate(TODAY)
        transaction.set_rollback(True)
    return set(found)


@pytest.mark.django_db(transaction=True)
def test_a_sweep_on_its_own_reads_ahead_and_finds_what_reading_in_place_finds(org, readers):
    _world(org)
    found, counts = run_sweep(TODAY)
    if rows.read_ahead_allowed():  # PostgreSQL, or SQLite in a file; the tests' SQLite in memory reads in place
        assert readers == ["ahead"], "the recorded facts were not read ahead"
    else:
        assert connection.vendor == "sqlite" and connection.is_in_memory_db()
        assert readers == ["in place"]
    # The trigger the missing-children rules wrote in the sweep's transaction was judged in the same sweep.
    assert ReviewTrigger.objects.filter(subject__ref="S2", trigger="missing_child_link").exists()
    codes = {(f.code, f.entity_id) for f in found}
    assert {("RISK_REVIEW_OVERDUE", "S2"), ("CHILD_LINKED_TO_OFFENDER", "S2"), ("VISIT_OVERDUE", "S1")} <= codes
    readers.clear()
    assert set(found) == _in_place() and readers == ["in place"]
    assert counts["opened"] == len(found)


@pytest.mark.django_db
def test_inside_a_callers_transaction_nothing_is_read_ahead(org, readers):
    _world(org)
    assert not rows.read_ahead_allowed()
    found, _ = run_sweep(TODAY)
    assert readers == ["in place"]
    assert ("RISK_REVIEW_OVERDUE", "S2") in {(f.code, f.entity_id) for f in found}


@pytest.mark.django_db(transaction=True)
def test_a_read_ahead_that_fails_fails_the_sweep_and_leaves_nothing(org, monkeypatch):
    from vigil.offenders.models import Escalation
    from vigil.sweep.models import Alert

    _world(org)
    if not rows.read_ahead_allowed():
        pytest.skip("nothing is read ahead on SQLite in memory (the test above checks that it reads in place)")

    def without_policy(fn, as_of, pol):  # the other process fails for real: no policy to read the visits by
        return rows.read_ahead(fn, as_of, {})

    monkeypatch.setattr(offender_sweep, "read_ahead", without_policy)
    with pytest.raises(KeyError, match=r"visits\.failed_outcomes"):
        run_sweep(TODAY)
    assert not Alert.objects.exists() and not Escalation.objects.exists()
    assert not ReviewTrigger.objects.exists()  # the missing-children rules had written one: rolled back
