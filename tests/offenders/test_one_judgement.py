"""One judgement per subject: the alert, the subject page and the API give the same severity for the same facts.

Before, a medium-risk subject whose whereabouts were unknown was "high" in the alert and "critical" on the page."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.offenders.factories import assess, subject, visit
from vigil.offenders.models import Subject
from vigil.offenders.status import statuses
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


@pytest.mark.parametrize(("level", "severity"), [("medium", "high"), ("high", "critical")])
def test_whereabouts_unknown_has_one_severity_in_the_alert_the_page_and_the_api(org, login, level, severity):
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    s = subject(org.teams["om"], ref="S7", manager=om, managed_from=dt.date(2020, 1, 1))
    assess(s, level, dt.date(2024, 1, 10), assessor=om, approver=ds)
    visit(s, dt.date(2024, 3, 1), officer=om)
    visit(s, dt.date(2024, 8, 10), "not_at_address", officer=om)
    run_sweep(TODAY)

    alert = Alert.objects.get(code="WHEREABOUTS_UNKNOWN", entity_id="S7", status="open")
    st = statuses(Subject.objects.filter(pk=s.pk), TODAY)[s.pk]
    page = {c.code: c.severity for c in st.concerns}
    client = login(om.user)
    api = {a["code"]: a["severity"] for a in
           client.get(f"/api/offenders/subjects/S7/?as_of={TODAY}").json()["status"]["alerts"]}
    html = client.get(f"/offenders/subjects/S7/?as_of={TODAY}").content.decode()

    assert alert.severity == page["WHEREABOUTS_UNKNOWN"] == api["WHEREABOUTS_UNKNOWN"] == severity
    assert 'data-code="WHEREABOUTS_UNKNOWN">Whereabouts unknown</strong>' in html
    # Every alert the sweep raised on the subject is on the page with the same severity, and nothing else is.
    swept = {(a.code, a.severity, a.since) for a in Alert.objects.filter(entity_id="S7", status="open")
             if a.code != "ESCALATION_DECISION_OVERDUE"}
    assert swept == {(c.code, c.severity, c.since) for c in st.concerns}
