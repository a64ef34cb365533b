"""``vigil link --engine spark``: the same model on Splink's Spark backend (a local Spark in a Java process) finds
the same pairs with the same probabilities and the same identities as DuckDB; a Spark that cannot start changes
nothing and says why in one line."""
from __future__ import annotations

import pytest

from tests.people.test_linkage import DAY, handful  # noqa: F401  (the fixture)
from vigil.core.errors import InputError
from vigil.people.linkage.models import LinkRun, RecordMatch
from vigil.people.linkage.services import run_linkage
from vigil.people.models import Person

pytestmark = pytest.mark.django_db


def _outcome() -> tuple[dict, dict]:
    pairs = {(m.left.ref, m.right.ref): (m.status, round(m.probability, 6))
             for m in RecordMatch.objects.select_related("left", "right")}
    identities = dict(Person.objects.values_list("ref", "identity__ref"))
    return pairs, identities


def test_spark_links_the_same_pairs_and_identities_as_duckdb(handful):  # noqa: F811
    run_linkage(as_of=DAY, engine="duckdb")
    on_duckdb = _outcome()
    RecordMatch.objects.all().delete()
    Person.objects.update(identity=None)
    run = run_linkage(as_of=DAY, engine="spark")
    assert _outcome() == on_duckdb
    assert on_duckdb[0] and any(status == "linked_auto" for status, _ in on_duckdb[0].values())
    assert run.parameters == "prior" and run.pairs_scored == len(on_duckdb[0])


def test_a_spark_that_cannot_start_changes_nothing_and_says_why(handful, monkeypatch):  # noqa: F811
    monkeypatch.setenv("VIGIL_SPARK_CONF", "spark.driver.memory")
    with pytest.raises(InputError, match=r"VIGIL_SPARK_CONF: .spark\.driver\.memory. is not key=value"):
        run_linkage(as_of=DAY, engine="spark")
    monkeypatch.setenv("VIGIL_SPARK_CONF", "")
    monkeypatch.setenv("VIGIL_SPARK_MASTER", "nowhere://cluster")
    with pytest.raises(InputError, match="--engine spark: Spark did not start"):
        run_linkage(as_of=DAY, engine="spark")
    assert not LinkRun.objects.exists() and not RecordMatch.objects.exists()


def test_with_nothing_to_compare_no_engine_is_started(monkeypatch):
    monkeypatch.setenv("VIGIL_SPARK_MASTER", "nowhere://cluster")  # would fail if Spark were started
    run = run_linkage(as_of=DAY, engine="spark")
    assert run.pairs_scored == 0 and run.records == 0
