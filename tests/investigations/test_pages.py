"""Allocation pages and API through the test client: what each shows, bad input next to the field, refused
attempts logged, and list pages in a bounded number of queries."""
from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from tests.investigations import factories as inv
from vigil.core.models import AccessLogEntry, PolicyVersion
from vigil.core.policy import current
from vigil.investigations.models import Allocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def alloc(login, org):
    return login(org.user("allocation_manager"))


def test_the_queue_lists_unallocated_crimes_most_urgent_first(alloc, org, cid):
    team = cid["teams"]["cid"]
    inv.crime(team, "46", reported=dt.date(2024, 8, 14), ref="CR-SHOP")
    inv.crime(team, "1/4.1/4.10/4.2", reported=dt.date(2024, 8, 15), ref="CR-HOM")
    inv.allocate(inv.crime(team, "46", reported=dt.date(2024, 8, 1), ref="CR-DONE"), cid["pip1"])
    page = alloc.get("/crimes/?as_of=2024-08-15&scope=force").content.decode()
    assert page.index("CR-HOM") < page.index("CR-SHOP")
    assert "CR-DONE" not in page
    assert "Propose a batch allocation" in page


def test_the_queue_page_is_a_bounded_number_of_queries_and_ordered_before_paging(alloc, org, cid,
                                                                                 django_assert_max_num_queries):
    for i in range(60):
        inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 1), ref=f"CR-{i:03d}")
    inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 15), ref="CR-URGENT", harm="high")
    alloc.get("/crimes/?as_of=2024-08-15")  # the session's first request loads the officer
    with django_assert_max_num_queries(25):  # with the access-log entry for the crimes shown and the work count
        first = alloc.get("/crimes/?as_of=2024-08-15&scope=force")
    page = first.content.decode()
    assert page.index("CR-URGENT") < page.index("CR-000")  # the newest, but urgent: first of all 61
    assert "CR-059" not in page and "Page 1 of 2" in page


def test_the_crime_page_shows_requirement_recommendation_and_refuses_a_student_without_override(alloc, org, cid):
    crime = inv.crime(cid["teams"]["cid"], "86", flags=["child_victim"], reported=dt.date(2024, 8, 14), ref="CR-I")
    page = alloc.get("/crimes/CR-I/?as_of=2024-08-15").content.decode()
    assert "PIP2 + online child sexual abuse" in page
    assert "student officer: not eligible for a crime flagged child victim" in page
    resp = alloc.post("/crimes/CR-I/allocate/", {"officer": "O-STU", "rationale": ""})
    assert resp.status_code == 400
    assert "PC Stu Dent is not eligible" in resp.content.decode()
    assert not Allocation.objects.filter(crime=crime).exists()
    resp = alloc.post("/crimes/CR-I/allocate/", {"officer": "O-STU",
                                                 "rationale": "Only trained officer on duty; DS reviewing daily"})
    assert resp.status_code == 302
    page = alloc.get("/crimes/CR-I/").content.decode()
    assert "Supervisor override" in page and "Only trained officer on duty" in page


def test_a_restricted_officer_is_refused_a_restricted_crime_and_the_refusal_is_logged(login, org, cid):
    from tests.security.restricted import make_restricted_officer

    restricted = make_restricted_officer(org)
    inv.crime(org.teams["om"], "8Q", ref="CR-STALK", reported=dt.date(2024, 8, 1))
    client = login(restricted.user)
    resp = client.get("/crimes/CR-STALK/")
    assert resp.status_code == 403
    assert "professional-standards restriction" in resp.content.decode()
    entry = AccessLogEntry.objects.get(record_type="crime", record_id="CR-STALK")
    assert entry.outcome == "refused" and entry.actor == restricted.user.username
    # Never offered a break-glass for it.
    assert client.get("/people/break-glass/?type=crime&id=CR-STALK").status_code == 200
    assert client.post("/people/break-glass/?type=crime&id=CR-STALK", {
        "reason_code": "live_incident", "reason_text": "trying to get round the restriction"}).status_code == 302
    assert client.get("/crimes/CR-STALK/").status_code == 403


def test_outside_ones_work_a_crime_needs_break_glass(login, org, cid):
    inv.crime(cid["teams"]["far"], "46", ref="CR-FAR", reported=dt.date(2024, 8, 1))
    client = login(org.user("investigator"))
    resp = client.get("/crimes/CR-FAR/")
    assert resp.status_code == 302 and "type=crime&id=CR-FAR" in resp["Location"]
    resp = client.post("/people/break-glass/?type=crime&id=CR-FAR",
                       {"reason_code": "intelligence_check", "reason_text": "Suspect linked to my case CR-1"})
    assert resp["Location"] == "/crimes/CR-FAR/"
    assert client.get("/crimes/CR-FAR/").status_code == 200
    assert AccessLogEntry.objects.filter(record_id="CR-FAR", justification__startswith="break-glass").count() >= 2


def test_assessment_form_errors_are_shown_next_to_the_field(login, org, cid):
    inv.crime(cid["teams"]["cid"], "46", ref="CR-A", reported=dt.date(2024, 8, 1))
    client = login(org.user("investigator"))
    resp = client.post("/crimes/CR-A/assess/", {"threat": "", "harm": "low", "risk": "low"})
    assert resp.status_code == 400
    assert 'id="id_threat_error"' in resp.content.decode()


def test_workload_chart_data_highlights_those_over_capacity(login, org, cid, django_assert_max_num_queries):
    inv.load(cid["student"], 26)
    inv.load(cid["pip1"], 5)
    client = login(org.user("allocation_manager"))
    client.get("/crimes/workload/")
    with django_assert_max_num_queries(25):  # sign-in, officer and permissions are about a dozen of these
        resp = client.get("/crimes/workload/?scope=force")
    page = resp.content.decode()
    data = json.loads(page.split('id="workload-data" type="application/json">')[1].split("</script>")[0])
    assert data["over"][26] == 1 and data["within"][5] == 1
    assert "26 open crimes, above the maximum of 25" in page


def test_below_level_lists_with_and_without_override(login, org, cid):
    team = cid["teams"]["cid"]
    ds = org.officers["allocation_manager"]
    inv.allocate(inv.crime(team, "86", ref="CR-NO", reported=dt.date(2024, 8, 1)), cid["student"])
    inv.allocate(inv.crime(team, "86", ref="CR-OV", reported=dt.date(2024, 8, 1)), cid["pip2"], override_by=ds,
                 override_on=dt.date(2024, 8, 1), override_rationale="course booked, DS supervising")
    page = login(org.user("allocation_manager")).get("/crimes/below-level/?as_of=2024-08-15").content.decode()
    without, with_override = page.split('data-testid="below-with"')
    assert "CR-NO" in without and "CR-OV" in with_override and "course booked" in with_override


def test_an_administrator_changes_the_matrix_with_a_reason_and_it_is_versioned(login, org):
    held = inv.allocate(inv.crime(org.teams["cid"], "46", reported=dt.date(2024, 8, 1)), org.officers["investigator"])
    assert held.units == 1
    client = login(org.user("administrator"))
    matrix = [*current()["allocation.required_level_matrix"],
              {"name": "Shoplifting here", "codes": ["46"], "pip_level": 2, "specialisms": []}]
    resp = client.post("/crimes/policy/", {"matrix": json.dumps(matrix), "reason": ""})
    assert resp.status_code == 400 and not PolicyVersion.objects.exists()
    bad = [*matrix, {"name": "x", "codes": ["ZZ"], "pip_level": 7}]
    resp = client.post("/crimes/policy/", {"matrix": json.dumps(bad), "reason": "typo"})
    assert resp.status_code == 400 and "'ZZ' is not a known code" in html.unescape(resp.content.decode())
    resp = client.post("/crimes/policy/", {"matrix": json.dumps(matrix), "reason": "Shoplifting surge in 2024"})
    assert resp.status_code == 302
    v = PolicyVersion.objects.get()
    assert v.changed_by == org.user("administrator") and v.reason == "Shoplifting surge in 2024"
    from vigil.investigations.rules import required_level

    assert required_level("46", (), current()).pip_level == 2
    held.refresh_from_db()
    assert held.units == 2  # open investigations are re-weighed with the new policy


def test_the_api_gives_the_recommendation_and_allocates(login, org, cid):
    inv.crime(cid["teams"]["cid"], "86", flags=["child_victim"], reported=dt.date(2024, 8, 14), ref="CR-API")
    client = login(org.user("allocation_manager"))
    doc = client.get("/api/crimes/CR-API/recommendation/?as_of=2024-08-15").json()
    assert doc["required"] == {"pip_level": 2, "specialisms": ["online_csa"]}
    resp = client.post("/api/crimes/CR-API/allocate/?as_of=2024-08-15", {"officer": "O-STU"},
                       content_type="application/json")
    assert resp.status_code == 400 and "student officer" in resp.json()["detail"]
    resp = client.post("/api/crimes/CR-API/allocate/?as_of=2024-08-15", {"officer": doc["eligible"][0]["officer"]},
                       content_type="application/json")
    assert resp.status_code == 200 and resp.json()["allocated_to"] == "O-OCSA"
    assert client.get("/api/crimes/CR-API/?as_of=2024-08-15").json()["allocated_to"] == "O-OCSA"
    assert client.get("/api/crimes/CR-API/recommendation/?as_of=15-08-2024").status_code == 400


def test_the_home_page_shows_the_queue_and_my_crimes(login, org, cid):
    team = cid["teams"]["cid"]
    inv.crime(team, "46", ref="CR-WAITING", reported=dt.date(2024, 8, 15))
    inv.allocate(inv.crime(team, "46", ref="CR-MINE", reported=dt.date(2024, 8, 1)), org.officers["investigator"])
    assert "CR-WAITING" in login(org.user("allocation_manager")).get("/?as_of=2024-08-15").content.decode()
    assert "CR-MINE" in login(org.user("investigator")).get("/?as_of=2024-08-15").content.decode()


def test_a_second_allocation_of_the_same_crime_is_told_who_has_it_and_chooses_again(alloc, login, org, cid):
    """Two managers open the same crime; the first allocates; the second's choice is refused with a name."""
    inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 14), ref="CR-RACE")
    from django.test import Client

    from tests.factories import verified_login
    other = Client()
    verified_login(other, org.user("allocation_manager"))
    page = alloc.get("/crimes/CR-RACE/?as_of=2024-08-15").content.decode()
    assert 'name="seen" value="none"' in page
    first = alloc.post("/crimes/CR-RACE/allocate/?as_of=2024-08-15", {"officer": cid["pip1"].ref, "seen": "none"})
    assert first.status_code == 302
    second = other.post("/crimes/CR-RACE/allocate/?as_of=2024-08-15", {"officer": cid["pip2"].ref, "seen": "none"})
    assert second.status_code == 400
    assert f"was allocated to {cid['pip1'].name} a moment ago" in html.unescape(second.content.decode())
    current = Allocation.objects.get(crime__ref="CR-RACE", end__isnull=True)
    assert current.officer == cid["pip1"]


def test_an_allocation_cannot_be_dated_in_the_future(alloc, org, cid):
    from vigil.core.errors import InputError
    from vigil.investigations import services

    crime = inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 14), ref="CR-LATER")
    with pytest.raises(InputError, match="cannot be dated in the future"):
        services.allocate(actor=org.user("allocation_manager"), crime=crime, officer_ref=cid["pip1"].ref,
                          on=dt.date(2099, 1, 1))


def test_closing_is_confirmed_with_an_outcome_and_a_reason_and_can_be_reopened(alloc, org, cid):
    """One tap no longer closes an investigation for good: a page asks for the outcome and why; a bad answer
    changes nothing; the closing can be undone with a reason, and both stay in the crime's history."""
    crime = inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 1), ref="CR-END")
    inv.allocate(crime, cid["pip1"])
    page = alloc.get("/crimes/CR-END/?as_of=2024-08-15").content.decode()
    assert 'href="/crimes/CR-END/close/"' in page and "<form method=\"post\" action=\"/crimes/CR-END/close/\"" not in page
    confirm = alloc.get("/crimes/CR-END/close/?as_of=2024-08-15").content.decode()
    assert re.search(r"<legend[^>]*>Outcome</legend>", confirm) and "Investigation complete: no suspect identified" in confirm
    assert "ends the allocation" in confirm

    for bad in ({"outcome": "no_suspect", "reason": "done", "on": "2024-08-15"},           # no real reason
                {"outcome": "made_up", "reason": "All enquiries complete.", "on": "2024-08-15"},
                {"outcome": "no_suspect", "reason": "All enquiries complete.", "on": "2024-07-01"}):  # before report
        resp = alloc.post("/crimes/CR-END/close/", bad)
        assert resp.status_code == 400 and "There is a problem" in resp.content.decode()
        crime.refresh_from_db()
        assert crime.closed_on is None and not crime.closures.exists()

    why = "CCTV reviewed, no suspect identified; victim informed."
    resp = alloc.post("/crimes/CR-END/close/", {"outcome": "no_suspect", "reason": why, "on": "2024-08-15"})
    assert resp.status_code == 302
    crime.refresh_from_db()
    assert crime.closed_on == dt.date(2024, 8, 15)
    assert Allocation.objects.get(crime=crime).end == dt.date(2024, 8, 15)
    shown = alloc.get("/crimes/CR-END/?as_of=2024-08-15").content.decode()
    assert "Investigation complete: no suspect identified (outcome 18)" in shown and html.escape(why) in shown
    assert 'href="/crimes/CR-END/reopen/"' in shown
    assert alloc.post("/crimes/CR-END/close/", {"outcome": "no_suspect", "reason": why, "on": "2024-08-15"}
                      ).status_code == 400  # closed already: nothing changes

    assert alloc.post("/crimes/CR-END/reopen/", {"reason": "short", "on": "2024-08-16"}).status_code == 400
    again = "A witness came forward with a registration number."
    assert alloc.post("/crimes/CR-END/reopen/", {"reason": again, "on": "2024-08-16"}).status_code == 302
    crime.refresh_from_db()
    assert crime.closed_on is None
    closure = crime.closures.get()
    assert (closure.reopened_on, closure.reopen_reason, closure.reopened_by.ref) == (
        dt.date(2024, 8, 16), again, org.officers["allocation_manager"].ref)
    assert "CR-END" in alloc.get("/crimes/?as_of=2024-08-16&scope=force").content.decode()  # back in the queue
    assert AccessLogEntry.objects.filter(record_id="CR-END", justification="investigation reopened").exists()


def test_the_crime_page_offers_the_best_eligible_officers_and_a_picker_for_anyone_else(alloc, org, cid):
    """At force scale the page listed thousands of officers in one drop-down: now the best 20 eligible, best
    first, and anyone else found by name."""
    from vigil.investigations.forms import AllocateForm
    from vigil.investigations.recommendation import recommend

    crime = inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 14), ref="CR-PICK")
    page = alloc.get("/crimes/CR-PICK/?as_of=2024-08-15").content.decode()
    assert re.search(r"<legend[^>]*>Officer</legend>", page) and 'value="someone_else"' in page
    assert 'hx-get="/pick/officers/"' in page and "<select" not in page.split('id="rec-h"')[1].split("</form>")[0]
    eligible = recommend(crime, as_of=dt.date(2024, 8, 15)).eligible
    many = [*eligible] * 30
    form = AllocateForm(eligible=many)
    assert len(form.fields["officer"].widget.choices) == 21  # the best 20, and someone else
    assert alloc.post("/crimes/CR-PICK/allocate/?as_of=2024-08-15", {"officer": "someone_else"}).status_code == 400
    resp = alloc.post("/crimes/CR-PICK/allocate/?as_of=2024-08-15",
                      {"officer": "someone_else", "someone_else": eligible[0].officer.name, "seen": "none"})
    assert resp.status_code == 302
    assert Allocation.objects.get(crime=crime).officer.ref == eligible[0].officer.ref
