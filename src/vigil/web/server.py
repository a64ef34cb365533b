"""Serving Vigil: gunicorn, a production WSGI server (``vigil serve --workers N``, and ``vigil demo`` the same way),
with graceful restarts (SIGHUP reloads the workers, SIGTERM lets requests finish) and ``/health/`` for a load
balancer. ``--workers 0`` runs one process with Django's threaded server instead (a developer's machine). Static
files are served by WhiteNoise; TLS is terminated in front (docs/operations.md).

Each worker sends the immediate notices of new work every minute (``work.notices.start_sender``); a notice is
claimed before it is sent, so several workers never send one twice (docs/adr/0019)."""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys

from django.core.servers.basehttp import run
from django.core.wsgi import get_wsgi_application

from vigil.core.errors import InputError


def port_number(text: str | int) -> int:
    """A TCP port to listen on (1–65535), or InputError with one line."""
    raw = str(text).strip()
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise InputError(f"--port {str(text)[:40]!r} is not a port number (1 to 65535)")
    return int(raw)


def host_address(text: str) -> str:
    """A host name or address this machine can listen on, or InputError with one line."""
    shown = repr(text[:60])
    if not text or "\x00" in text or not text.isprintable():
        raise InputError(f"--host {shown} is not a host name or address")
    try:
        socket.getaddrinfo(text, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not a host name or address"
        raise InputError(f"--host {shown}: {reason}") from None
    return text


def workers_count(text: str | int) -> int:
    """How many worker processes (0: one process, Django's threaded server), or InputError with one line."""
    raw = str(text).strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > 64:
        raise InputError(f"--workers {str(text)[:40]!r} is not a number of workers (0 to 64)")
    return int(raw)


def _check_address(host: str, port: int) -> None:
    """Refuse an address in use (or not ours) with one line, before any server starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as exc:
        raise InputError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (choose another --host or --port)") \
            from None
    finally:
        probe.close()


def serve(host: str, port: int | str, workers: int | str = 2, threads: int = 4, with_worker: bool = False,
          announce=None) -> None:
    """Serve the application until stopped; ``with_worker`` also runs one ``vigil worker`` for the background jobs,
    stopped with the server (one machine, as the demo; production runs the worker as its own service).
    ``announce(line)`` is told where it serves, once the arguments are checked and the address is free."""
    host, port, workers = host_address(host), port_number(port), workers_count(workers)
    _check_address(host, port)
    if announce:
        announce(f"Serving on http://{host}:{port}/ with {workers or 'no'} worker process{'es' if workers != 1 else ''}"
                 "  (Ctrl-C to stop; SIGHUP restarts the workers gracefully)")
        if with_worker:
            announce("With one background worker for the jobs started from the web")
    jobs, server_pid = (start_worker() if with_worker else None), os.getpid()
    try:
        if workers == 0:
            from vigil.work.notices import start_sender

            start_sender()
            try:
                run(host, port, get_wsgi_application(), ipv6=":" in host, threading=True)
            except OSError as exc:  # lost the address between the check and the bind
                raise InputError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
            return
        production_server(host, port, workers, threads).run()
    finally:
        # Only the process that started it: gunicorn's forked workers leave through this same frame.
        if jobs is not None and os.getpid() == server_pid:
            jobs.terminate()  # the worker finishes the job in hand, then stops
            try:
                jobs.wait(timeout=60)
            except subprocess.TimeoutExpired:
                jobs.kill()


def start_worker() -> subprocess.Popen:
    """``vigil worker`` as a child process, which the kernel stops if this process dies first (Linux)."""
    def stop_with_parent() -> None:
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return subprocess.Popen([sys.executable, "-m", "vigil.cli", "worker"],
                            preexec_fn=stop_with_parent if sys.platform == "linux" else None)


def _post_worker_init(worker) -> None:
    from vigil.work.notices import start_sender

    start_sender()


def production_server(host: str, port: int, workers: int, threads: int):
    """gunicorn with Vigil's options: threaded workers, graceful timeouts, no access log (request paths name
    records: what is consulted is in the access log, with its justification, not in a server log)."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    # The workers are forked: none may inherit this process's database connections, nor its connection pool (a
    # pooled PostgreSQL connection shared by two processes corrupts both: sessions read back as other users').
    connections.close_all()
    for conn in connections.all(initialized_only=True):
        if conn.alias in getattr(type(conn), "_connection_pools", {}):
            conn.close_pool()

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}", "workers": workers,
                "worker_class": "gthread", "threads": threads, "timeout": 120, "graceful_timeout": 30,
                "keepalive": 5, "accesslog": None, "errorlog": "-", "loglevel": "warning",
                "proc_name": "vigil", "post_worker_init": _post_worker_init,
            }.items():
                self.cfg.set(key, value)

        def load(self):
            return get_wsgi_application()

    return Server()


def serve_afresh(host: str, port: int | str) -> None:
    """Become ``vigil serve`` in a new program image (same process, same environment). A process that has just
    generated data holds threads of DuckDB, OR-Tools and the like, which do not survive the production server's
    fork: its workers would crash. ``vigil demo`` serves this way, with a background worker beside the server."""
    host, port = host_address(host), port_number(port)
    _check_address(host, port)
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "vigil.cli", "serve", "--host", host, "--port", str(port),  # noqa: S606
                              "--with-worker"])
