"""core.rows: the fast reads and writes the sweep, linkage and the access log use must store and read exactly what
the ORM stores and reads, on both engines."""
import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import factories
from vigil.core import rows
from vigil.sweep.models import Alert
from vigil.work.models import Task

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _task(team, n: int, due: dt.datetime, reasons) -> dict:
    return {"source": f"test:{n}", "kind": "test", "title": f"Task {n}", "reasons": reasons, "record_type": "crime",
            "record_ref": f"C{n}", "team_id": team.pk, "due": due, "created_at": due - dt.timedelta(days=1)}


def test_insert_writes_what_the_orm_would_and_fills_defaults():
    team = factories.team("T-ROWS")
    due = dt.datetime(2024, 3, 31, 23, 59, 59, 123456, tzinfo=UTC)
    written = rows.insert(Task, [_task(team, 1, due, ["a reason", {"nested": [1, 2.5, None]}]),
                                 _task(team, 2, due.replace(microsecond=0), [])])
    assert written == 2
    first, second = Task.objects.order_by("source")
    assert first.due == due and first.created_at == due - dt.timedelta(days=1)
    assert first.reasons == ["a reason", {"nested": [1, 2.5, None]}] and second.reasons == []
    assert (first.severity, first.status, first.outcome, first.owner_id, first.closed_at) == ("high", "open", "",
                                                                                              None, None)
    assert second.due == due.replace(microsecond=0)


def test_insert_takes_unsaved_instances_and_tuples_by_column():
    team = factories.team("T-ROWS2")
    since = dt.date(2024, 2, 29)
    rows.insert(Alert, [Alert(code="VISIT_OVERDUE", severity="high", entity_type="subject", entity_id="S1",
                              since=since, reasons=["r"], team=team, opened_as_of=since, last_seen_as_of=since)])
    rows.insert(Alert, [("VISIT_OVERDUE", "high", "subject", "S2", since, ["s"], "open", since, since)],
                columns=("code", "severity", "entity_type", "entity_id", "since", "reasons", "status",
                         "opened_as_of", "last_seen_as_of"))
    got = {a.entity_id: (a.since, a.reasons, a.team_id, a.status) for a in Alert.objects.all()}
    assert got == {"S1": (since, ["r"], team.pk, "open"), "S2": (since, ["s"], None, "open")}
    assert rows.insert(Alert, []) == 0


def test_set_values_sets_each_row_its_own_value_and_null():
    team, other = factories.team("T-ROWS3"), factories.team("T-ROWS4")
    due = dt.datetime(2024, 1, 1, tzinfo=UTC)
    rows.insert(Task, [_task(team, n, due, []) for n in range(5)])
    pks = list(Task.objects.order_by("source").values_list("pk", flat=True))
    assert rows.set_values(Task, "team_id", {pks[0]: other.pk, pks[1]: other.pk}) == 2
    assert rows.set_values(Task, "closed_at", {pks[2]: due, pks[3]: None}) == 2
    got = dict(Task.objects.values_list("pk", "team_id"))
    assert [got[pk] for pk in pks] == [other.pk, other.pk, team.pk, team.pk, team.pk]
    assert Task.objects.get(pk=pks[2]).closed_at == due and Task.objects.get(pk=pks[3]).closed_at is None
    assert rows.set_values(Task, "team_id", {}) == 0


@settings(max_examples=25, deadline=None)
@given(moments=st.lists(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
                                     timezones=st.just(UTC)), min_size=1, max_size=5))
def test_plain_rows_reads_the_same_instants_as_the_orm(moments):
    """Read without the ORM (and on PostgreSQL with psycopg's own time loader): the same aware instants."""
    team = factories.team("T-ROWS5") if not Task.objects.exists() else Task.objects.first().team
    Task.objects.all().delete()
    rows.insert(Task, [_task(team, n, m, []) for n, m in enumerate(moments)])
    qs = Task.objects.order_by("source").values_list("source", "due", "closed_at")
    assert rows.plain_rows(qs, datetimes=(1, 2)) == list(qs)


def test_chunks_cover_every_id_once():
    ids = list(range(45_001))
    chunks = list(rows.chunks(ids))
    assert [i for c in chunks for i in c] == ids and max(len(c) for c in chunks) <= 20_000


def test_a_read_ahead_answers_from_elsewhere_and_hands_back_its_failure():
    """SQLite: another process; PostgreSQL: another thread (the database reads in its own processes)."""
    import operator
    import os
    import threading

    from vigil.core.rows import read_ahead

    if connection.vendor == "sqlite":
        assert read_ahead(os.getpid).result(timeout=120) != os.getpid()
    else:
        assert read_ahead(threading.get_ident).result(timeout=120) != threading.get_ident()
    assert read_ahead(sum, [1, 2, 3]).result(timeout=120) == 6
    assert read_ahead(print, "printed, not part of the answer").result(timeout=120) is None
    with pytest.raises(ZeroDivisionError):
        read_ahead(operator.truediv, 1, 0).result(timeout=120)


def test_a_reader_started_early_answers_the_first_question_and_one_never_asked_is_stopped(monkeypatch):
    """``vigil sweep`` starts its other process as it starts itself (both set up at once): the first read-ahead
    (SQLite) or judgement elsewhere (PostgreSQL) is answered by that process, a later one by a new one; one never
    asked is stopped at exit."""
    import os

    from vigil.core import reader
    from vigil.core.rows import judge_elsewhere, read_ahead

    ask = read_ahead if connection.vendor == "sqlite" else judge_elsewhere  # what goes to another process
    monkeypatch.setattr(reader, "_early", None)
    reader.start_early()
    early = reader._early
    assert early is not None and early.poll() is None
    assert ask(os.getpid).result(timeout=120) == early.pid
    assert reader._early is None
    assert ask(os.getpid).result(timeout=120) not in (early.pid, os.getpid())

    reader.start_early()
    unasked = reader._early
    reader._dismiss()  # what happens at exit when the command failed before it asked
    assert unasked.returncode is not None and reader._early is None


def test_the_cycle_collector_is_paused_for_a_bulk_job_and_resumed_after_it_even_when_it_fails():
    import gc

    from vigil.core.rows import cycles_collected_after

    assert gc.isenabled()
    with cycles_collected_after():
        assert not gc.isenabled()
        with cycles_collected_after():  # nested: the inner one leaves it paused for the outer
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycles_collected_after():
        raise RuntimeError("the job failed")
    assert gc.isenabled()
