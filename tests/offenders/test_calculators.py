"""Static-99R and OSP/C: every band boundary, every item's points, and worked examples."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.policy import defaults
from vigil.offenders.calculators import ospc as ospc_mod
from vigil.offenders.calculators import static99r as s99_mod
from vigil.offenders.calculators.result import CodingError

NONE = dict(age_at_release=37, never_lived_with_partner_2_years=False, index_nonsexual_violence=False,
            prior_nonsexual_violence=False, prior_sex_offence_charges=0, prior_sex_offence_convictions=0,
            prior_sentencing_dates=0, noncontact_sex_offence_conviction=False, unrelated_victim=False,
            stranger_victim=False, male_victim=False)


def s99(**changes):
    return s99_mod.score({**NONE, **changes})


@pytest.mark.parametrize(("age", "points"), [(18, 1), (34.9, 1), (35, 0), (39.9, 0), (40, -1), (59.9, -1),
                                             (60, -3), (85, -3)])
def test_static99r_age_bands(age, points):
    assert s99(age_at_release=age).score == points


def test_static99r_refuses_under_18_and_bad_codings():
    with pytest.raises(CodingError, match="under 18"):
        s99(age_at_release=17.9)
    with pytest.raises(CodingError, match="male_victim"):
        s99(male_victim="yes")
    with pytest.raises(CodingError, match="prior_sex_offence_charges"):
        s99(prior_sex_offence_charges=-1)


@pytest.mark.parametrize(("charges", "convictions", "points"), [
    (0, 0, 0), (1, 0, 1), (2, 0, 1), (3, 0, 2), (5, 0, 2), (6, 0, 3), (0, 1, 1), (0, 2, 2), (0, 3, 2),
    (0, 4, 3), (2, 2, 2), (6, 1, 3), (1, 4, 3),
])
def test_static99r_prior_sex_offences_whichever_gives_more(charges, convictions, points):
    assert s99(prior_sex_offence_charges=charges, prior_sex_offence_convictions=convictions).score == points


@pytest.mark.parametrize(("dates", "points"), [(3, 0), (4, 1), (9, 1)])
def test_static99r_sentencing_dates(dates, points):
    assert s99(prior_sentencing_dates=dates).score == points


def test_static99r_a_stranger_victim_is_also_unrelated():
    r = s99(stranger_victim=True)
    assert r.score == 2
    assert any("also unrelated" in line for line in r.lines)
    assert s99(stranger_victim=True, unrelated_victim=True).score == 2


@pytest.mark.parametrize(("total", "band"), [(-3, "I"), (-2, "I"), (-1, "II"), (0, "II"), (1, "III"),
                                             (3, "III"), (4, "IVa"), (5, "IVa"), (6, "IVb"), (12, "IVb")])
def test_static99r_every_band_boundary(total, band):
    assert s99_mod.band(total) == band


def test_static99r_worked_examples():
    # 28-year-old, never lived with a partner, 2 prior sex convictions, stranger male victim: 1+1+2+1+1+1 = 7
    r = s99(age_at_release=28, never_lived_with_partner_2_years=True, prior_sex_offence_convictions=2,
            stranger_victim=True, male_victim=True)
    assert (r.score, r.band) == (7, "IVb")
    # 62-year-old, one prior conviction, related victim: −3 + 1 = −2
    r = s99(age_at_release=62, prior_sex_offence_convictions=1)
    assert (r.score, r.band) == (-2, "I")
    # maximum: 1+1+1+1+3+1+1+1+1+1 = 12
    r = s99(age_at_release=20, never_lived_with_partner_2_years=True, index_nonsexual_violence=True,
            prior_nonsexual_violence=True, prior_sex_offence_charges=6, prior_sentencing_dates=4,
            noncontact_sex_offence_conviction=True, unrelated_victim=True, stranger_victim=True, male_victim=True)
    assert (r.score, r.band) == (12, "IVb")
    assert len(r.lines) == 10


@given(st.floats(18, 90), st.booleans(), st.booleans(), st.booleans(), st.integers(0, 12), st.integers(0, 8),
       st.integers(0, 10), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_static99r_total_is_always_in_range_and_matches_its_band(age, a, b, c, ch, co, sd, d, e, f, g):
    r = s99_mod.score(dict(age_at_release=age, never_lived_with_partner_2_years=a, index_nonsexual_violence=b,
                       prior_nonsexual_violence=c, prior_sex_offence_charges=ch, prior_sex_offence_convictions=co,
                       prior_sentencing_dates=sd, noncontact_sex_offence_conviction=d, unrelated_victim=e,
                       stranger_victim=f, male_victim=g))
    assert -3 <= r.score <= 12
    assert r.band == s99_mod.band(r.score)
    assert sum(int(line.rsplit(": ", 1)[1]) for line in r.lines) == r.score


BASE = dict(sex="male", contact_adult_sanctions=0, contact_child_sanctions=0, paraphilia_sanctions=0,
            any_previous_sanction=False, stranger_victim=False, age_at_most_recent_sexual_offence=15,
            age_at_risk_date=70)


def osp(**changes):
    return ospc_mod.score({**BASE, **changes})


@pytest.mark.parametrize(("name", "table"), [("contact_adult_sanctions", (0, 3, 5, 8, 8)),
                                             ("contact_child_sanctions", (0, 2, 3, 4, 4)),
                                             ("paraphilia_sanctions", (0, 1, 2, 3, 3))])
def test_ospc_sanction_counts(name, table):
    assert [osp(**{name: n}).score for n in range(5)] == list(table)


def test_ospc_flags():
    assert osp(any_previous_sanction=True).score == 3
    assert osp(stranger_victim=True).score == 2


@pytest.mark.parametrize(("age", "points"), [(10, 0), (15.9, 0), (16, 3), (17.9, 3), (18, 5), (40, 5)])
def test_ospc_age_at_offence(age, points):
    assert osp(age_at_most_recent_sexual_offence=age, age_at_risk_date=70).score == points


@pytest.mark.parametrize(("age", "points"), [(18, 7), (23.9, 7), (24, 6), (29.9, 6), (30, 5), (35.9, 5), (36, 4),
                                             (41.9, 4), (42, 3), (47.9, 3), (48, 2), (53.9, 2), (54, 1),
                                             (59.9, 1), (60, 0)])
def test_ospc_age_at_risk_date(age, points):
    assert osp(age_at_most_recent_sexual_offence=15, age_at_risk_date=age).score == points


def test_ospc_probability_worked_example():
    # 2 adult (5), 1 child (2), previous (3), stranger (2), offence at 25 (5), now 28 (6): 23 points
    r = osp(contact_adult_sanctions=2, contact_child_sanctions=1, any_previous_sanction=True, stranger_victim=True,
            age_at_most_recent_sexual_offence=25, age_at_risk_date=28)
    assert r.score == 23
    assert r.extra["probability_1y"] == pytest.approx(1 / (1 + math.exp(8.817398615 - 0.2545385404 * 23)))
    assert r.extra["probability_2y"] == pytest.approx(0.0861, abs=0.0005)
    assert r.band == "very_high"


def test_ospc_band_boundaries_on_the_two_year_probability():
    thresholds = defaults()["calculators.ospc.band_thresholds_2y"]
    for t, below, at in zip(thresholds, ospc_mod.BANDS[:-1], ospc_mod.BANDS[1:], strict=True):
        assert ospc_mod.band(t - 1e-9, thresholds) == below
        assert ospc_mod.band(t, thresholds) == at


def test_ospc_females_use_the_fixed_probability_from_policy():
    r = osp(sex="female", contact_adult_sanctions=3)
    assert r.extra["probability_2y"] == pytest.approx(1 / 193)
    pol = defaults().with_overrides(calculators__ospc__female_probability=1 / 261)
    assert ospc_mod.score({**BASE, "sex": "female"}, pol).extra["probability_1y"] == pytest.approx(1 / 261)


def test_ospc_refuses_impossible_codings():
    with pytest.raises(CodingError, match="later than"):
        osp(age_at_most_recent_sexual_offence=40, age_at_risk_date=30)
    with pytest.raises(CodingError, match="sex"):
        osp(sex="x")


@pytest.mark.parametrize(("score", "band"), [(14, "low"), (15, "medium"), (18, "medium"), (19, "high"),
                                             (22, "high"), (23, "very_high")])
def test_ospc_band_boundaries_in_points_for_males(score, band):
    p2 = 1 / (1 + math.exp(-(ospc_mod.INTERCEPT_2Y + ospc_mod.SLOPE * score)))
    assert ospc_mod.band(p2, defaults()["calculators.ospc.band_thresholds_2y"]) == band
