"""The s.62 access log: entries are written, chained, read back; tampering is found; the database refuses
UPDATE and DELETE."""
from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from vigil.core import access_log
from vigil.core.models import AccessLogEntry

append_only = importlib.import_module("vigil.core.migrations.0002_access_log_append_only")


def _write(n=3):
    for i in range(n):
        access_log.record(actor="tester", operation="consultation", record_type="person", record_ids=f"P{i}",
                          justification="test")


@pytest.mark.django_db
def test_entries_are_chained_and_read_back():
    _write(3)
    rows = list(AccessLogEntry.objects.order_by("id"))
    assert [r.record_id for r in rows] == ["P0", "P1", "P2"]
    assert rows[0].prev_hash == access_log.GENESIS
    assert rows[1].prev_hash == rows[0].entry_hash and rows[2].prev_hash == rows[1].entry_hash
    assert access_log.verify().intact and access_log.verify().checked == 3


@pytest.mark.django_db
def test_unknown_operation_and_missing_justification_are_refused():
    with pytest.raises(ValueError):
        access_log.record(actor="x", operation="peek", record_type="person", record_ids="P1", justification="j")
    with pytest.raises(ValueError):
        access_log.record(actor="x", operation="consultation", record_type="person", record_ids="P1",
                          justification="")
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.django_db
def test_verify_finds_the_first_altered_entry(capsys):
    _write(4)
    victim = AccessLogEntry.objects.order_by("id")[1]
    AccessLogEntry.objects.filter(pk=victim.pk).update(justification="nothing to see")  # no triggers in tests
    result = access_log.verify()
    assert not result.intact and result.broken_id == victim.pk and "altered" in result.problem
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    assert f"BROKEN at entry {victim.pk}" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_finds_a_deleted_entry():
    _write(4)
    rows = list(AccessLogEntry.objects.order_by("id"))
    AccessLogEntry.objects.filter(pk=rows[1].pk).delete()
    result = access_log.verify()
    assert result.broken_id == rows[2].pk and "deleted" in result.problem


@pytest.mark.django_db
def test_audit_verify_reports_intact(capsys):
    _write(2)
    call_command("audit", "verify")
    assert "intact: 2 entries" in capsys.readouterr().out


@pytest.mark.django_db(transaction=False)
def test_database_refuses_update_and_delete_of_log_rows():
    _write(2)
    append_only.install(connection)  # the migration's own SQL, installed inside this test's transaction
    row = AccessLogEntry.objects.order_by("id").first()
    for attempt in (lambda: AccessLogEntry.objects.filter(pk=row.pk).update(actor="mallory"),
                    lambda: AccessLogEntry.objects.filter(pk=row.pk).delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    row.refresh_from_db()
    assert row.actor == "tester"
    assert AccessLogEntry.objects.count() == 2
    # Appending still works with the triggers in place.
    _write(1)
    assert access_log.verify().intact
