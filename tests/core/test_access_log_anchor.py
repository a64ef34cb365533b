"""The anchored access log: tampering by someone who can write to the database but holds neither the signing
key nor the witness is found by ``vigil audit verify``: newest entries deleted, all deleted, an entry rewritten
and the chain recomputed, a forged append, a forged checkpoint, and (on PostgreSQL) triggers switched off."""
from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from vigil.core import access_log, log_anchor
from vigil.core.models import AccessLogEntry


def _write(n, start=0):
    for i in range(start, start + n):
        access_log.record(actor="tester", operation="consultation", record_type="person", record_ids=f"P{i}",
                          justification="test")


def _verify_cli(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify", *args)
        raise SystemExit(0)
    return exc.value.code, capsys.readouterr().out


def _unkeyed_rewrite(row_id, **changes):
    """What an attacker with database access but no key can do: change a row and recompute the chain from it
    with plain SHA-256 (the only hash they can compute)."""
    rows = list(AccessLogEntry.objects.filter(id__gte=row_id).order_by("id"))
    prev = AccessLogEntry.objects.filter(id__lt=row_id).order_by("-id").values_list("entry_hash", flat=True).first()
    prev = prev or access_log.GENESIS
    for i, row in enumerate(rows):
        if i == 0:
            for k, v in changes.items():
                setattr(row, k, v)
        h = hashlib.sha256((prev + access_log._canonical(access_log._fields(row))).encode()).hexdigest()
        AccessLogEntry.objects.filter(pk=row.pk).update(prev_hash=prev, entry_hash=h,
                                                        **{k: getattr(row, k) for k in changes})
        prev = h


@pytest.mark.django_db
def test_entries_are_signed_with_the_key_in_use():
    _write(2)
    rows = list(AccessLogEntry.objects.order_by("id"))
    ring = log_anchor.keyring()
    assert {r.key_id for r in rows} == {ring.current}
    # The hash is the HMAC under the key, not a plain SHA-256 anyone could compute.
    assert rows[0].entry_hash == access_log.entry_hash(access_log.GENESIS, access_log._fields(rows[0]),
                                                      ring.keys[ring.current])
    assert rows[0].entry_hash != access_log.entry_hash(access_log.GENESIS, access_log._fields(rows[0]))


@pytest.mark.django_db
def test_newest_entries_deleted_after_a_checkpoint_are_found(capsys):
    _write(5)
    mark = access_log.checkpoint()
    assert mark.number == 1 and mark.last_id == AccessLogEntry.objects.order_by("-id").first().pk
    assert _verify_cli(capsys)[0] == 0
    newest = list(AccessLogEntry.objects.order_by("-id")[:2])
    AccessLogEntry.objects.filter(pk__in=[r.pk for r in newest]).delete()  # the chain that remains is intact
    code, out = _verify_cli(capsys)
    assert code == 1
    assert "BROKEN" in out and "the newest entries were deleted" in out and "checkpoint 1" in out


@pytest.mark.django_db
def test_every_entry_deleted_is_found(capsys):
    _write(3)
    access_log.checkpoint()
    AccessLogEntry.objects.all().delete()
    code, out = _verify_cli(capsys)
    assert code == 1 and "the log ends at entry none" in out


@pytest.mark.django_db
def test_deleted_entries_followed_by_new_ones_are_found(capsys):
    """Cut the tail off, then let the application append again (it holds the key): the checkpoint's entry is gone."""
    _write(4)
    access_log.checkpoint()
    newest = AccessLogEntry.objects.order_by("-id").first()
    AccessLogEntry.objects.filter(pk=newest.pk).delete()
    _write(3, start=10)
    code, out = _verify_cli(capsys)
    assert code == 1 and f"entry {newest.pk}, which checkpoint 1" in out and "missing or changed" in out


@pytest.mark.django_db
def test_an_entry_rewritten_and_the_chain_recomputed_is_found(capsys):
    _write(4)
    victim = AccessLogEntry.objects.order_by("id")[1]
    _unkeyed_rewrite(victim.pk, justification="nothing to see")
    code, out = _verify_cli(capsys)
    assert code == 1 and f"BROKEN at entry {victim.pk}" in out


@pytest.mark.django_db
def test_a_forged_append_is_found(capsys):
    _write(3)
    last = AccessLogEntry.objects.order_by("-id").first()
    for key_id in ("", "k9"):  # unsigned, or claiming a key this installation does not hold
        forged = AccessLogEntry(at=last.at, operation="consultation", outcome="allowed", actor="mallory",
                                actor_officer="", record_type="person", record_id="P1", justification="own work",
                                recipients=[], detail="", request_id="", key_id=key_id or None,
                                prev_hash=last.entry_hash)
        forged.entry_hash = access_log.entry_hash(last.entry_hash, access_log._fields(forged), b"g" * 32)
        forged.save()
        code, out = _verify_cli(capsys)
        assert code == 1 and f"BROKEN at entry {forged.pk}" in out
        assert ("unsigned, after signed entries" if not key_id else "does not hold") in out
        forged.delete()


@pytest.mark.django_db
def test_a_whole_log_replaced_is_found(capsys):
    _write(3)
    access_log.checkpoint()
    ids = list(AccessLogEntry.objects.values_list("id", flat=True))
    AccessLogEntry.objects.all().delete()
    # A new, self-consistent unkeyed chain of the same length (ids continue from the sequence).
    prev = access_log.GENESIS
    for i in range(len(ids) + 2):
        e = AccessLogEntry(at=timezone.now(),
                           operation="consultation", outcome="allowed", actor="mallory", actor_officer="",
                           record_type="person", record_id=f"X{i}", justification="j", recipients=[], detail="",
                           request_id="", key_id=None, prev_hash=prev)
        e.entry_hash = access_log.entry_hash(prev, access_log._fields(e))
        e.save()
        prev = e.entry_hash
    code, out = _verify_cli(capsys)
    assert code == 1 and "missing or changed" in out


@pytest.mark.django_db
def test_a_forged_checkpoint_is_found(capsys):
    _write(2)
    access_log.checkpoint()
    path = log_anchor.witness_file()
    line = json.loads(path.read_text().splitlines()[-1])
    line.update(n=2, last_id=1)
    with path.open("a") as fh:
        fh.write(json.dumps(line) + "\n")
    code, out = _verify_cli(capsys)
    assert code == 1 and "witness line 2 is not a genuine checkpoint" in out


@pytest.mark.django_db
def test_key_rotation_is_recorded_in_the_chain_and_old_entries_still_verify(capsys, settings, tmp_path):
    settings.VIGIL_AUDIT_KEY_FILE = str(tmp_path / "audit.keys")
    _write(2)
    old = log_anchor.keyring().current
    call_command("audit", "new-key")
    new = log_anchor.keyring().current
    assert new != old
    _write(1, start=5)
    rows = list(AccessLogEntry.objects.order_by("id"))
    rotation = rows[-2]
    assert (rotation.record_type, rotation.record_id, rotation.key_id) == ("access_log", "signing-key", new)
    assert rotation.detail == f"signing key changed from {old} to {new}"
    assert rows[-1].key_id == new and rows[0].key_id == old
    assert _verify_cli(capsys)[0] == 0
    # A key file that has lost the old key can no longer vouch for the old entries.
    path = log_anchor.key_file()
    path.write_text("\n".join(ln for ln in path.read_text().splitlines() if not ln.startswith(old + " ")) + "\n")
    code, out = _verify_cli(capsys)
    assert code == 1 and f"signed with key {old!r}" in out


@pytest.mark.django_db
def test_entries_from_before_keys_verify_and_the_first_signed_entry_records_the_change(capsys):
    """An installation upgraded from the unkeyed chain: the old entries still verify."""
    prev = access_log.GENESIS
    for i in range(2):
        e = AccessLogEntry(at=timezone.now(), operation="consultation",
                           outcome="allowed", actor="old", actor_officer="", record_type="person", record_id=f"O{i}",
                           justification="j", recipients=[], detail="", request_id="", key_id=None, prev_hash=prev)
        e.entry_hash = access_log.entry_hash(prev, access_log._fields(e))
        e.save()
        prev = e.entry_hash
    _write(1)
    rows = list(AccessLogEntry.objects.order_by("id"))
    assert rows[2].detail.startswith("signing key changed from none (unkeyed entries)")
    code, out = _verify_cli(capsys)
    assert code == 0 and "intact: 4 entries" in out


@pytest.mark.django_db
def test_verify_since_a_checkpoint(capsys):
    _write(3)
    first = access_log.checkpoint()
    _write(4, start=3)
    access_log.checkpoint()
    code, out = _verify_cli(capsys, "--since", str(first.number))
    assert code == 0 and "intact: 4 entries checked after checkpoint 1" in out
    # An entry before the checkpoint altered: the quick check sees its checkpointed entry changed.
    AccessLogEntry.objects.filter(pk=first.last_id).update(entry_hash="f" * 64)
    code, out = _verify_cli(capsys, "--since", "1")
    assert code == 1 and "changed" in out
    for bad in ("0", "x", "-1"):
        with pytest.raises(SystemExit) as exc:
            call_command("audit", "verify", "--since", bad)
        assert exc.value.code == 2
    code, out = _verify_cli(capsys, "--since", "7")
    assert code == 1 and "there is no checkpoint 7" in out


@pytest.mark.django_db
def test_without_any_checkpoint_verify_says_a_cut_could_not_be_seen(capsys):
    _write(1)
    code, out = _verify_cli(capsys)
    assert code == 0 and "warning: no checkpoint" in out


@pytest.mark.django_db
def test_the_log_checkpoints_itself_when_written(django_capture_on_commit_callbacks, settings):
    settings.VIGIL_AUDIT_CHECKPOINT_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        _write(1)
    marks = log_anchor.checkpoints()
    assert len(marks) == 1 and marks[0].last_id == AccessLogEntry.objects.get().pk and marks[0].genuine


@pytest.mark.django_db
def test_every_sweep_checkpoints(django_capture_on_commit_callbacks):
    import datetime as dt

    from vigil.sweep.engine import run_sweep
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep(dt.date(2024, 8, 15))
    marks = log_anchor.checkpoints()
    assert marks and marks[-1].last_id == AccessLogEntry.objects.order_by("-id").first().pk


@pytest.mark.django_db
def test_checkpoint_command(capsys):
    call_command("audit", "checkpoint")
    assert "the access log is empty" in capsys.readouterr().out
    _write(2)
    call_command("audit", "checkpoint")
    assert capsys.readouterr().out.startswith("checkpoint 1: entry ")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=False)
def test_triggers_switched_off_on_postgresql_and_the_tail_deleted_is_found(capsys):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import importlib
    importlib.import_module("vigil.core.migrations.0002_access_log_append_only").install(connection)
    _write(4)
    access_log.checkpoint()
    with connection.cursor() as cur:  # what a superuser can do, and the application role cannot
        cur.execute("ALTER TABLE core_accesslogentry DISABLE TRIGGER USER")
        cur.execute("DELETE FROM core_accesslogentry WHERE id = (SELECT max(id) FROM core_accesslogentry)")
        cur.execute("ALTER TABLE core_accesslogentry ENABLE TRIGGER USER")
    code, out = _verify_cli(capsys)
    assert code == 1 and "the newest entries were deleted" in out
