"""A missing child found at a subject's address (written differently), or with a subject's alias: a critical alert to
the offender manager the same day, an escalation on the subject, and the subject's risk review brought forward."""
from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.missing.factories import at, child, episode
from tests.offenders.factories import subject as make_subject
from vigil.core import policy
from vigil.core.models import AccessLogEntry
from vigil.missing import links, services
from vigil.missing.models import OffenderLink
from vigil.offenders.models import Escalation, ReviewTrigger
from vigil.offenders.rules.reviews import review_due
from vigil.people.addresses import match_key
from vigil.people.linkage.models import MatchStatus, RecordMatch
from vigil.people.linkage.services import decide, run_linkage
from vigil.people.models import Address
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 6, 3)


@pytest.fixture
def world(org):
    om = org.officers["offender_manager"]
    subj = make_subject(org.teams["om"], ref="S1", manager=om)
    subj.person.given_names, subj.person.surname = "Mark", "Ellery"
    subj.person.date_of_birth = dt.date(1971, 2, 3)
    subj.person.save()
    Address.objects.create(person=subj.person, line1="Flat 3, 41 Kings Road", town="London", postcode="XW3 1AB",
                           kind="notified", valid_from=dt.date(2020, 1, 1),
                           match_key=match_key("Flat 3, 41 Kings Road", "", "London", "XW3 1AB"))
    kid = child(org.teams["mp"], "P20")
    return {"org": org, "subject": subj, "om": om, "child": kid, "mp": org.teams["mp"],
            "coordinator": org.officers["missing_persons_coordinator"]}


def _critical_alert():
    return Alert.objects.get(code="CHILD_LINKED_TO_OFFENDER", status="open", entity_type="subject", entity_id="S1")


def test_found_at_the_subjects_address_written_differently_raises_a_critical_alert_the_same_day(world):
    ep = episode(world["child"], world["mp"], ref="M1", reported="2024-06-01T22:10")
    services.record_return(actor=world["coordinator"].user, episode=ep, returned_at=at("2024-06-03T08:00"),
                           found_at={"line1": "41 Kings Rd Flat 3", "postcode": "xw31ab"}, found_with=[],
                           condition="cold, hungry", as_of=DAY)
    alert = _critical_alert()
    assert alert.severity == "critical" and alert.owner == world["om"].ref
    assert "was found on 2024-06-03 at XW3 1AB, number 41, flat 3, the notified address of subject S1" in \
        alert.reasons[0]
    esc = Escalation.objects.get(subject=world["subject"], kind="CHILD_LINKED_TO_OFFENDER")
    assert esc.opened_on == DAY and esc.closed_on is None
    trig = ReviewTrigger.objects.get(subject=world["subject"], trigger="missing_child_link")
    assert trig.on == DAY and trig.source == "missing:M1"
    due = review_due(policy.current(), managed_from=world["subject"].managed_from, last=(dt.date(2024, 1, 10), "low"),
                     triggers=[(trig.on, trig.trigger)], as_of=DAY)
    assert due.due == dt.date(2024, 6, 17)  # brought forward from January 2025 to 14 days after the link
    assert AccessLogEntry.objects.filter(operation="combination", record_type="episode", record_id="M1").exists()
    # The nightly sweep finds the same alert again and takes no second action.
    run_sweep(DAY)
    run_sweep(DAY)
    assert _critical_alert().pk == alert.pk
    assert Escalation.objects.filter(subject=world["subject"], kind="CHILD_LINKED_TO_OFFENDER").count() == 1
    assert ReviewTrigger.objects.filter(subject=world["subject"], trigger="missing_child_link").count() == 1


def test_found_with_a_subjects_alias_raises_the_alert_once_linkage_resolves_the_adult(world):
    adult = factories.person("P21", given="Marc", surname="Ellory", dob=dt.date(1971, 2, 3), team=world["mp"])
    factories.person("P30", given="Dana", surname="Quill", dob=dt.date(1990, 7, 9), team=world["mp"])
    ep = episode(world["child"], world["mp"], ref="M2", reported="2024-06-01T22:10")
    services.record_return(actor=world["coordinator"].user, episode=ep, returned_at=at("2024-06-03T08:00"),
                           found_at={"line1": "9 Canal Street", "postcode": "XE1 2CD"}, found_with=[adult],
                           as_of=DAY)
    assert not Alert.objects.filter(code="CHILD_LINKED_TO_OFFENDER").exists()  # nothing known yet
    run_linkage(as_of=DAY)
    pair = RecordMatch.objects.get(left=world["subject"].person, right=adult) if \
        world["subject"].person.pk < adult.pk else RecordMatch.objects.get(left=adult, right=world["subject"].person)
    assert pair.status == MatchStatus.QUEUED  # "Marc Ellory" with the same date of birth: a person decides
    assert not Alert.objects.filter(code="CHILD_LINKED_TO_OFFENDER").exists()
    decide(actor=world["coordinator"].user, match=pair, decision="accept",
           rationale="same date of birth, known alias spelling", at=at("2024-06-03T15:00"), as_of=DAY)
    alert = _critical_alert()
    assert alert.owner == world["om"].ref
    assert "with person P21, a record resolved to subject S1's identity" in alert.reasons[0]
    assert Escalation.objects.filter(subject=world["subject"], kind="CHILD_LINKED_TO_OFFENDER").count() == 1
    assert ReviewTrigger.objects.filter(subject=world["subject"], trigger="missing_child_link").count() == 1
    # Undoing the link closes the alert the same day; the link is kept, no longer holding.
    decide(actor=world["coordinator"].user, match=pair, decision="undo",
           rationale="PNC check shows a different man", at=at("2024-06-03T17:00"), as_of=DAY)
    assert not Alert.objects.filter(code="CHILD_LINKED_TO_OFFENDER", status="open").exists()
    assert OffenderLink.objects.get(episode=ep).holds is False


def test_the_offender_managers_review_closes_the_alert(world):
    ep = episode(world["child"], world["mp"], ref="M3", reported="2024-06-01T22:10")
    services.record_return(actor=world["coordinator"].user, episode=ep, returned_at=at("2024-06-03T08:00"),
                           found_at={"line1": "Flat 3 41 Kings Road", "postcode": "XW3 1AB"}, as_of=DAY)
    link = OffenderLink.objects.get(episode=ep)
    services.review_offender_link(actor=world["om"].user, link=link, at=at("2024-06-04T10:00"),
                                  rationale="Unannounced visit made; subject denies contact; MASH informed.")
    assert not Alert.objects.filter(code="CHILD_LINKED_TO_OFFENDER", status="open").exists()
    # A sweep of the day before the review still shows it: the past gives the same answer.
    findings = links.findings(DAY)
    assert [f.entity_id for f in findings] == ["S1"]
    assert links.findings(dt.date(2024, 6, 4)) == []


def test_an_address_the_subject_left_before_the_return_is_no_link(world):
    Address.objects.filter(person=world["subject"].person).update(valid_to=dt.date(2024, 5, 1))
    ep = episode(world["child"], world["mp"], ref="M4")
    services.record_return(actor=world["coordinator"].user, episode=ep, returned_at=at("2024-06-03T08:00"),
                           found_at={"line1": "41 Kings Rd Flat 3", "postcode": "XW31AB"}, as_of=DAY)
    assert not OffenderLink.objects.exists()
    assert not Alert.objects.filter(code="CHILD_LINKED_TO_OFFENDER").exists()


@pytest.mark.parametrize("by_list", [True, False], ids=["keys listed", "joined in the database"])
def test_the_candidates_for_a_link_are_the_same_listed_or_joined(world, monkeypatch, by_list):
    """A few keys are looked up by list; the daily sweep's thousands are joined in the database (every episode's
    found-at address and found-with people). Both find the subject found at and the one found with."""
    other = make_subject(world["org"].teams["om"], ref="S2", manager=world["om"])
    unlinked_adult = other.person  # found with the subject's own record: no identity, matched by record
    decoy = factories.person("P40", given="Ann", surname="Other", dob=dt.date(1980, 1, 1), team=world["mp"])
    episode(world["child"], world["mp"], ref="M5", reported="2024-06-01T22:10", returned="2024-06-02T08:00",
            found_at={"line1": "41 Kings Rd Flat 3", "postcode": "XW31AB"})
    episode(child(world["mp"], "P41"), world["mp"], ref="M6", reported="2024-06-01T22:10",
            returned="2024-06-02T09:00", found_with=[unlinked_adult, decoy])
    if not by_list:
        monkeypatch.setattr(links, "CANDIDATES_BY_LIST", 0)
    holding = links.refresh(as_of=DAY)
    assert sorted((lk.episode.ref, lk.subject_ref, lk.via) for lk in holding) == [
        ("M5", "S1", "found_at"), ("M6", "S2", "found_with")]
    make_subject(world["org"].teams["om"], ref="S3", manager=world["om"])  # nobody was found with or at S3
    _, _, candidates = links.subject_facts({"no-such-key"}, {"I-no-such-person"})
    assert set(candidates) == (set() if by_list else {"S1", "S2"})  # joined: every episode's, never S3
