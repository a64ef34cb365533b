"""Runs the authorization matrix (tests/security/matrix.py) and checks it covers every named route."""
from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import verified_login
from tests.security.matrix import AREAS, ROLES
from tests.security.restricted import make_restricted_officer

EXEMPT = {"api-schema-root"}  # none yet: every route needs a row


def _area_cases(org):
    out = []
    for area in AREAS:
        try:
            mod = importlib.import_module(f"tests.security.matrix_{area}")
        except ModuleNotFoundError:
            continue
        out.extend(mod.cases(org))
    return out


def _named_routes(patterns=None, prefix=""):
    names = set()
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            if p.namespace == "admin":
                names.add("admin:index")
                continue
            names |= _named_routes(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


@pytest.mark.django_db
def test_every_route_and_role_gets_its_expected_outcome(org):
    make_restricted_officer(org)
    cases = _area_cases(org)
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    failures = []
    for case in cases:
        for role in ROLES:
            client = Client()  # a fresh session per request, so a sign-out row cannot affect the next
            if role != "anonymous":
                verified_login(client, users[role])
            resp = getattr(client, case.method)(case.path, case.data)
            want = case.expected(role)
            if resp.status_code != want:
                failures.append(f"{case.method.upper()} {case.path} as {role}: got {resp.status_code}, "
                                f"expected {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_matrix_covers_every_named_route(org):
    make_restricted_officer(org)
    covered = {c.route for c in _area_cases(org)}
    missing = sorted(_named_routes() - covered - EXEMPT)
    assert not missing, f"routes with no row in the authorization matrix: {missing}"
