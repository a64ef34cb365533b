"""What anchors the s.62 access log outside the database: the signing keys and the witness of checkpoints.

Someone who can write to the database but holds neither of these can still change rows, but cannot do it
unnoticed:

- **Keys.** Each entry's hash is an HMAC under a key held outside the database (``VIGIL_AUDIT_KEY`` or the key
  file ``VIGIL_AUDIT_KEY_FILE``). Without the key an entry cannot be forged, nor the chain recomputed after an
  edit. A key file holds one key per line (``ID SECRET``); the last line is the key in use, the earlier ones
  verify older entries. A change of key is itself an entry in the chain (see ``access_log.record``).
- **Witness.** A checkpoint (the newest entry's id and hash, signed) is appended to a witness outside the
  database (``VIGIL_AUDIT_WITNESS``: a file, and/or ``syslog``) every few minutes while the log is written, at
  every sweep and on ``vigil audit checkpoint``. ``vigil audit verify`` checks the log against the newest
  checkpoint, so deleting the newest entries, or all of them, or replacing the whole log, is found.

Both default to files under ``VIGIL_VAR_DIR`` (the key file is made on first use, owner-only). In production,
``manage.py check --deploy`` warns while either sits beside an embedded database; ``docs/operations.md`` says
where to keep them: never with the database or in its backups.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import syslog
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks

from vigil.core.errors import InputError

_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_last_checkpoint_at: dict[str, float] = {}
_ring_cache: dict = {}  # the key file's (path, mtime) and its parsed keys  # witness path -> monotonic time of this process's last checkpoint


# Keys --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    current: str
    source: str  # "environment" or the key file's path

    def key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)


def _parse_keys(text: str, source: str) -> KeyRing:
    keys: dict[str, bytes] = {}
    current = ""
    for n, raw in enumerate(text.replace(",", "\n").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key_id, sep, secret = line.replace(":", " ", 1).partition(" ")
        secret = secret.strip()
        if not sep or not _KEY_ID.match(key_id) or len(secret) < 32:
            raise InputError(f"access-log key {n} in {source} is not 'ID SECRET' with a secret of 32+ characters")
        keys[key_id] = secret.encode("utf-8")
        current = key_id
    if not keys:
        raise InputError(f"{source} holds no access-log key")
    return KeyRing(keys, current, source)


def key_file() -> Path:
    return Path(getattr(settings, "VIGIL_AUDIT_KEY_FILE", "") or settings.VAR_DIR / "audit.keys")


def keyring() -> KeyRing:
    """The keys, from ``VIGIL_AUDIT_KEY`` ("ID:SECRET[,ID:SECRET...]", last in use) or the key file."""
    env = getattr(settings, "VIGIL_AUDIT_KEY", "")
    if env:
        return _parse_keys(env, "VIGIL_AUDIT_KEY")
    path = key_file()
    if not path.exists():
        _append_key(path, "k1")
    stamp = (str(path), path.stat().st_mtime_ns)
    if _ring_cache.get("stamp") != stamp:  # read once per change of the file, not on every log entry
        _ring_cache.update(stamp=stamp, ring=_parse_keys(path.read_text(encoding="utf-8"), str(path)))
    return _ring_cache["ring"]


def _append_key(path: Path, key_id: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(f"{key_id} {secrets.token_hex(32)}\n")


def new_key() -> str:
    """Add a key to the key file and make it the one in use; the next entry records the change. Returns its id."""
    if getattr(settings, "VIGIL_AUDIT_KEY", ""):
        raise InputError("the keys come from VIGIL_AUDIT_KEY: add the new key there (ID:SECRET, last in use)")
    ring = keyring()
    n = 1 + max((int(k[1:]) for k in ring.keys if re.fullmatch(r"k\d+", k)), default=0)
    _append_key(key_file(), f"k{n}")
    return f"k{n}"


def sign(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


# Witness -----------------------------------------------------------------------------------------------------
def witness_targets() -> list[str]:
    raw = getattr(settings, "VIGIL_AUDIT_WITNESS", "") or str(settings.VAR_DIR / "audit-witness.jsonl")
    return [t.strip() for t in raw.split(",") if t.strip()]


def witness_file() -> Path | None:
    """The witness file that verify reads back (syslog is written to, never read)."""
    for t in witness_targets():
        if t != "syslog":
            return Path(t.removeprefix("file:"))
    return None


@dataclass(frozen=True)
class Checkpoint:
    number: int
    at: str
    last_id: int
    head: str
    key_id: str
    genuine: bool = True

    def describe(self) -> str:
        return f"checkpoint {self.number} ({self.at}, entry {self.last_id})"


def _checkpoint_body(c: dict) -> str:
    return json.dumps({k: c[k] for k in ("n", "at", "last_id", "head", "key_id")}, sort_keys=True,
                      separators=(",", ":"))


def checkpoints(ring: KeyRing | None = None) -> list[Checkpoint]:
    """Every checkpoint in the witness file, oldest first; one whose signature fails is marked not genuine."""
    path = witness_file()
    if path is None or not path.exists():
        return []
    ring = ring or keyring()
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            c = json.loads(line)
            key = ring.key(c["key_id"])
            genuine = key is not None and hmac.compare_digest(sign(key, _checkpoint_body(c)), c["mac"])
            out.append(Checkpoint(int(c["n"]), c["at"], int(c["last_id"]), c["head"], c["key_id"], genuine))
        except (ValueError, KeyError, TypeError):
            out.append(Checkpoint(len(out) + 1, "?", 0, "", "", genuine=False))
    return out


def _last_number(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 4096))
        tail = fh.read().decode("utf-8", "replace").strip().splitlines()
    with contextlib.suppress(ValueError, KeyError, IndexError):
        return int(json.loads(tail[-1])["n"])
    return 0


def write_checkpoint(last_id: int, head: str, at: str) -> Checkpoint | None:
    """Append a signed checkpoint of the chain's head to every witness target. None when the log is empty."""
    if not last_id:
        return None
    ring = keyring()
    path = witness_file()
    number = 0
    line = ""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            number = _last_number(path) + 1
            body = {"n": number, "at": at, "last_id": last_id, "head": head, "key_id": ring.current}
            line = json.dumps(dict(body, mac=sign(ring.keys[ring.current], _checkpoint_body(body))),
                              sort_keys=True)
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        _last_checkpoint_at[str(path)] = time.monotonic()
    if "syslog" in witness_targets():
        body = {"n": number, "at": at, "last_id": last_id, "head": head, "key_id": ring.current}
        line = line or json.dumps(dict(body, mac=sign(ring.keys[ring.current], _checkpoint_body(body))))
        syslog.openlog("vigil-audit", 0, syslog.LOG_AUTHPRIV)
        syslog.syslog(syslog.LOG_NOTICE, f"access-log checkpoint {line}")
    return Checkpoint(number, at, last_id, head, ring.current)


def checkpoint_due() -> bool:
    """True when this process has not written a checkpoint within VIGIL_AUDIT_CHECKPOINT_SECONDS."""
    interval = getattr(settings, "VIGIL_AUDIT_CHECKPOINT_SECONDS", 300)
    path = witness_file()
    key = str(path)
    if key not in _last_checkpoint_at:
        if path is not None and path.exists():
            _last_checkpoint_at[key] = time.monotonic() - max(0.0, time.time() - path.stat().st_mtime)
        else:
            return True
    return time.monotonic() - _last_checkpoint_at[key] >= interval


@checks.register(checks.Tags.security, deploy=True)
def anchor_apart_from_database(app_configs=None, **kwargs):
    """A key or witness in the same folder as the SQLite database is copied, and lost, with it."""
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("sqlite3") or getattr(settings, "VIGIL_AUDIT_KEY", ""):
        places = {}
    else:
        places = {"key file": key_file()}
    witness = witness_file()
    if witness is not None and db["ENGINE"].endswith("sqlite3"):
        places["witness"] = witness
    folder = Path(str(db["NAME"])).resolve().parent
    return [checks.Warning(f"the access log's {what} ({path}) is in the database's folder",
                           hint="keep it apart from the database and its backups (docs/operations.md)",
                           id="vigil.W001")
            for what, path in places.items() if path.resolve().parent == folder]
