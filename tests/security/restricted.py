"""The matrix's "restricted" role: an offender manager in the first borough's MOSOVO team with an open
professional-standards case (domestic abuse), so every automatic restriction applies to them."""
from __future__ import annotations

import datetime as dt

from tests import factories


def make_restricted_officer(org):
    officer = factories.officer(org.teams["om"], roles=["offender_manager", "investigator"], rank="DC",
                                username="restricted", name="DC Restricted Officer")
    try:
        from tests.standards.factories import open_case
    except ImportError:  # professional standards not built yet: the officer is unrestricted
        return officer
    open_case(officer, category="domestic_abuse", opened=dt.date(2024, 1, 10))
    return officer
