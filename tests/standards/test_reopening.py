"""A closed professional-standards case is reopened with a reason, from a confirm page: a new case that names the
closed one, so the restriction is in force again from the reopening and the days between stay as they were."""
from __future__ import annotations

import datetime as dt

import pytest

from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry
from vigil.standards import services
from vigil.standards.models import OfficerCase
from vigil.standards.restrictions import active_restriction

pytestmark = pytest.mark.django_db
REASON = "Investigation found no case to answer."


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", "2024-08-15")


@pytest.fixture
def closed(org):
    pso = org.user("professional_standards")
    case = services.open_case(actor=pso, officer_ref=org.officers["investigator"].ref, category="vawg",
                              opened=dt.date(2024, 6, 1))
    services.close_case(actor=pso, case=case, closed=dt.date(2024, 7, 1), outcome="no_case_to_answer", reason=REASON)
    return case


def test_reopening_restricts_again_from_that_day_and_keeps_the_gap(org, closed):
    pso, officer = org.user("professional_standards"), org.officers["investigator"]
    with pytest.raises(InputError, match="reason"):
        services.reopen_case(actor=pso, case=closed, on=dt.date(2024, 8, 1), reason="new")
    with pytest.raises(InputError, match="later day"):
        services.reopen_case(actor=pso, case=closed, on=dt.date(2024, 7, 1), reason="A witness came forward late.")
    assert OfficerCase.objects.count() == 1  # refused: nothing changed
    new = services.reopen_case(actor=pso, case=closed, on=dt.date(2024, 8, 1), reason="A witness came forward late.")
    assert (new.reopens, new.officer, new.category, new.opened) == (closed, officer, "vawg", dt.date(2024, 8, 1))
    assert active_restriction(officer, dt.date(2024, 6, 15)) is not None    # the first case
    assert active_restriction(officer, dt.date(2024, 7, 20)) is None        # the gap, as it was
    assert active_restriction(officer, dt.date(2024, 8, 2)) is not None     # the reopened case
    closed.refresh_from_db()
    assert closed.closed == dt.date(2024, 7, 1) and closed.close_outcome == "no_case_to_answer"
    assert AccessLogEntry.objects.filter(record_type="officer_case", record_id=new.ref, operation="collection",
                                         detail=f"reopens {closed.ref} from 2024-08-01").exists()
    with pytest.raises(InputError, match="reopened already"):
        services.reopen_case(actor=pso, case=closed, on=dt.date(2024, 8, 2), reason="A witness came forward late.")
    with pytest.raises(InputError, match="nothing to reopen"):
        services.reopen_case(actor=pso, case=new, on=dt.date(2024, 8, 2), reason="A witness came forward late.")


def test_the_confirm_page_reopens_with_a_reason_and_bad_input_changes_nothing(login, org, closed):
    client = login(org.user("professional_standards"))
    page = client.get(f"/standards/cases/{closed.ref}/").content.decode()
    assert f'href="/standards/cases/{closed.ref}/reopen/"' in page
    confirm = client.get(f"/standards/cases/{closed.ref}/reopen/").content.decode()
    assert "Reopen the case about" in confirm and "Why it reopens" in confirm and 'name="on_day"' in confirm
    bad = client.post(f"/standards/cases/{closed.ref}/reopen/", {"reason": "", "on_day": "1", "on_month": "8",
                                                                 "on_year": "2024"})
    assert bad.status_code == 400 and OfficerCase.objects.count() == 1
    done = client.post(f"/standards/cases/{closed.ref}/reopen/", {
        "reason": "The complainant produced new messages.", "on_day": "1", "on_month": "8", "on_year": "2024",
        "submission_key": "reopen-once"})
    new = OfficerCase.objects.get(reopens=closed)
    assert done.status_code == 302 and done["Location"] == f"/standards/cases/{new.ref}/"
    shown = client.get(done["Location"]).content.decode()
    assert f"case {closed.ref}</a>, closed 1 July 2024. The complainant produced new messages." in shown
    assert f"Case {closed.ref} reopened as {new.ref}." in shown
    again = client.get(f"/standards/cases/{closed.ref}/").content.decode()
    assert f"case {new.ref}</a> from 1 August 2024" in again and "/reopen/" not in again


def test_only_professional_standards_may_reopen(login, org, closed):
    assert login(org.user("supervisor")).get(f"/standards/cases/{closed.ref}/reopen/").status_code == 403



