"""A sweep is all or nothing, and two sweeps at once run one after the other instead of one failing."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from tests.offenders.factories import seed_case
from vigil.offenders.models import Escalation
from vigil.sweep import registry
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert

TODAY = dt.date(2024, 8, 15)


@pytest.fixture
def failing_rule_set():
    @registry.rule_set("zz-fails-halfway", order=10_000, codes=[])
    def fails(ctx):
        raise RuntimeError("the process died here")
        yield  # pragma: no cover

    yield
    registry._rule_sets.pop("zz-fails-halfway")


@pytest.mark.django_db
def test_a_sweep_that_dies_halfway_leaves_nothing_of_itself(org, failing_rule_set):
    seed_case(org)  # a subject whose sweep opens escalations (side effects of the offender rule set)
    with pytest.raises(RuntimeError):
        run_sweep(TODAY)
    assert not Escalation.objects.exists() and not Alert.objects.exists()


@pytest.mark.django_db
def test_the_same_sweep_without_the_failure_opens_escalations_with_their_alerts(org):
    seed_case(org)
    run_sweep(TODAY)
    assert Escalation.objects.exists() and Alert.objects.filter(status="open").exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_both_finish(org):
    seed_case(org)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def sweep():
        try:
            barrier.wait()
            run_sweep(TODAY)
            outcomes.append("done")
        except Exception as exc:  # what the test is looking for
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert outcomes == ["done", "done"], outcomes
    # Run one after the other, the second found the first's alerts and opened no duplicates.
    keys = list(Alert.objects.filter(status="open").values_list("code", "entity_type", "entity_id"))
    assert len(keys) == len(set(keys)) and keys
    assert connection.vendor in ("sqlite", "postgresql")
