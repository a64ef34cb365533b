"""Allocation figures for assurance: overrides in force by team, and the heaviest caseload (rolled up as max)."""
import datetime as dt

import pytest

from tests.investigations import factories as inv
from vigil.investigations.assurance import below_level_with_override, most_open_crimes

pytestmark = pytest.mark.django_db


def test_overrides_in_force_and_the_heaviest_caseload(org, cid, as_of):
    team = cid["teams"]["cid"]
    ds = org.officers["allocation_manager"]
    inv.allocate(inv.crime(team, "86", reported=dt.date(2024, 8, 1)), cid["pip2"], override_by=ds,
                 override_on=dt.date(2024, 8, 1), override_rationale="specialist course booked")
    inv.allocate(inv.crime(team, "86", reported=dt.date(2024, 8, 1)), cid["online"], override_by=ds,
                 override_on=dt.date(2024, 8, 1), override_rationale="an override that was not needed")
    inv.load(cid["pip1"], 7)
    assert below_level_with_override(as_of) == {team.pk: 1}
    assert most_open_crimes(as_of)[team.pk] == 7
    assert below_level_with_override(dt.date(2024, 7, 31)) == {}


def test_restricted_officers_and_strength_by_team(org, cid, as_of):
    from vigil.standards.assurance import force_strength, officers_restricted

    assert officers_restricted(as_of) == {cid["teams"]["pp"].pk: 1}  # O-RES, from the cid fixture
    assert sum(force_strength(as_of).values()) == sum(1 for o in org.officers.values() if o.rank != "staff") + 7
