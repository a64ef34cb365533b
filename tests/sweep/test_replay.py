"""Replay: any history of arrivals, corrections and sweeps that ends with the same facts gives the same alerts for a
date (code, record, severity, since) as loading every fact at once and sweeping that date once. The escalation
deadline alerts are workflow that really happened in Vigil and are left out (docs/adr/0015-event-time.md).

Hypothesis draws the facts (visits, approved assessments, a missing child found at the subject's address, a
custody period), the order they arrive in, corrections on the way (a visit first entered with the wrong outcome, a
visit entered by mistake and deleted), the dates of the sweeps run between arrivals, and the date asked about.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.missing.factories import at, child, episode
from tests.offenders.factories import assess, paused, visit
from tests.offenders.factories import subject as make_subject
from vigil.missing.models import MissingEpisode
from vigil.offenders.models import Visit
from vigil.people.addresses import match_key
from vigil.people.models import Address
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db

START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
WORKFLOW = {"ESCALATION_DECISION_OVERDUE"}
OUTCOMES = ["seen_at_home", "no_reply", "refused_entry", "not_at_address", "seen_elsewhere"]
LEVELS = ["low", "medium", "high", "very_high"]


def days(lo: dt.date = START, hi: dt.date = END):
    return st.integers(0, (hi - lo).days).map(lambda n: lo + dt.timedelta(days=n))


@dataclass(frozen=True)
class Fact:
    kind: str            # visit | assessment | found (at the subject's address) | found_elsewhere | custody
    on: dt.date
    value: str = ""
    until: dt.date | None = None


facts_strategy = st.lists(st.one_of(
    st.builds(Fact, st.just("visit"), days(), st.sampled_from(OUTCOMES)),
    st.builds(Fact, st.just("assessment"), days(), st.sampled_from(LEVELS)),
    st.builds(Fact, st.just("found"), days()),
    st.builds(Fact, st.just("found_elsewhere"), days()),
    st.builds(lambda on, n: Fact("custody", on, until=on + dt.timedelta(days=n)), days(), st.integers(1, 120)),
), min_size=1, max_size=8, unique_by=lambda f: (f.kind, f.on))


@dataclass(frozen=True)
class Step:
    what: str            # arrive | sweep | mistake (a visit entered and later deleted) | misentered (a visit's
                         # wrong outcome, a return's wrong date or a return at the subject's address by mistake)
    index: int = -1
    on: dt.date | None = None


@st.composite
def histories(draw):
    facts = draw(facts_strategy)
    order = draw(st.permutations(range(len(facts))))
    steps: list[Step] = []
    for i in order:
        if draw(st.booleans()):
            steps.append(Step("sweep", on=draw(days(START, END + dt.timedelta(days=60)))))
        if facts[i].kind in ("visit", "found", "found_elsewhere") and draw(st.integers(0, 2)) == 0:
            steps.append(Step("misentered", i))
        else:
            steps.append(Step("arrive", i))
        if draw(st.integers(0, 4)) == 0:
            steps.append(Step("mistake", on=draw(days())))
    return facts, steps, draw(days(dt.date(2023, 6, 1), END + dt.timedelta(days=60)))


class Rollback(Exception):
    def __init__(self, value):
        self.value = value


def in_rollback(fn):
    try:
        with transaction.atomic():
            raise Rollback(fn())
    except Rollback as r:
        return r.value


@pytest.fixture
def world(org):
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    subj = make_subject(org.teams["om"], ref="S1", manager=om, managed_from=dt.date(2022, 6, 1))
    Address.objects.create(person=subj.person, line1="41 Kings Road", town="London", postcode="XW3 1AB",
                           kind="notified", valid_from=dt.date(2022, 6, 1),
                           match_key=match_key("41 Kings Road", "", "London", "XW3 1AB"))
    kid = child(org.teams["mp"], "P20")
    return {"subject": subj, "om": om, "ds": ds, "child": kid, "mp": org.teams["mp"]}


SUBJECTS_ADDRESS = {"line1": "41 Kings Rd", "postcode": "xw31ab"}
ELSEWHERE = {"line1": "9 Canal Street", "postcode": "XE1 2CD"}


def _arrive(w, fact: Fact, n: int, outcome: str | None = None, found_at: dict | None = None,
            on: dt.date | None = None) -> None:
    s = w["subject"]
    if fact.kind == "visit":
        visit(s, fact.on, outcome or fact.value, officer=w["om"])
    elif fact.kind == "assessment":
        assess(s, fact.value, fact.on, assessor=w["om"], approver=w["ds"])
    elif fact.kind in ("found", "found_elsewhere"):
        on = on or fact.on
        episode(w["child"], w["mp"], ref=f"M{n}", reported=f"{on - dt.timedelta(days=1)}T22:00",
                returned=f"{on}T08:00",
                found_at=found_at or (SUBJECTS_ADDRESS if fact.kind == "found" else ELSEWHERE))
    else:
        paused(s, "custody", fact.on, fact.until)


def _misentered(w, fact: Fact, n: int) -> None:
    """Entered wrongly, swept over, then corrected to the fact."""
    if fact.kind == "visit":
        _arrive(w, fact, n, outcome=next(o for o in OUTCOMES if o != fact.value))
        run_sweep(fact.on)
        Visit.objects.filter(subject=w["subject"], date=fact.on).update(outcome=fact.value)
        return
    wrong_day = fact.on - dt.timedelta(days=9)
    if fact.kind == "found":   # the return first dated 9 days early
        _arrive(w, fact, n, on=wrong_day)
        run_sweep(fact.on)
    else:                      # found elsewhere, first recorded at the subject's address
        _arrive(w, fact, n, found_at=SUBJECTS_ADDRESS)
        run_sweep(fact.on + dt.timedelta(days=30))
    correct = {"line1": ELSEWHERE["line1"] if fact.kind == "found_elsewhere" else SUBJECTS_ADDRESS["line1"],
               "postcode": ELSEWHERE["postcode"] if fact.kind == "found_elsewhere" else SUBJECTS_ADDRESS["postcode"]}
    MissingEpisode.objects.filter(ref=f"M{n}").update(
        reported_at=at(f"{fact.on - dt.timedelta(days=1)}T22:00"), returned_at=at(f"{fact.on}T08:00"),
        found_line1=correct["line1"], found_postcode=correct["postcode"],
        found_key=match_key(correct["line1"], "", "", correct["postcode"]))


def _alerts(on: dt.date) -> set[tuple]:
    run_sweep(on)
    return {(a.code, a.entity_type, a.entity_id, a.severity, a.since)
            for a in Alert.objects.filter(status="open") if a.code not in WORKFLOW}


def _all_at_once(w, facts, on):
    for n, fact in enumerate(facts):
        _arrive(w, fact, n)
    return _alerts(on)


def _history(w, facts, steps, on):
    for step in steps:
        if step.what == "sweep":
            run_sweep(step.on)
        elif step.what == "arrive":
            _arrive(w, facts[step.index], step.index)
        elif step.what == "misentered":
            _misentered(w, facts[step.index], step.index)
        else:  # a visit entered by mistake, swept over, then deleted
            v = visit(w["subject"], step.on, "no_reply", officer=w["om"], time=dt.time(3, 3))
            run_sweep(step.on)
            v.delete()
    return _alerts(on)


tried = {"histories": 0, "sweeps": 0, "alerts": 0}


@settings(max_examples=40, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking:
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # the message says all
@given(history=histories())
def test_any_history_that_ends_with_the_same_facts_gives_the_same_alerts_for_a_date(world, history):
    facts, steps, on = history
    expected = in_rollback(lambda: _all_at_once(world, facts, on))
    got = in_rollback(lambda: _history(world, facts, steps, on))
    tried["histories"] += 1
    tried["sweeps"] += 1 + sum(s.what != "arrive" for s in steps)
    tried["alerts"] += len(expected)
    assert got == expected, (f"facts {facts}\nsteps {steps}\nasked about {on}\n"
                             f"only in the history: {sorted(got - expected)}\n"
                             f"only all at once: {sorted(expected - got)}")


def test_a_child_found_on_2_june_brings_the_review_forward_from_2_june_however_late_vigil_learns_it(world):
    """The issue's example: the review is due 14 days after the child was found, whether the sweep ran daily
    or the return was only imported a month later."""
    s = world["subject"]
    assess(s, "medium", dt.date(2024, 3, 1), assessor=world["om"], approver=world["ds"])
    visit(s, dt.date(2024, 5, 20), officer=world["om"])
    found = Fact("found", dt.date(2024, 6, 2))

    def daily():
        _arrive(world, found, 1)
        for d in range(0, 40):
            run_sweep(dt.date(2024, 6, 1) + dt.timedelta(days=d))
        return _alerts(dt.date(2024, 7, 10))

    def a_month_late():
        run_sweep(dt.date(2024, 6, 1))
        run_sweep(dt.date(2024, 7, 1))  # nothing known yet
        _arrive(world, found, 1)        # imported on 2 July
        return _alerts(dt.date(2024, 7, 10))

    first, second = in_rollback(daily), in_rollback(a_month_late)
    assert first == second
    review = [a for a in first if a[0] == "RISK_REVIEW_OVERDUE"]
    assert review == [("RISK_REVIEW_OVERDUE", "subject", "S1", "medium", dt.date(2024, 6, 17))]
