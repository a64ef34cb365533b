"""The `vigil` command line: help everywhere, one-line errors with exit 2, and the README's commands work."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vigil.cli import COMMANDS, main


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/cli.sqlite3", VIGIL_VAR_DIR=str(tmp_path / "var"))
    return env


def _vigil(tmp_path, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=_env(tmp_path), capture_output=True,
                          text=True, cwd=tmp_path, timeout=300, input=stdin)


def test_vigil_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert f"  {name}" in out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(tmp_path, command):
    proc = _vigil(tmp_path, command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: vigil {command}")


def test_an_unknown_command_is_one_line_and_exit_2(capsys):
    assert main(["frobnicate"]) == 2
    assert "'frobnicate' is not a command" in capsys.readouterr().err


def test_bad_as_of_is_one_line_exit_2(tmp_path):
    proc = _vigil(tmp_path, "sweep", "--as-of", "15/08/2024")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "--as-of '15/08/2024' is not a date in the form YYYY-MM-DD"


def test_a_bad_database_url_is_one_line(tmp_path):
    env = _env(tmp_path)
    env["DATABASE_URL"] = "mysql://x@y/z"
    proc = subprocess.run([sys.executable, "-m", "vigil.cli", "audit", "verify"], env=env, capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "not supported" in proc.stderr and "Traceback" not in proc.stderr


READ_AHEAD_OR_IN_PLACE = """
import datetime as dt, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
import django
django.setup()
from django.db import transaction
from vigil.core import rows
from vigil.sweep.engine import evaluate
started = []
real = rows._in_process
rows._in_process = lambda *a: started.append(1) or real(*a)
found = {}
for ahead in (True, False):
    with transaction.atomic():
        found[ahead] = set(evaluate(dt.date(2024, 8, 15), read_ahead=ahead)[0])
        transaction.set_rollback(True)
print("processes", len(started), "same", found[True] == found[False] and bool(found[True]))
"""


def test_generate_sweep_export_import_round_trip_on_a_fresh_database(tmp_path):
    """The interchange commands end to end, in a new database each (as a force moving systems would)."""
    gen = _vigil(tmp_path, "generate", "--scale", "small", "--seed", "7", "--as-of", "2024-08-15")
    assert gen.returncode == 0, gen.stderr
    sweep = _vigil(tmp_path, "sweep", "--as-of", "2024-08-15", "--json")
    assert sweep.returncode == 0, sweep.stderr
    alerts = json.loads(sweep.stdout)
    assert isinstance(alerts, list)
    again = _vigil(tmp_path, "sweep", "--as-of", "2024-08-15", "--json")
    assert json.loads(again.stdout) == alerts  # idempotent
    # On an SQLite file the sweep reads the offenders' facts ahead in another process: the same findings.
    compare = subprocess.run([sys.executable, "-c", READ_AHEAD_OR_IN_PLACE], env=_env(tmp_path), cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
    assert compare.returncode == 0, compare.stderr
    assert compare.stdout.split() == ["processes", "1", "same", "True"], compare.stdout
    exp = _vigil(tmp_path, "export", "--out", str(tmp_path / "doc.json"), "--recipient", "test")
    assert exp.returncode == 0, exp.stderr
    doc = json.loads((tmp_path / "doc.json").read_text())
    assert doc["format"] == "vigil-interchange/1" and doc["people"]
    other = tmp_path / "other"
    other.mkdir()
    imp = _vigil(other, "import", str(tmp_path / "doc.json"))
    assert imp.returncode == 0, imp.stderr
    again = _vigil(other, "import", str(tmp_path / "doc.json"))
    assert again.returncode == 2 and "already exist and are refused" in again.stderr
    verify = _vigil(other, "audit", "verify")
    assert verify.returncode == 0 and "intact" in verify.stdout


def test_serve_on_a_port_in_use_is_one_line_exit_2(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = _vigil(tmp_path, "serve", "--port", str(port))
    assert proc.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in proc.stderr and "Traceback" not in proc.stderr
    assert "Serving on" not in proc.stdout, "it said it was serving on an address it could not have"
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
