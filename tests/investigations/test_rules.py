"""The allocation rules of domain-rules §2 as pure functions: required level, eligibility at every boundary,
cost and impact, overload, THRIVE and solvability. No database."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.core.policy import defaults
from vigil.crimes import offences
from vigil.investigations.flags import FLAGS
from vigil.investigations.rules import (
    CrimeFacts,
    CrimeRules,
    CrimeTable,
    OfficerFacts,
    OfficerTable,
    allocation_cost,
    capacity_for,
    check_one,
    cost_reasons,
    impact,
    is_eligible,
    overload,
    priority,
    probation_ends,
    required_level,
)
from vigil.standards.rules import CaseFacts, restriction_from

POL = defaults()
AS_OF = dt.date(2024, 8, 15)
FOREVER = dt.date(2099, 1, 1)


def officer(**kw) -> OfficerFacts:
    base = dict(ref="O1", name="DC One", pip_level=2, student_officer=False, joined=dt.date(2015, 1, 1),
                specialisms={}, team_id=1, borough_id=1, team_name="CID", borough_name="Central West")
    base.update(kw)
    return OfficerFacts(**base)


def crime(code="49", flags=(), **kw) -> CrimeFacts:
    return CrimeFacts(ref=kw.pop("ref", "CR1"), offence_code=code, flags=frozenset(flags),
                      team_id=kw.pop("team_id", 1), borough_id=kw.pop("borough_id", 1), **kw)


def reasons(o, c, as_of=AS_OF, pol=POL):
    return check_one(o, c, as_of, pol)[1]


# --- required level ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "flags", "pip", "specs"), [
    ("1/4.1/4.10/4.2", (), 3, ()),                                       # homicide
    ("19C", (), 2, ("sexual_offences",)),                                # rape: sexual offences group
    ("88E", (), 2, ("sexual_offences",)),
    ("86", ("child_victim",), 2, ("online_csa",)),                       # interchange.md's example
    ("86", (), 2, ("online_csa",)),
    ("88A", (), 2, ("sexual_offences", "online_csa")),                   # grooming is also a sexual offence
    ("8N", ("child_victim",), 2, ("child_abuse",)),                      # child victim of violence
    ("11A", (), 2, ("child_abuse",)),                                    # cruelty: a child victim by definition
    ("20B", (), 2, ("sexual_offences", "child_abuse")),
    ("8N", ("domestic_abuse",), 1, ()),                                  # domestic abuse, not high risk
    ("8N", ("domestic_abuse", "domestic_abuse_high_risk"), 2, ("domestic_abuse",)),
    ("34B", ("weapon",), 2, ()),                                          # serious and complex
    ("46", ("substantial_loss",), 2, ()),
    ("46", ("vulnerable_adult",), 2, ()),
    ("46", ("child_victim",), 2, ()),                                     # a child victim of theft: vulnerable
    ("46", (), 1, ()),                                                    # shoplifting: volume crime
    ("1/4.1/4.10/4.2", ("child_victim",), 3, ("child_abuse",)),          # the highest level of every rule
])
def test_required_level_follows_the_default_matrix(code, flags, pip, specs):
    req = required_level(code, flags, POL)
    assert req.pip_level == pip
    assert set(req.specialisms) == set(specs)
    assert req.reasons  # always says why


def test_a_changed_matrix_changes_the_requirement():
    matrix = [{"name": "Shoplifting is serious here", "codes": ["46"], "pip_level": 2, "specialisms": []}]
    pol = POL.with_overrides(allocation__required_level_matrix=matrix)
    assert required_level("46", (), pol).pip_level == 2
    assert required_level("19C", (), pol).pip_level == 1  # the default rules are gone with the new matrix


@given(code=st.sampled_from(sorted(offences.catalogue())), flags=st.sets(st.sampled_from(FLAGS)))
@settings(max_examples=300, deadline=None)
def test_required_level_is_never_below_volume_and_names_its_reasons(code, flags):
    req = required_level(code, flags, POL)
    assert 1 <= req.pip_level <= 3
    assert req.reasons
    # Adding a flag never lowers what a crime requires.
    more = required_level(code, set(flags) | {"weapon"}, POL)
    assert more.pip_level >= req.pip_level and set(req.specialisms) <= set(more.specialisms)


def test_every_code_of_the_home_office_table_is_in_the_catalogue():
    cat = offences.catalogue()
    assert len(cat) == 132
    assert cat["86"].description == "Obscene publications etc"
    assert cat["88A"].group == "Sexual offences"
    assert sum(o.met_2017_18 for o in cat.values()) == 815_528  # the Met's year, about 2,200 a day


# --- eligibility -------------------------------------------------------------------------------------------------

def test_the_interchange_example_a_student_officer_and_indecent_images():
    c = crime("86", ["child_victim"])
    student = officer(pip_level=2, student_officer=True, specialisms={"online_csa": FOREVER})
    assert reasons(student, c) == ["student officer: not eligible for a crime flagged child_victim"]


def test_an_eligible_officer_has_no_reasons():
    c = crime("86", ["child_victim"])
    assert reasons(officer(specialisms={"online_csa": FOREVER}), c) == []


def test_pip_level_boundary():
    c = crime("34B", ["weapon"])  # PIP2
    assert reasons(officer(pip_level=1), c) == ["PIP level 1 is below the required PIP2"]
    assert reasons(officer(pip_level=2), c) == []
    assert reasons(officer(pip_level=3), c) == []


def test_specialism_valid_until_its_expiry_date_inclusive():
    c = crime("86")
    o = officer(specialisms={"online_csa": AS_OF})
    assert reasons(o, c, AS_OF - dt.timedelta(days=1)) == []
    assert reasons(o, c, AS_OF) == []
    assert reasons(o, c, AS_OF + dt.timedelta(days=1)) == ["online_csa specialism expired on 2024-08-15"]
    assert reasons(officer(), c) == ["does not hold the online_csa specialism"]
    assert reasons(officer(specialisms={"online_csa": None}), c) == []  # no expiry


def test_probation_ends_on_the_second_anniversary():
    c = crime("8N", ["hate"])  # hate: a vulnerability flag, volume level
    joined = AS_OF.replace(year=AS_OF.year - 2)
    o = officer(pip_level=1, joined=joined)
    assert reasons(o, c, AS_OF - dt.timedelta(days=1)) == [
        "under 2 years' service (joined 2022-08-15): not eligible for a crime flagged hate"]
    assert reasons(o, c, AS_OF) == []
    assert reasons(o, c, AS_OF + dt.timedelta(days=1)) == []
    assert probation_ends(dt.date(2020, 2, 29), 2) == dt.date(2022, 3, 1)


def test_a_student_officer_is_never_eligible_for_a_vulnerable_crime_whatever_their_level_or_service():
    o = officer(pip_level=3, student_officer=True, joined=dt.date(2000, 1, 1),
                specialisms={s: FOREVER for s in ("sexual_offences", "child_abuse", "online_csa", "domestic_abuse")})
    for code, flags in [("46", ["child_victim"]), ("46", ["vulnerable_adult"]), ("8N", ["domestic_abuse"]),
                        ("8N", ["hate"]), ("88E", []), ("19C", [])]:
        assert any(r.startswith("student officer: not eligible") for r in reasons(o, crime(code, flags))), code
    assert reasons(o, crime("46")) == []  # but volume crime without a vulnerability is fine


def test_sexual_offences_are_vulnerable_without_a_flag():
    o = officer(pip_level=2, student_officer=True, specialisms={"sexual_offences": FOREVER})
    assert reasons(o, crime("88E")) == [
        "student officer: not eligible for a crime in the sexual offences category"]


def _restriction(category="domestic_abuse", opened=dt.date(2024, 1, 10), closed=None):
    return restriction_from([CaseFacts("PS1", category, opened, closed)], AS_OF, POL)


@pytest.mark.parametrize(("code", "flags", "restricted"), [
    ("19C", [], True), ("86", [], True), ("88A", [], True),                  # sexual offences incl. images, grooming
    ("8N", ["domestic_abuse"], True), ("8Q", [], True), ("8R", [], True),     # domestic abuse, stalking, harassment
    ("8N", ["child_victim"], True), ("11A", [], True),                        # child victims
    ("8N", [], False), ("46", [], False), ("34B", ["weapon"], False),
])
def test_a_restricted_officer_is_ineligible_for_the_restricted_categories(code, flags, restricted):
    o = officer(pip_level=3, restriction=_restriction(),
                specialisms={s: FOREVER for s in ("sexual_offences", "child_abuse", "online_csa", "domestic_abuse")})
    got = reasons(o, crime(code, flags))
    assert bool(got) is restricted
    if restricted:
        assert got[0].startswith("an active professional-standards restriction: not eligible for")
        assert "PS1" not in got[0] and "domestic_abuse" not in got[0].split(":")[0]  # the allegation is not disclosed


@pytest.mark.parametrize(("category", "restricts"), [
    ("domestic_abuse", True), ("vawg", True), ("sexual_misconduct", True), ("dishonesty", False), ("other", False)])
def test_only_the_three_categories_restrict(category, restricts):
    assert (_restriction(category) is not None) is restricts


def test_a_case_restricts_from_the_day_it_opens_to_the_day_it_closes():
    case = [CaseFacts("PS1", "vawg", dt.date(2024, 3, 1), dt.date(2024, 6, 30))]
    assert restriction_from(case, dt.date(2024, 2, 29), POL) is None
    assert restriction_from(case, dt.date(2024, 3, 1), POL) is not None
    assert restriction_from(case, dt.date(2024, 6, 30), POL) is not None
    assert restriction_from(case, dt.date(2024, 7, 1), POL) is None


@pytest.mark.parametrize(("pip", "units", "weight_code", "ok"), [
    (1, 19, "46", True), (1, 20, "46", False),             # PIP1 cap 20
    (2, 22, "34B", True), (2, 23, "34B", False),           # PIP2 cap 24, a PIP2 crime adds 2
    (3, 20, "1/4.1/4.10/4.2", True), (3, 21, "1/4.1/4.10/4.2", False),  # homicide adds 4
])
def test_capacity_in_weighted_units(pip, units, weight_code, ok):
    o = officer(pip_level=pip, units=units, open_crimes=5)
    got = reasons(o, crime(weight_code, ["weapon"] if weight_code == "34B" else []))
    assert (got == []) is ok
    if not ok:
        assert got[0].startswith(f"no capacity: {units} of {capacity_for(pip, POL)} workload units")


def test_never_more_than_25_open_crimes():
    assert reasons(officer(units=0, open_crimes=24), crime()) == []
    assert reasons(officer(units=0, open_crimes=25), crime()) == ["already holds 25 open crimes (at most 25)"]


def test_is_eligible_is_set_based_and_agrees_with_one_at_a_time():
    rng = np.random.default_rng(7)
    codes = sorted(offences.catalogue())
    officers = [officer(ref=f"O{i}", pip_level=int(rng.integers(1, 4)), student_officer=bool(rng.random() < .25),
                        joined=AS_OF - dt.timedelta(days=int(rng.integers(100, 4000))),
                        specialisms={"online_csa": FOREVER} if rng.random() < .4 else {},
                        units=int(rng.integers(0, 26)), open_crimes=int(rng.integers(0, 27)),
                        restriction=_restriction() if rng.random() < .1 else None) for i in range(40)]
    crimes = [crime(codes[int(rng.integers(len(codes)))], [f for f in FLAGS if rng.random() < .15], ref=f"C{j}")
              for j in range(30)]
    rules = CrimeRules(POL)
    matrix = is_eligible(OfficerTable(officers, AS_OF, POL), CrimeTable(crimes, rules), POL)
    assert matrix.ok.shape == (40, 30)
    for i, o in enumerate(officers):
        for j, c in enumerate(crimes):
            one_ok, one_reasons, _ = check_one(o, c, AS_OF, POL, rules)
            assert bool(matrix.ok[i, j]) is one_ok
            assert matrix.reasons(i, j) == one_reasons


# --- cost and impact ---------------------------------------------------------------------------------------------

def test_cost_prefers_the_less_loaded_the_local_the_continuous_and_the_right_level():
    c = crime("46", team_id=1, borough_id=1)
    base = officer(units=10)
    variants = {
        "base": base,
        "busier": officer(units=14),
        "other_team": officer(units=10, team_id=2),
        "other_borough": officer(units=10, team_id=3, borough_id=9),
        "over_qualified": officer(units=10, pip_level=3),
    }
    names = list(variants)
    table = OfficerTable([variants[n] for n in names], AS_OF, POL)
    cost = allocation_cost(table, CrimeTable([c], CrimeRules(POL)), POL)
    got = dict(zip(names, cost.total[:, 0], strict=True))
    assert got["base"] < got["busier"]
    assert got["base"] < got["other_team"] < got["other_borough"]
    assert got["base"] < got["over_qualified"]
    cont = allocation_cost(table, CrimeTable([c], CrimeRules(POL)), POL,
                           continuity=np.array([[1.0], [0], [0], [0], [0]]))
    assert cont.total[0, 0] == pytest.approx(got["base"] - 3.0)


def test_the_impact_statement():
    assert impact(officer(units=14, open_crimes=9), 2, 20) == (
        "workload from 70% to 80% of capacity (14 → 16 of 20 units; 10 open crimes)")


def test_cost_reasons_are_sentences():
    req = required_level("46", (), POL)
    got = cost_reasons(officer(pip_level=3, team_name="Central West CID"), crime("46"), req, 0, ["CR9"])
    assert got == ["same team (Central West CID)",
                   "continuity: already investigating CR9 with the same victim or suspect",
                   "PIP3 for a PIP1 crime: over-qualified by 2 levels"]


# --- overload ----------------------------------------------------------------------------------------------------

def test_overloaded_above_the_cap_and_always_above_25_crimes():
    assert overload(units=20, open_crimes=20, pip_level=1, policy=POL) == []
    assert overload(units=21, open_crimes=20, pip_level=1, policy=POL) == [
        "21 workload units against a capacity of 20 for a PIP1 officer"]
    assert overload(units=24, open_crimes=12, pip_level=2, policy=POL) == []
    assert overload(units=25, open_crimes=12, pip_level=2, policy=POL) != []
    assert overload(units=0, open_crimes=25, pip_level=3, policy=POL) == []
    assert overload(units=0, open_crimes=26, pip_level=3, policy=POL) == ["26 open crimes, above the maximum of 25"]


# --- THRIVE and solvability --------------------------------------------------------------------------------------

def _priority(code="46", flags=(), thrive=None, solvability=None):
    rules = CrimeRules(POL)
    return priority(requirement=rules.requirement(code, flags), vulnerability=rules.vulnerability(code, flags),
                    thrive=thrive or {}, solvability=solvability, policy=POL)


def test_solvability_screening_lowers_a_volume_crime_with_no_lines_of_enquiry():
    assert _priority(solvability=[]).level == "screened_out"
    assert _priority(solvability=["cctv"]).level == "standard"
    assert _priority(solvability=None).level == "standard"  # not screened yet


@pytest.mark.parametrize("flag", ["child_victim", "vulnerable_adult", "domestic_abuse", "hate"])
def test_solvability_screening_never_screens_out_a_vulnerable_victim(flag):
    p = _priority(flags=[flag], solvability=[])
    assert p.level != "screened_out"
    assert p.reasons[0].startswith("never screened out")


def test_thrive_high_makes_a_crime_urgent_and_medium_keeps_it_in():
    assert _priority(thrive={"harm": "high"}, solvability=[]).level == "urgent"
    assert _priority(thrive={"risk": "medium"}, solvability=[]).level == "standard"
    assert _priority("1/4.1/4.10/4.2").level == "urgent"
