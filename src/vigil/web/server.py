"""A small threaded WSGI server for the demo and for tests. Production runs Vigil under a WSGI server such as
gunicorn behind TLS (docs/operations.md). Static files are served by WhiteNoise in both cases."""
from __future__ import annotations

import errno

from django.core.servers.basehttp import run
from django.core.wsgi import get_wsgi_application


def serve(host: str, port: int) -> None:
    from vigil.core.errors import InputError

    try:
        run(host, port, get_wsgi_application(), threading=True)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise InputError(f"cannot serve on {host}:{port}: {exc.strerror} (choose another --port)") from None
        raise
