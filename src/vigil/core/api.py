"""The API's shared parts: the error shape (one clear line under ``detail``, never a traceback), paging that
refuses bad ``limit``/``offset`` values with a 400 and caps large ones, and the OpenAPI helpers that describe
list responses in the shape they really have."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from vigil.core.errors import AccessDenied, InputError


def exception_handler(exc, context):
    if isinstance(exc, InputError):
        return Response({"detail": str(exc), "problems": exc.problems}, status=400)
    if isinstance(exc, AccessDenied):
        return Response({"detail": str(exc)}, status=403)
    return drf_handler(exc, context)


def opened(found, kind: str):
    """What the API does with ``core.scope.open_record``'s answer: the record, or a 404 or 403 with one line
    (break-glass is given in the web application, where its reason is asked)."""
    from rest_framework.exceptions import NotFound, PermissionDenied

    record, decision = found
    if record is None:
        raise NotFound(f"no such {kind.replace('_', ' ')}")
    if not decision.allowed:
        raise PermissionDenied(decision.refused_reason or
                               "outside your work: open it in the web application with a break-glass reason")
    return record


def _whole(raw: str, name: str, minimum: int) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or (len(text) <= 30 and int(text) < minimum):
        raise InputError(f"{name}: {raw[:40]!r} is not a whole number of {minimum} or more")
    return int(text) if len(text) <= 30 else 10 ** 30  # any larger number reads as "past every record"


class Pagination(LimitOffsetPagination):
    """``?limit=`` (1 or more; more than ``max_limit`` is read as ``max_limit``) and ``?offset=`` (0 or more; past
    the end is an empty page). Anything else is a 400 with one line, never a silent default or a 500."""

    default_limit = 50
    max_limit = 500

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        return self.default_limit if raw is None else min(_whole(raw, "limit", 1), self.max_limit)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        return 0 if raw is None else _whole(raw, "offset", 0)


PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description=f"records per page, 1 or more (at most {Pagination.max_limit} "
                     f"are returned; default {Pagination.default_limit})"),
    OpenApiParameter("offset", int, description="records to skip, 0 or more"),
]
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key", {"type": "string", "minLength": 1, "maxLength": 64}, location=OpenApiParameter.HEADER,
    description="a key of your choosing (up to 64 characters), new for each write: a repeat with the same key gets "
                "the first answer (its status and body) and writes nothing; the same key with a different request "
                "is a 422; a first attempt that failed releases the key")
AS_OF_PARAMETER = OpenApiParameter("as_of", OpenApiTypes.DATE, description="the date to answer for, YYYY-MM-DD "
                                   "(default today); outside the dates Vigil answers for is a 400")


def paginated(name: str, item: serializers.Serializer) -> serializers.Serializer:
    """The schema of a response paged by ``Pagination``: count, next, previous and this page's results."""
    return inline_serializer(name, {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item,
    })


def results(name: str, item: serializers.Serializer, **extra: serializers.Field) -> serializers.Serializer:
    """The schema of a response that lists its records under ``results`` (not paged)."""
    return inline_serializer(name, {"results": item, **extra})


def error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the JSON error answers it can give."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {"type": "object", "required": ["detail"],
                        "properties": {"detail": {"type": "string"},
                                       "problems": {"type": "array", "items": {"type": "string"}}},
                        "additionalProperties": True}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    descriptions = {"400": "bad input, one line under detail", "401": "not signed in, or the token is not valid",
                    "403": "your role or your work does not allow this", "404": "no such record",
                    "405": "method not allowed"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = dict(descriptions)
            if any(p.get("in") == "header" and p.get("name") == IDEMPOTENCY_KEY_PARAMETER.name
                   for p in operation.get("parameters", [])):
                answers["409"] = "a request with this Idempotency-Key is still running: ask again shortly"
                answers["422"] = "this Idempotency-Key was used for a different request"
            for status, text in answers.items():
                operation["responses"].setdefault(status, {"description": text, **error})
    return result
