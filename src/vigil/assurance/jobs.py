"""Assurance's background job (core/jobs.py): the inspection report as a PDF. Its figures for a borough or the force
take longer than a page should wait, so the worker prepares the file and the job's page hands it over.

The file holds aggregate figures only, no personal data. It is kept for the user who asked, under
``VAR_DIR/reports/<user>/`` for a day, and its download is logged as the disclosure it is (``views.report_pdf``)."""
from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from vigil.assurance import report
from vigil.assurance.rollup import allowed, parse_level
from vigil.assurance.selectors import figures
from vigil.core.errors import InputError
from vigil.core.jobs import Done, job

KEEP_SECONDS = 24 * 3600


def reports_dir(user_pk: int) -> Path:
    return Path(settings.VAR_DIR) / "reports" / str(int(user_pk))


@job("Prepare the inspection report")
def inspection_pdf(report_progress, actor, *, level: str, as_of: str) -> Done:
    officer = getattr(actor, "officer", None)
    chosen = parse_level(level, officer)
    if not allowed(officer, chosen):
        raise InputError("that level is outside your command")
    report_progress(0, 2, "working out the figures")
    figs = figures(chosen, dt.date.fromisoformat(as_of))
    report_progress(1, 2, "drawing the PDF")
    pdf = report.render_pdf(figs)
    folder = reports_dir(actor.pk)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pdf"):  # a day is long enough to download it
        if time.time() - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    name = f"vigil-assurance-{figs.as_of}-{uuid.uuid4().hex[:12]}.pdf"
    (folder / name).write_bytes(pdf)
    return Done(url=reverse("assurance:report_pdf", args=[name]),
                message=f"The inspection report for {chosen.name} as of {figs.as_of:%-d %b %Y} is ready.")
