"""Missing children in a real browser: grade an episode with what the force holds shown; record a return and the
screening at return (tablet); accept a linkage match that turns on a critical alert for the offender manager."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.conftest import sign_in
from tests.missing.factories import child, episode, screening
from tests.offenders.factories import subject as make_subject
from vigil.core import clock
from vigil.missing.models import Grading, MissingEpisode, Screening
from vigil.people.linkage.models import MatchStatus, RecordMatch
from vigil.people.linkage.services import run_linkage
from vigil.sweep.models import Alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ago(hours: float) -> str:
    return (timezone.localtime(clock.now()) - dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_grade_an_episode_with_what_the_force_holds(page, org):
    mp = org.teams["mp"]
    kid = child(mp, "P20")
    old = episode(kid, mp, ref="M-OLD", reported=ago(24 * 10), returned=ago(24 * 9))
    screening(old, "return", ago(24 * 9 - 1), "older_associates")
    episode(kid, mp, ref="M-NOW", reported=ago(2))
    sign_in(page, org.officers["missing_persons_coordinator"].user)
    page.get_by_role("link", name="Missing children").first.click()
    page.get_by_role("link", name="M-NOW").click()
    page.get_by_role("link", name="Grade").click()
    held = page.get_by_test_id("what-the-force-holds")
    assert "Exploitation indicator seen before: older associates" in held.inner_text()
    assert "M-OLD" in held.inner_text()
    page.get_by_label("High").check()
    page.get_by_label("Rationale").fill("Older associates seen on the last return; out after dark")
    page.get_by_role("button", name="Record the grading").click()
    assert page.get_by_test_id("grade").text_content().strip() == "High"
    g = Grading.objects.get(episode__ref="M-NOW")
    assert g.grade == "high" and g.information_shown["previous_episodes"] == ["M-OLD"]


def test_record_a_return_with_screening_on_a_tablet(tablet_page, org):
    page = tablet_page
    mp = org.teams["mp"]
    kid = child(mp, "P20")
    adult = factories.person("P21", given="Dean", surname="Rowe", team=mp)
    episode(kid, mp, ref="M-RET", reported=ago(20), grade="medium")
    sign_in(page, org.officers["missing_persons_coordinator"].user)
    page.goto("/missing/episodes/M-RET/")
    page.get_by_role("link", name="Record the return").click()
    page.get_by_label("Returned (found) at").fill(ago(1))
    page.get_by_label("Found at: address line 1").fill("Flat 2, 9 Wharf Rd")
    page.get_by_label("Found at: postcode").fill("xs14qt")
    page.get_by_label("Found with", exact=True).fill("P21")
    page.get_by_label("Condition").fill("Tired, phone with unknown numbers")
    page.get_by_role("button", name="Record the return").click()
    assert page.get_by_role("heading", name="Exploitation screening").is_visible()
    assert page.get_by_label("At return").is_checked()
    page.get_by_label("Older associates").check()
    page.get_by_label("Unexplained money, phones, SIMs, clothes or hotel keys").check()
    page.get_by_role("button", name="Record the screening").click()
    assert page.get_by_text("a referral is needed within 24 hours").is_visible()
    ep = MissingEpisode.objects.get(ref="M-RET")
    assert ep.found_key == "XS14QT|9|2" and [p.ref for p in ep.found_with.all()] == [adult.ref]
    s = Screening.objects.get(episode=ep)
    assert s.stage == "return" and s.indicators == ["unexplained_money_or_items", "older_associates"]
    assert page.get_by_role("link", name="Record the referral").is_visible()


def test_accepting_a_linkage_match_turns_on_the_critical_alert(page, org):
    om = org.officers["offender_manager"]
    subj = make_subject(org.teams["om"], ref="S1", manager=om)
    subj.person.given_names, subj.person.surname, subj.person.date_of_birth = "Mark", "Ellery", dt.date(1971, 2, 3)
    subj.person.save()
    mp = org.teams["mp"]
    kid = child(mp, "P20")
    adult = factories.person("P21", given="Marc", surname="Ellory", dob=dt.date(1971, 2, 3), team=mp)
    ep = episode(kid, mp, ref="M-ALIAS", reported=ago(30), returned=ago(6),
                 found_at={"line1": "3 Canal Street", "postcode": "XE1 2CD"}, found_with=[adult])
    run_linkage(as_of=timezone.localdate())
    pair = RecordMatch.objects.get(status=MatchStatus.QUEUED)
    assert {pair.left_id, pair.right_id} == {subj.person_id, adult.pk}
    assert not Alert.objects.filter(code="CHILD_LINKED_TO_OFFENDER").exists()

    sign_in(page, org.officers["exploitation_analyst"].user)
    page.get_by_role("link", name="Matches to review").first.click()
    page.get_by_role("link", name=f"Pair #{pair.pk}").click()
    evidence = page.get_by_test_id("evidence").inner_text()
    assert "ellory" in evidence and "ellery" in evidence and "same date of birth" in evidence
    page.get_by_label("Accept: these records are the same person").check()
    page.get_by_label("Rationale").fill("Same date of birth; Ellory is a recorded misspelling of Ellery")
    page.get_by_role("button", name="Record the decision").click()
    assert page.get_by_text(f"Pair #{pair.pk}: accept recorded.").is_visible()
    alert = Alert.objects.get(code="CHILD_LINKED_TO_OFFENDER", status="open", entity_id="S1")
    assert alert.severity == "critical" and alert.owner == om.ref
    assert ep.offender_links.get().via == "found_with"

    # The child's page now draws the link from the child through the alias record to the subject.
    page.goto("/missing/children/P20/")
    page.wait_for_function("document.getElementById('link-graph').dataset.drawn > 0")
    assert "subject S1" in page.get_by_test_id("paths").inner_text()

    # The offender manager sees it on "my work", the same day.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, om.user)
    assert page.get_by_text("Missing children linked to your subjects").is_visible()
    assert page.get_by_text("Missing child linked to an offender").first.is_visible()  # the code, in plain English
