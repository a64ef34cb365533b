"""The pages through the test client: what they show, what they log, bad input next to the field, query counts."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.missing.factories import child, episode, screening
from vigil.core import clock
from vigil.core.models import AccessLogEntry
from vigil.missing.models import Grading, MissingEpisode, PhilomenaProfile
from vigil.people.addresses import match_key
from vigil.people.linkage.models import RecordMatch
from vigil.people.models import Address

pytestmark = pytest.mark.django_db


@pytest.fixture
def mp(org, login):
    coordinator = org.officers["missing_persons_coordinator"]
    client = login(coordinator.user)
    return {"client": client, "team": org.teams["mp"], "officer": coordinator, "org": org}


def _recent(hours: float) -> str:
    return (timezone.localtime(clock.now()) - dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_board_shows_open_episodes_by_grade_returns_and_repeat_children(mp, django_assert_max_num_queries):
    kid = child(mp["team"], "P20")
    for i in range(3):
        episode(kid, mp["team"], ref=f"M-R{i}", reported=_recent(24 * (i * 5 + 3)), returned=_recent(24 * (i * 5 + 2)))
    for i in range(12):
        k = child(mp["team"], f"P-B{i}", given=f"Child{i}")
        episode(k, mp["team"], ref=f"M-O{i}", reported=_recent(3 + i), grade=["high", "medium", "low", ""][i % 4])
    with CaptureQueriesContext(connection) as first:
        resp = mp["client"].get("/missing/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'data-testid="open-count">12<' in html
    assert "Not yet graded" in html and "re-grade" in html and "screening at report" in html
    assert "Returns awaiting screening or interviews" in html and "M-R0" in html
    assert "Kayla Brook" in html  # the repeat-missing child
    assert AccessLogEntry.objects.filter(record_id="M-O3", detail="coordinator's board").exists()
    # Twice the episodes, the same number of queries (set-based).
    for i in range(12, 24):
        k = child(mp["team"], f"P-B{i}", given=f"Child{i}")
        episode(k, mp["team"], ref=f"M-O{i}", reported=_recent(3 + i), grade="low")
    with django_assert_max_num_queries(40) as second:
        assert mp["client"].get("/missing/").status_code == 200
    assert len(second.captured_queries) <= len(first.captured_queries)


def test_grading_shows_what_the_force_holds_and_records_it(mp):
    kid = child(mp["team"], "P20")
    Address.objects.create(person=kid, line1="Oakfield House", postcode="XN2 4AB", kind="care_home",
                           match_key=match_key("Oakfield House", "", "", "XN2 4AB"))
    old = episode(kid, mp["team"], ref="M-OLD", reported="2024-05-01T20:00", returned="2024-05-02T10:00",
                  found_at={"line1": "5 Canal Street", "postcode": "XE1 1AA"})
    screening(old, "return", "2024-05-02T12:00", "older_associates", "drug_debt")
    ep = episode(kid, mp["team"], ref="M-NOW", reported=_recent(1))
    page = mp["client"].get("/missing/episodes/M-NOW/grade/").content.decode()
    assert "What the force holds on this child" in page
    assert "Looked-after child — no Philomena profile held" in page
    assert "Exploitation indicator seen before: older associates (1×)" in page
    assert "M-OLD" in page and "XE1 1AA, number 5" in page
    assert AccessLogEntry.objects.filter(record_id="M-OLD", detail="shown on the grading form of M-NOW").exists()
    resp = mp["client"].post("/missing/episodes/M-NOW/grade/", {"grade": "high", "rationale": "short",
                                                                "graded_at": _recent(0.5)})
    assert resp.status_code == 200 and "write at least 10 characters" in resp.content.decode()
    assert not Grading.objects.filter(episode=ep).exists()
    future = (timezone.localtime(clock.now()) + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    resp = mp["client"].post("/missing/episodes/M-NOW/grade/", {"grade": "high", "rationale": "long enough text",
                                                                "graded_at": future})
    assert "cannot be in the future" in resp.content.decode()
    resp = mp["client"].post("/missing/episodes/M-NOW/grade/", {
        "grade": "high", "rationale": "looked after, indicators of CCE last time", "graded_at": _recent(0.5)})
    assert resp.status_code == 302
    g = Grading.objects.get(episode=ep)
    assert g.information_shown["looked_after"] is True and g.information_shown["previous_episodes"] == ["M-OLD"]


def test_a_report_starts_from_the_childs_own_record_within_the_work_only(mp):
    kid = child(mp["team"], "P20")
    episode(kid, mp["team"], ref="M-BEFORE", reported="2024-05-01T20:00", returned="2024-05-02T10:00")
    person_page = mp["client"].get("/people/P20/").content.decode()
    assert 'href="/missing/report/?child=P20"' in person_page
    child_page = mp["client"].get("/missing/children/P20/").content.decode()
    assert 'href="/missing/report/?child=P20"' in child_page and "Report missing again" in child_page
    form = mp["client"].get("/missing/report/?child=P20").content.decode()
    assert f"Reporting <strong>{kid.display_name}</strong>" in form and 'value="P20"' in form
    assert AccessLogEntry.objects.filter(record_id="P20", detail="missing report started from the record").exists()
    resp = mp["client"].post("/missing/report/?child=P20", {"child": "P20", "reported_at": _recent(1)})
    assert resp.status_code == 302 and MissingEpisode.objects.filter(child=kid).count() == 2
    other = child(mp["org"].teams["om2"], "P-ELSEWHERE", given="Remy")  # outside the coordinator's work
    elsewhere = mp["client"].get("/missing/report/?child=P-ELSEWHERE").content.decode()
    assert "Remy" not in elsewhere and 'value="P-ELSEWHERE"' not in elsewhere
    assert other.display_name not in elsewhere


def test_report_a_new_child_and_an_unknown_id(mp):
    resp = mp["client"].post("/missing/report/", {"child": "P-NOBODY", "reported_at": _recent(1)})
    assert "no person &#x27;P-NOBODY&#x27;" in resp.content.decode()
    assert not MissingEpisode.objects.exists()
    resp = mp["client"].post("/missing/report/", {"given_names": "Tia", "surname": "Marsh",
                                                  "date_of_birth": "2010-02-03", "reported_at": _recent(1),
                                                  "circumstances": "left school at lunch"})
    assert resp.status_code == 302
    ep = MissingEpisode.objects.get()
    assert ep.child.display_name == "Tia Marsh" and ep.child.team == mp["team"]
    assert resp["Location"] == f"/missing/episodes/{ep.ref}/grade/"


def test_return_with_an_unknown_person_found_with_is_refused(mp):
    ep = episode(child(mp["team"], "P20"), mp["team"], reported=_recent(20))
    resp = mp["client"].post(f"/missing/episodes/{ep.ref}/return/", {"returned_at": _recent(1), "found_with": "P-X9",
                                                                     "line1": "4 Mill Lane"})
    assert "no person &#x27;P-X9&#x27;" in resp.content.decode()
    ep.refresh_from_db()
    assert ep.returned_at is None


def test_child_page_draws_the_graph_and_logs_a_combination(mp):
    kid = child(mp["team"], "P20")
    adult = factories.person("P21", given="Marc", surname="Ellory", team=mp["team"])
    episode(kid, mp["team"], ref="M-G1", reported="2024-05-01T20:00", returned="2024-05-02T10:00",
            found_at={"line1": "5 Canal Street", "postcode": "XE1 1AA"}, found_with=[adult])
    other = child(mp["team"], "P22", given="Jade")
    episode(other, mp["team"], ref="M-G2", reported="2024-05-03T20:00", returned="2024-05-04T10:00",
            found_at={"line1": "5, Canal St", "postcode": "xe11aa"})
    html = mp["client"].get("/missing/children/P20/").content.decode()
    assert 'id="graph-data"' in html and "cytoscape.min.js" in html and "graph.js" in html
    assert "found at 2 May 2024" in html and "found with 2 May 2024" in html
    assert "person:" in html and "address:XE11AA|5|" in html
    assert AccessLogEntry.objects.filter(operation="combination", record_id="P20",
                                         detail__startswith="link graph drawn").exists()
    addr = mp["client"].get("/missing/address/", {"key": "XE11AA|5|"}).content.decode()
    assert "M-G1" in addr and "M-G2" in addr and "XE1 1AA, number 5" in addr


def test_profile_and_meeting_forms(mp):
    child(mp["team"], "P20")
    resp = mp["client"].post("/missing/children/P20/profile/", {"looked_after": "on", "description": "160 cm",
                                                                "medical": "asthma"})
    assert resp.status_code == 302 and PhilomenaProfile.objects.get().medical == "asthma"
    resp = mp["client"].post("/missing/children/P20/meeting/", {"held_at": _recent(1), "outcome": "x"})
    assert "write at least 10 characters" in resp.content.decode()


def test_review_queue_and_decision(mp):
    a = child(mp["team"], "P20")
    b = child(mp["team"], "P21", given="Kaylah")
    m = RecordMatch.objects.create(left=a, right=b, probability=0.93, status="queued", scored_at=clock.now(),
                                   evidence=[{"comparison": "forename", "level": "forename similar", "weight": 2.1,
                                              "left": {"forename": "kayla"}, "right": {"forename": "kaylah"}}])
    html = mp["client"].get("/missing/matches/").content.decode()
    assert f"Pair #{m.pk}" in html and "0.930" in html
    page = mp["client"].get(f"/missing/matches/{m.pk}/").content.decode()
    assert "kaylah" in page and "forename similar" in page and "Undo this link" not in page
    assert AccessLogEntry.objects.filter(operation="combination", record_id="P20").exists()
    resp = mp["client"].post(f"/missing/matches/{m.pk}/", {"decision": "accept", "rationale": "no"})
    assert "write at least 10 characters" in resp.content.decode()
    resp = mp["client"].post(f"/missing/matches/{m.pk}/", {"decision": "accept",
                                                           "rationale": "same child, name misspelt on one report"})
    assert resp.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.identity_id and a.identity_id == b.identity_id and a.identity.ref == "I-P20"
    page = mp["client"].get(f"/missing/matches/{m.pk}/").content.decode()
    assert "Undo this link" in page


def test_api_lists_only_my_episodes(mp, org):
    episode(child(mp["team"], "P20"), mp["team"], ref="M-MINE", reported="2024-05-01T20:00")
    other_team = factories.team("T-MP9", "missing_persons", "South East")
    episode(child(other_team, "P99"), other_team, ref="M-THEIRS", reported="2024-05-01T20:00")
    data = mp["client"].get("/api/missing/episodes/").json()
    assert [e["id"] for e in data["results"]] == ["M-MINE"]
    assert mp["client"].get("/api/missing/episodes/M-THEIRS/").status_code == 403


def test_a_persons_record_links_to_their_missing_episodes_and_the_child_page(mp, org, login):
    """From a person's record, the child's page (timeline and link graph) is one click away; an officer who may
    not see missing episodes is shown no such section."""
    kid = child(mp["team"], "P-KID")
    adult = factories.person("P-ADULT", team=mp["team"], given="Dean", surname="Holt", dob=dt.date(1980, 1, 1))
    episode(kid, mp["team"], ref="M-PS1", reported="2024-06-01T22:10", returned="2024-06-02T08:00",
            found_with=[adult])
    html = mp["client"].get("/people/P-KID/").content.decode()
    assert "Reported missing 1 time:" in html and "/missing/children/P-KID/" in html and "M-PS1" in html
    html = mp["client"].get("/people/P-ADULT/").content.decode()
    assert "Found with a missing child" in html and "/missing/children/P-KID/" in html
    investigator = login(org.officers["investigator"].user)
    investigator.post("/people/break-glass/?type=person&id=P-KID",
                      {"reason_code": "intelligence_check", "reason_text": "Op Kestrel: checking a victim's record"})
    resp = investigator.get("/people/P-KID/")
    assert resp.status_code == 200 and "Kayla" in resp.content.decode()
    assert "Reported missing" not in resp.content.decode()
