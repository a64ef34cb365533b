import datetime as dt

import pytest

from tests import factories
from tests.investigations import factories as inv
from tests.standards.factories import open_case

AS_OF = dt.date(2024, 8, 15)


@pytest.fixture
def cid(org):
    """The first borough's CID with one investigator of each kind the rules tell apart."""
    team = org.teams["cid"]
    pp = factories.team("T-PP1", "investigation", "Central West", "Central West Public Protection")
    far = factories.team("T-CID2", "investigation", "South East", "South East CID")
    o = {
        "student": factories.officer(team, roles=["investigator"], rank="PC", pip=1, student=True,
                                     joined=dt.date(2023, 9, 1), ref="O-STU", name="PC Stu Dent"),
        "pip1": factories.officer(team, roles=["investigator"], rank="PC", pip=1, ref="O-P1", name="PC Val Ume"),
        "pip2": factories.officer(team, roles=["investigator"], rank="DC", pip=2, ref="O-P2", name="DC Gen Eral"),
        "online": factories.officer(pp, roles=["investigator"], rank="DC", pip=2, specialisms=["online_csa"],
                                    ref="O-OCSA", name="DC Ona Line"),
        "expired": factories.officer(team, roles=["investigator"], rank="DC", pip=2,
                                     specialisms=[("online_csa", dt.date(2024, 8, 14))], ref="O-EXP",
                                     name="DC Ex Pired"),
        "pip3": factories.officer(far, roles=["investigator"], rank="DC", pip=3,
                                  specialisms=["online_csa", "sexual_offences", "child_abuse"], ref="O-P3",
                                  name="DC Far Away"),
        "restricted": factories.officer(pp, roles=["investigator"], rank="DC", pip=2,
                                        specialisms=["online_csa", "sexual_offences"], ref="O-RES",
                                        name="DC Res Tricted"),
    }
    open_case(o["restricted"], "vawg", dt.date(2024, 3, 1), ref="PS-1")
    o["teams"] = {"cid": team, "pp": pp, "far": far}
    return o


@pytest.fixture
def as_of():
    return AS_OF


__all__ = ["inv"]
