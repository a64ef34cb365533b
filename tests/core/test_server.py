"""The production server (``vigil serve``, gunicorn): it answers on ``/health/`` and serves pages with several
worker processes, restarts its workers gracefully on SIGHUP without dropping the address, and stops cleanly on
SIGTERM. Run as a real process against a fresh SQLite database, as an operator would."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.core.test_cli import _env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - 127.0.0.1 only
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _workers(pid: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def _wait_healthy(base: str, proc, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server stopped: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if _get(base + "/health/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail("the server did not become healthy")


def test_the_production_server_serves_restarts_gracefully_and_stops(tmp_path):
    port = _free_port()
    env = _env(tmp_path) | {"VIGIL_ENV": "demo", "VIGIL_MFA": "off"}
    proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        status, body = _get(base + "/health/")
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
        assert _get(base + "/login/")[0] == 200
        before = _workers(proc.pid)
        assert len(before) == 2
        os.kill(proc.pid, signal.SIGHUP)  # graceful restart: new workers, the same address
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (_workers(proc.pid) & before or len(_workers(proc.pid)) != 2):
            time.sleep(0.3)
        after = _workers(proc.pid)
        assert len(after) == 2 and not after & before
        assert _get(base + "/health/")[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=45)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, proc.stderr.read()
    assert "with 2 worker processes" in proc.stdout.read()


def test_a_bad_number_of_workers_is_one_line_exit_2(tmp_path):
    from tests.core.test_cli import _vigil

    proc = _vigil(tmp_path, "serve", "--workers", "many")
    assert proc.returncode == 2 and proc.stderr.strip() == "--workers 'many' is not a number of workers (0 to 64)"


def test_the_demo_serves_from_a_fresh_program_image_not_a_fork_of_the_busy_process(tmp_path):
    """``vigil demo`` has run DuckDB (linkage) and more before serving: their threads would not survive gunicorn's
    fork. ``serve_afresh`` becomes ``vigil serve`` in the same process (exec), and that serves."""
    port = _free_port()
    env = _env(tmp_path) | {"VIGIL_ENV": "demo", "VIGIL_MFA": "off", "DJANGO_SETTINGS_MODULE": "vigil.config.settings"}
    script = ("import django; django.setup()\n"
              "from django.core.management import call_command; call_command('migrate', verbosity=0)\n"
              "import duckdb; duckdb.sql('SELECT count(*) FROM range(1000000)').fetchall()\n"
              f"from vigil.web.server import serve_afresh; serve_afresh('127.0.0.1', {port})\n")
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        with open(f"/proc/{proc.pid}/cmdline", "rb") as fh:
            assert b"vigil.cli\x00serve" in fh.read()  # the same process, now the server's own program
        assert all(_get(base + "/login/")[0] == 200 for _ in range(6))
        # Beside the server, one background worker for the jobs started from the web.
        jobs = [p for p in _workers(proc.pid) if b"vigil.cli\x00worker" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert len(jobs) == 1
        os.kill(proc.pid, signal.SIGHUP)  # restarting the server's workers leaves the background worker running
        time.sleep(3)
        assert _get(base + "/health/")[0] == 200 and os.path.exists(f"/proc/{jobs[0]}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=45)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(f"/proc/{jobs[0]}"):
        time.sleep(0.2)
    assert not os.path.exists(f"/proc/{jobs[0]}"), "the background worker outlived the server"
    assert "SIGSEGV" not in proc.stderr.read()


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="PostgreSQL only: its connection pool (SQLite has none)")
def test_on_postgresql_each_worker_process_has_its_own_connections(tmp_path, postgres_database):
    """The server's main process migrates (a pooled connection) before it forks its workers: a pool inherited by
    two processes shares one socket between them, and requests read each other's answers. Many requests at once,
    on both workers, all answer."""
    port = _free_port()
    env = _env(tmp_path) | {"VIGIL_ENV": "demo", "VIGIL_MFA": "off", "DATABASE_URL": postgres_database}
    proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, seconds=180)
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: _get(base + "/health/"), range(400)))
        assert [s for s, _ in answers].count(200) == 400, {s for s, _ in answers}
        assert all(json.loads(body) == {"status": "ok", "database": "ok"} for _, body in answers)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=45)
