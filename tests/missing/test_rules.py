"""The §3 rules, without the database, at every boundary: the moment before a deadline, the deadline, after."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.policy import defaults
from vigil.missing import rules
from vigil.missing.deadlines import FORCE_TZ, add_working_days, end_of_day, is_overdue
from vigil.missing.rules import EpisodeFact, ScreeningFact, SubjectAddress, SubjectPerson

POL = defaults()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=FORCE_TZ)


def ep(ref="M1", child="P1", reported="2024-06-01T22:10", **kw) -> EpisodeFact:
    for k in ("returned_at", "last_seen_at", "prevention_interview_at", "return_interview_at", "graded_at"):
        if isinstance(kw.get(k), str):
            kw[k] = at(kw[k])
    return EpisodeFact(ref=ref, child=child, reported_at=at(reported), **kw)


def screened(stage: str, when: str, *indicators: str, referral: str | None = None) -> ScreeningFact:
    return ScreeningFact(stage, at(when), tuple(indicators), at(referral) if referral else None)


D = dt.date.fromisoformat

# --- the as-of date is judged at the end of the day -------------------------------------------------------------


def test_end_of_day_is_local_midnight_across_the_clock_change():
    assert end_of_day(D("2024-06-01")) == at("2024-06-02T00:00")
    # BST began that morning: local midnight is 23:00 UTC, and the instant is given in UTC (compared fast)
    assert end_of_day(D("2024-03-31")) == dt.datetime(2024, 3, 31, 23, 0, tzinfo=dt.UTC)
    assert end_of_day(D("2024-03-31")).tzinfo is dt.UTC
    assert end_of_day(D("2024-10-27")) - end_of_day(D("2024-10-26")) == dt.timedelta(hours=25)  # BST ended
    assert end_of_day(D("2024-10-26")) - end_of_day(D("2024-10-25")) == dt.timedelta(hours=24)


def test_a_deadline_during_the_as_of_day_is_already_past():
    deadline = at("2024-06-02T22:10")
    assert not is_overdue(deadline, None, D("2024-06-01"))
    assert is_overdue(deadline, None, D("2024-06-02"))       # due at 22:10 that day: past by its end
    assert is_overdue(deadline, None, D("2024-06-03"))
    assert not is_overdue(deadline, at("2024-06-02T23:59"), D("2024-06-02"))  # done late that day: resolved
    assert is_overdue(deadline, at("2024-06-03T09:00"), D("2024-06-02"))      # done after the as-of day: unknown
    assert not is_overdue(at("2024-06-03T00:00"), None, D("2024-06-02"))      # due exactly at midnight: next day


# --- MISSING_NOT_SCREENED ---------------------------------------------------------------------------------------

def test_report_screening_due_within_24_hours():
    e = ep()  # reported 2024-06-01 22:10: screening due by 2024-06-02 22:10
    assert rules.not_screened(e, D("2024-06-01"), POL) is None
    f = rules.not_screened(e, D("2024-06-02"), POL)
    assert f.code == "MISSING_NOT_SCREENED" and f.entity_type == "episode" and f.entity_id == "M1"
    assert f.since == D("2024-06-02") and f.severity == "high"
    assert "no exploitation screening at report was recorded by 2024-06-02 22:10" in f.reasons[0]


def test_a_screening_in_time_or_late_clears_it_and_one_not_yet_recorded_does_not():
    on_time = ep(screenings=(screened("report", "2024-06-02T09:00"),))
    late = ep(screenings=(screened("report", "2024-06-03T10:00"),))
    assert rules.not_screened(on_time, D("2024-06-05"), POL) is None
    assert rules.not_screened(late, D("2024-06-02"), POL) is not None   # not known on the 2nd
    assert rules.not_screened(late, D("2024-06-03"), POL) is None       # done (late) by the end of the 3rd


def test_a_second_screening_is_needed_at_return():
    e = ep(returned_at="2024-06-03T08:00", screenings=(screened("report", "2024-06-01T23:00"),))
    assert rules.not_screened(e, D("2024-06-03"), POL) is None     # due by 2024-06-04 08:00
    f = rules.not_screened(e, D("2024-06-04"), POL)
    assert f and len(f.reasons) == 1 and "at return" in f.reasons[0] and f.since == D("2024-06-04")
    back = ep(returned_at="2024-06-03T08:00", screenings=(screened("report", "2024-06-01T23:00"),
                                                          screened("return", "2024-06-03T12:00", "older_associates")))
    assert rules.not_screened(back, D("2024-06-30"), POL) is None


def test_both_screenings_are_needed_even_when_the_child_comes_back_quickly():
    e = ep(returned_at="2024-06-01T23:30", screenings=(screened("return", "2024-06-02T10:00"),))
    f = rules.not_screened(e, D("2024-06-02"), POL)
    assert f and "at report" in f.reasons[0]


def test_episodes_reported_after_the_as_of_day_are_ignored():
    assert rules.not_screened(ep(reported="2024-06-10T10:00"), D("2024-06-09"), POL) is None


# --- RETURN_INTERVIEW_OVERDUE -----------------------------------------------------------------------------------

def test_return_home_interview_due_within_72_hours():
    e = ep(returned_at="2024-06-03T08:00")  # due by 2024-06-06 08:00
    assert rules.return_interview_overdue(e, D("2024-06-05"), POL) is None
    f = rules.return_interview_overdue(e, D("2024-06-06"), POL)
    assert f.code == "RETURN_INTERVIEW_OVERDUE" and f.since == D("2024-06-06")
    assert "by 2024-06-06 08:00 (due within 72 hours)" in f.reasons[0]
    offered = ep(returned_at="2024-06-03T08:00", return_interview_at="2024-06-06T07:59")
    assert rules.return_interview_overdue(offered, D("2024-06-30"), POL) is None
    assert rules.return_interview_overdue(ep(), D("2024-06-30"), POL) is None  # still missing: nothing due


def test_policy_changes_the_deadline():
    pol = POL.with_overrides(missing__return_interview_hours=24)
    assert rules.return_interview_overdue(ep(returned_at="2024-06-03T08:00"), D("2024-06-04"), pol) is not None


# --- timers -----------------------------------------------------------------------------------------------------

def test_timers_show_what_an_open_episode_needs():
    e = ep(grade="high", graded_at="2024-06-01T22:30")
    ts = {t.what: t for t in rules.timers(e, at("2024-06-01T23:00"), POL)}
    assert ts["re-grade"].deadline == at("2024-06-01T23:30")
    assert ts["re-grade"].state(at("2024-06-01T23:29")) == "due"
    assert ts["re-grade"].state(at("2024-06-01T23:31")) == "overdue"
    assert ts["screening at report"].deadline == at("2024-06-02T22:10")
    assert "return home interview" not in ts


@pytest.mark.parametrize(("grade", "hours"), [("high", 1), ("medium", 6), ("low", 24), ("very_low", 72)])
def test_regrade_intervals(grade, hours):
    assert rules.regrade_due(grade, at("2024-06-01T10:00"), POL) == at("2024-06-01T10:00") + dt.timedelta(
        hours=hours)


def test_an_ungraded_episode_must_be_graded_now_and_a_referral_is_timed():
    e = ep(returned_at="2024-06-02T08:00",
           screenings=(screened("return", "2024-06-02T09:00", "drug_debt"),))
    ts = {t.what.split(" (")[0]: t for t in rules.timers(e, at("2024-06-03T10:00"), POL)}
    assert "grade" not in ts  # returned: no grading any more
    assert ts["referral"].deadline == at("2024-06-03T09:00") and ts["referral"].state(at("2024-06-03T10:00")) == \
        "overdue"
    open_ep = ep()
    first = rules.timers(open_ep, at("2024-06-01T22:20"), POL)[0]
    assert first.what == "grade" and first.deadline is None and first.state(at("2024-06-01T22:20")) == "due"


# --- REPEAT_MISSING_NO_STRATEGY ---------------------------------------------------------------------------------

THREE = [("M1", at("2024-06-03T10:00")), ("M2", at("2024-06-10T10:00")), ("M3", at("2024-06-21T10:00"))]


def test_working_days_skip_weekends_and_bank_holidays():
    assert add_working_days(D("2024-06-21"), 5) == D("2024-06-28")          # Friday → next Friday
    assert add_working_days(D("2024-08-22"), 5, ["2024-08-26"]) == D("2024-08-30")  # over the bank holiday
    assert add_working_days(D("2024-06-22"), 1) == D("2024-06-24")          # Saturday → Monday


def test_three_episodes_in_30_days_need_a_meeting_within_5_working_days():
    # M3 on Friday 21 June makes three in 30 days: the meeting is due by Friday 28 June.
    assert rules.repeat_missing_no_strategy("P1", THREE, [], D("2024-06-28"), POL) is None
    f = rules.repeat_missing_no_strategy("P1", THREE, [], D("2024-06-29"), POL)
    assert f.code == "REPEAT_MISSING_NO_STRATEGY" and f.entity_type == "person" and f.entity_id == "P1"
    assert f.since == D("2024-06-29")
    assert "3 missing episodes in 30 days up to episode M3 reported 2024-06-21" in f.reasons[0]
    assert "no strategy meeting was held by 2024-06-28" in f.reasons[0]


def test_a_meeting_covers_it_and_one_held_after_the_as_of_day_does_not_yet():
    meeting = [at("2024-06-27T14:00")]
    assert rules.repeat_missing_no_strategy("P1", THREE, meeting, D("2024-07-15"), POL) is None
    late = [at("2024-07-02T14:00")]
    assert rules.repeat_missing_no_strategy("P1", THREE, late, D("2024-07-01"), POL) is not None
    assert rules.repeat_missing_no_strategy("P1", THREE, late, D("2024-07-02"), POL) is None


def test_episodes_spread_over_more_than_30_days_are_not_repeat_missing():
    spread = [("M1", at("2024-05-01T10:00")), ("M2", at("2024-05-20T10:00")), ("M3", at("2024-05-31T10:01"))]
    assert rules.repeat_triggers(spread, [], D("2024-07-01"), POL) == []
    edge = [("M1", at("2024-05-01T10:00")), ("M2", at("2024-05-20T10:00")), ("M3", at("2024-05-31T09:59"))]
    assert [t.episode for t in rules.repeat_triggers(edge, [], D("2024-07-01"), POL)] == ["M3"]


def test_a_meeting_within_the_window_before_a_new_episode_covers_it():
    four = [*THREE, ("M4", at("2024-07-10T10:00"))]
    assert rules.repeat_missing_no_strategy("P1", four, [at("2024-06-25T10:00")], D("2024-08-30"), POL) is None


def test_the_threshold_is_policy():
    pol = POL.with_overrides(missing__repeat_threshold=4)
    assert rules.repeat_triggers(THREE, [], D("2024-07-30"), pol) == []


# --- CHILD_LINKED_TO_OFFENDER -----------------------------------------------------------------------------------

def test_found_at_a_subjects_notified_address_on_the_day():
    e = ep(returned_at="2024-06-03T08:00", found_key="XW31AB|41|3")
    addr = SubjectAddress("S1", "XW31AB|41|3", "notified", D("2020-01-01"), None)
    links = rules.offender_links([e], [addr], [], D("2024-06-03"))
    assert [(lk.subject, lk.via) for lk in links] == [("S1", "found_at")]
    assert "the notified address of subject S1" in links[0].evidence
    assert rules.offender_links([e], [addr], [], D("2024-06-02")) == []           # not returned yet that day
    ended = SubjectAddress("S1", "XW31AB|41|3", "notified", D("2020-01-01"), D("2024-06-02"))
    assert rules.offender_links([e], [ended], [], D("2024-06-30")) == []          # they had moved out
    previous = SubjectAddress("S1", "XW31AB|41|3", "previous")
    assert rules.offender_links([e], [previous], [], D("2024-06-30")) == []


def test_found_with_a_person_resolved_to_a_subject():
    e = ep(returned_at="2024-06-03T08:00", found_with=("I-P9",))
    person = SubjectPerson("S1", "I-P9", "P9")
    links = rules.offender_links([e], [], [person], D("2024-06-03"), {"M1": {"I-P9": "P21"}})
    assert links[0].via == "found_with" and "with person P21, a record resolved to subject S1's identity" in \
        links[0].evidence
    f = rules.child_linked_to_offender(links, "S1", owner="O7", team_id=3)
    assert (f.code, f.severity, f.entity_type, f.entity_id, f.owner) == (
        "CHILD_LINKED_TO_OFFENDER", "critical", "subject", "S1", "O7")
    assert rules.child_linked_to_offender([], "S1", owner="O7", team_id=3) is None


# --- EXPLOITATION_LOCATION and CO_MISSING_GROUP -----------------------------------------------------------------

def test_two_different_children_at_one_address_within_12_months():
    a = ep("M1", "P1", reported="2023-06-20T10:00", returned_at="2023-06-21T10:00", found_key="K")
    b = ep("M2", "P2", reported="2024-06-20T10:00", returned_at="2024-06-21T10:00", found_key="K")
    same_child = ep("M3", "P1", reported="2024-06-10T10:00", returned_at="2024-06-11T10:00", found_key="K")
    assert rules.exploitation_locations([a, b], D("2024-06-21"), POL) == []        # a is 12 months + old
    assert rules.exploitation_locations([a, b], D("2024-06-20"), POL) == []
    found = rules.exploitation_locations([same_child, b], D("2024-06-21"), POL)
    assert [(f.entity_type, f.entity_id, f.since) for f in found] == [("address", "K", D("2024-06-21"))]
    assert rules.exploitation_locations([same_child, b], D("2024-06-20"), POL) == []  # b not back yet
    two_records = ep("M4", "P7", child_key="I-P1", reported="2024-06-12T10:00", returned_at="2024-06-12T12:00",
                     found_key="K")
    assert rules.exploitation_locations([same_child, two_records], D("2024-06-30"), POL) == []  # one child


def test_children_missing_together_and_found_together_form_a_group():
    a = ep("M1", "P1", reported="2024-06-01T20:00", returned_at="2024-06-02T09:00", found_key="K")
    b = ep("M2", "P2", reported="2024-06-01T21:00", returned_at="2024-06-02T10:00", found_key="K")
    c = ep("M3", "P3", reported="2024-06-05T21:00", returned_at="2024-06-06T10:00", found_key="K")  # no overlap
    groups = rules.co_missing_groups([a, b, c], D("2024-06-10"), POL)
    assert [(g.entity_id, g.since) for g in groups] == [("M1", D("2024-06-02"))]
    assert "2 children were missing at overlapping times and found together" in groups[0].reasons[0]
    apart = ep("M2", "P2", reported="2024-06-01T21:00", returned_at="2024-06-02T23:30", found_key="K")
    assert rules.co_missing_groups([a, apart], D("2024-06-10"), POL) == []   # 14 h apart: not together
    with_each_other = ep("M2", "P2", reported="2024-06-01T21:00", returned_at="2024-06-03T10:00",
                         found_with=("I-P1",))
    assert rules.co_missing_groups([a, with_each_other], D("2024-06-10"), POL)
    assert rules.co_missing_groups([a, b], D("2024-09-30"), POL) == []     # older than the 90-day window


@given(st.integers(0, 200), st.integers(1, 100))
def test_overdue_exactly_when_the_deadline_falls_on_or_before_the_as_of_day(hours_after_report, days_later):
    reported = at("2024-06-01T00:30") + dt.timedelta(hours=hours_after_report)
    e = ep(reported=reported.strftime("%Y-%m-%dT%H:%M"))
    as_of = D("2024-06-01") + dt.timedelta(days=days_later)
    deadline = at(reported.strftime("%Y-%m-%dT%H:%M")) + dt.timedelta(hours=24)
    assert (rules.not_screened(e, as_of, POL) is not None) == (deadline.date() <= as_of and e.reported_at <=
                                                               end_of_day(as_of))


@given(st.lists(st.tuples(st.sampled_from("abcdefghij"), st.sampled_from("abcdefghij")), max_size=25))
def test_groups_are_the_connected_components_networkx_finds(pairs):
    """The co-missing groups' union-find joins exactly what a graph library's connected components do."""
    import networkx as nx

    g = nx.Graph()
    g.add_edges_from(pairs)
    assert sorted(sorted(c) for c in rules._groups(pairs)) == sorted(sorted(c) for c in nx.connected_components(g))


@pytest.mark.parametrize("last_seen", [None, "2024-06-01T20:00", "2024-06-01T22:10", "2024-06-02T09:00"])
def test_missing_from_is_the_earlier_of_last_seen_and_reported(last_seen):
    e = ep(reported="2024-06-01T22:10", last_seen_at=last_seen)
    assert e.missing_from() == min(t for t in (e.last_seen_at, e.reported_at) if t is not None)
