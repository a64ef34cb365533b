"""Run the registered generators into an empty database."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from vigil.core import access_log, rows
from vigil.core.errors import InputError
from vigil.demo.registry import SCALES, GenerateContext, generators
from vigil.people.models import Person


def generate(*, scale: str, seed: int, as_of: dt.date, progress=None) -> GenerateContext:
    if scale not in SCALES:
        raise InputError(f"--scale {scale!r} is not one of {', '.join(SCALES)}")
    if Person.objects.exists():
        raise InputError("the database already holds people; generate writes only into an empty database "
                         "(set DATABASE_URL to a new one, or delete ./var/)")
    ctx = GenerateContext(scale=scale, seed=seed, as_of=as_of, progress=progress)
    with transaction.atomic():
        for g in generators():
            g.fn(ctx)
        access_log.record(actor="system:generate", operation="collection", record_type="database",
                          record_ids=f"generate:{scale}:{seed}",
                          justification="synthetic data for a demonstration or test (no real person)",
                          detail=f"scale {scale}, seed {seed}, as of {as_of}")
    rows.analyze()
    return ctx
