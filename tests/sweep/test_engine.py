"""The sweep engine: rule sets' findings become alerts; it is idempotent; causes that go away close alerts."""
from __future__ import annotations

import datetime as dt

import pytest

from vigil.sweep import catalogue, registry
from vigil.sweep.engine import reconcile, run_sweep
from vigil.sweep.models import Alert
from vigil.sweep.registry import Finding

pytestmark = pytest.mark.django_db
D1, D2 = dt.date(2024, 8, 15), dt.date(2024, 8, 16)


def _f(entity="S1", severity="high", reasons=("a reason",), since=dt.date(2024, 1, 1)):
    return Finding("TEST_CODE", severity, "subject", entity, since, tuple(reasons), owner="O1")


def test_findings_open_alerts_and_a_second_run_changes_nothing():
    reconcile(D1, [_f("S1"), _f("S2")], {"TEST_CODE"})
    first = list(Alert.objects.order_by("entity_id").values("entity_id", "status", "opened_as_of", "reasons"))
    counts = reconcile(D1, [_f("S1"), _f("S2")], {"TEST_CODE"})
    assert counts == {"opened": 0, "updated": 2, "closed": 0}
    assert list(Alert.objects.order_by("entity_id").values("entity_id", "status", "opened_as_of", "reasons")) == first


def test_an_alert_is_updated_in_place_and_closed_when_its_cause_goes():
    reconcile(D1, [_f("S1", severity="high")], {"TEST_CODE"})
    reconcile(D2, [_f("S1", severity="critical", reasons=("worse",))], {"TEST_CODE"})
    a = Alert.objects.get()
    assert a.severity == "critical" and a.reasons == ["worse"] and a.opened_as_of == D1 and a.last_seen_as_of == D2
    reconcile(D2, [], {"TEST_CODE"})
    a.refresh_from_db()
    assert a.status == "closed" and a.closed_as_of == D2
    reconcile(D2, [_f("S1")], {"TEST_CODE"})  # the cause returns: a new alert, the closed one stays as history
    assert Alert.objects.filter(status="open").count() == 1 and Alert.objects.count() == 2


def test_alerts_of_other_rule_sets_are_left_alone():
    reconcile(D1, [_f("S1")], {"TEST_CODE"})
    reconcile(D1, [], {"OTHER_CODE"})
    assert Alert.objects.get().status == "open"


def test_a_rule_set_may_own_only_catalogued_codes():
    with pytest.raises(ValueError, match="missing from the catalogue: TEST_ONLY"):
        registry.rule_set("test-only-rule-set", codes=["TEST_ONLY"])(lambda ctx: ())
    assert "test-only-rule-set" not in registry._rule_sets


def test_every_code_a_rule_set_owns_has_a_label_and_an_area():
    owned = {c for rs in registry.rule_sets() for c in rs.codes}
    assert owned == set(catalogue.CATALOGUE)  # every catalogued code is raised by some rule set, and only those
    for code in owned:
        entry = catalogue.CATALOGUE[code]
        assert entry.label and entry.label != code and entry.area in {rs.name for rs in registry.rule_sets()}


def test_registered_rule_sets_run_and_are_logged(monkeypatch):
    monkeypatch.setitem(catalogue.CATALOGUE, "TEST_ONLY", catalogue.AlertCode("TEST_ONLY", "Test", "test", "low", ""))

    import gc

    collecting: list[bool] = []

    @registry.rule_set("test-only-rule-set", order=999, codes=["TEST_ONLY"])
    def rules(ctx):
        collecting.append(gc.isenabled())
        yield Finding("TEST_ONLY", "low", "team", "T1", ctx.as_of, ("checked on " + ctx.as_of.isoformat(),))

    try:
        findings, _ = run_sweep(D1)
        assert any(f.code == "TEST_ONLY" and f.reasons == ("checked on 2024-08-15",) for f in findings)
        assert collecting == [False] and gc.isenabled()  # cycles collected after the sweep, not while it judges
        from vigil.core.models import AccessLogEntry
        assert AccessLogEntry.objects.filter(record_type="sweep", record_id="2024-08-15").exists()
    finally:
        registry._rule_sets.pop("test-only-rule-set")
