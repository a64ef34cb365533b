"""Person search and the person page: scoped to the officer's work, every record shown is logged, break-glass
outside it, reviewed by professional standards."""
from __future__ import annotations

import pytest

from tests import factories
from vigil.core.breakglass import open_break_glass, review_break_glass
from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry, BreakGlass
from vigil.people.models import Person
from vigil.people.selectors import search_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org):
    mine = factories.person("P-A", given="Mark", surname="Ellery", team=org.teams["om"], aliases=[("Marc", "Ellory")])
    theirs = factories.person("P-B", given="Mary", surname="Ellery", team=org.teams["om2"])
    return mine, theirs


def test_search_shows_only_my_work_and_counts_the_rest(org, people):
    user = org.user("offender_manager")
    results, outside = search_people(actor=user, q="Ellery")
    assert [p.ref for p in results] == ["P-A"] and outside == 1
    logged = AccessLogEntry.objects.filter(actor="offender_manager", record_type="person")
    assert list(logged.values_list("record_id", flat=True)) == ["P-A"]  # the unseen record is not "consulted"


def test_search_finds_aliases(org, people):
    results, _ = search_people(actor=org.user("offender_manager"), q="Ellory")
    assert [p.ref for p in results] == ["P-A"]


def test_a_senior_officer_sees_their_borough(org, people):
    results, outside = search_people(actor=org.user("senior_officer"), q="Ellery")
    assert [p.ref for p in results] == ["P-A"] and outside == 1  # P-B is in another borough


@pytest.mark.parametrize("q", ["", "x", "y" * 101])
def test_bad_searches_are_one_clear_line(org, q):
    with pytest.raises(InputError):
        search_people(actor=org.user("offender_manager"), q=q)


def test_roles_without_person_access_see_nothing(org, people):
    assert Person.objects.restrict(org.user("auditor")).count() == 0
    assert Person.objects.restrict(None).count() == 0


def test_break_glass_search_reveals_outside_results_and_logs_them(org, people, login):
    c = login(org.user("offender_manager"))
    page = c.get("/people/?q=Ellery").content.decode()
    assert "1 more record matches outside your work" in page and "P-B" not in page
    resp = c.post("/people/break-glass/?type=search&id=Ellery",
                  {"reason_code": "intelligence_check", "reason_text": "Op Kestrel: checking associates of P-A"})
    assert resp.status_code == 302
    page = c.get(resp.url).content.decode()
    assert "P-B" in page
    entry = AccessLogEntry.objects.get(record_id="P-B", actor="offender_manager")
    assert entry.justification.startswith("break-glass #") and "Op Kestrel" in entry.justification


def test_opening_a_record_outside_my_work_needs_a_reason_first(org, people, login):
    c = login(org.user("offender_manager"))
    resp = c.get("/people/P-B/")
    assert resp.status_code == 302 and "break-glass" in resp.url
    assert not AccessLogEntry.objects.filter(record_id="P-B", detail="person record opened").exists()
    resp = c.post("/people/break-glass/?type=person&id=P-B", {"reason_code": "other", "reason_text": "too short"})
    assert resp.status_code == 200 and "at least 15 characters" in resp.content.decode()
    assert not BreakGlass.objects.exists()
    c.post("/people/break-glass/?type=person&id=P-B",
           {"reason_code": "covering_colleague", "reason_text": "Covering DC Smith's caseload this week"})
    assert c.get("/people/P-B/").status_code == 200
    assert AccessLogEntry.objects.filter(record_id="P-B", detail="person record opened").count() == 1


def test_professional_standards_reviews_break_glass_but_not_their_own(org, people):
    om = org.user("offender_manager")
    bg = open_break_glass(user=om, record_type="person", record_id="P-B", reason_code="live_incident",
                          reason_text="CAD 4411 domestic incident at the address")
    pso = org.user("professional_standards")
    with pytest.raises(InputError):
        review_break_glass(reviewer=om, break_glass_id=bg.pk, outcome="justified", note="")
    review_break_glass(reviewer=pso, break_glass_id=bg.pk, outcome="justified", note="CAD checked")
    bg.refresh_from_db()
    assert bg.review_outcome == "justified" and bg.reviewed_by == pso
    with pytest.raises(InputError):
        review_break_glass(reviewer=pso, break_glass_id=bg.pk, outcome="referred", note="")


def test_the_auditor_sees_who_looked_at_a_person_and_that_is_logged_too(org, people, login):
    login(org.user("offender_manager")).get("/people/P-A/")
    c = login(org.user("auditor"))
    page = c.get("/audit/?type=person&id=P-A").content.decode()
    assert "offender_manager" in page and "own or team work" in page
    assert AccessLogEntry.objects.filter(actor="auditor", record_type="access_log", record_id="person:P-A").exists()


def test_person_page_query_count_is_bounded(org, people, login, django_assert_max_num_queries):
    c = login(org.user("offender_manager"))
    with django_assert_max_num_queries(40):
        assert c.get("/people/P-A/").status_code == 200


def test_api_search_and_detail_follow_the_same_scope(org, people, login):
    c = login(org.user("offender_manager"))
    data = c.get("/api/people/?q=Ellery").json()
    assert [r["id"] for r in data["results"]] == ["P-A"] and data["outside_scope"] == 1
    assert c.get("/api/people/P-A/").json()["aliases"] == [{"given_names": "Marc", "surname": "Ellory"}]
    assert c.get("/api/people/P-B/").status_code == 403
    assert c.get("/api/people/NOPE/").status_code == 404
    assert c.get("/api/people/?q=").json()["detail"] == "enter at least 2 characters to search"
