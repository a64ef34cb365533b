"""API error shape: one clear line under ``detail``, never a traceback."""
from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from vigil.core.errors import AccessDenied, InputError


def exception_handler(exc, context):
    if isinstance(exc, InputError):
        return Response({"detail": str(exc), "problems": exc.problems}, status=400)
    if isinstance(exc, AccessDenied):
        return Response({"detail": str(exc)}, status=403)
    return drf_handler(exc, context)
