"""A small threaded WSGI server for the demo and for tests. Production runs Vigil under a WSGI server such as
gunicorn behind TLS (docs/operations.md). Static files are served by WhiteNoise in both cases."""
from __future__ import annotations

import socket

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


def serve(host: str, port: int | str) -> None:
    """Serve the application; the same process sends immediate notices of new work every minute."""
    from vigil.work.notices import start_sender

    host, port = host_address(host), port_number(port)
    start_sender()
    try:
        run(host, port, get_wsgi_application(), ipv6=":" in host, threading=True)
    except OSError as exc:  # the address is in use, not ours to use, or not on this machine
        raise InputError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (choose another --host or --port)") \
            from None
