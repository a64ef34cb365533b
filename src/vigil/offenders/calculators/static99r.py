"""Static-99R (2016 coding rules; Hanson et al. 2016): ten items, total −3 to 12, five risk levels."""
from __future__ import annotations

from vigil.offenders.calculators.result import CodingError, Scored, whole, years, yes_no

ITEMS = (
    "age_at_release", "never_lived_with_partner_2_years", "index_nonsexual_violence", "prior_nonsexual_violence",
    "prior_sex_offence_charges", "prior_sex_offence_convictions", "prior_sentencing_dates",
    "noncontact_sex_offence_conviction", "unrelated_victim", "stranger_victim", "male_victim",
)
BANDS = ((-3, -2, "I"), (-1, 0, "II"), (1, 3, "III"), (4, 5, "IVa"), (6, 12, "IVb"))
BAND_NAMES = {"I": "very low", "II": "below average", "III": "average", "IVa": "above average",
              "IVb": "well above average"}


def age_points(age: float) -> int:
    if age < 18:
        raise CodingError("age_at_release: Static-99R is not scored for those under 18 at release")
    if age < 35:
        return 1
    if age < 40:
        return 0
    if age < 60:
        return -1
    return -3


def prior_sex_points(charges: int, convictions: int) -> int:
    """Charges or convictions, whichever gives more."""
    by_charges = 0 if charges == 0 else 1 if charges <= 2 else 2 if charges <= 5 else 3
    by_convictions = 0 if convictions == 0 else 1 if convictions == 1 else 2 if convictions <= 3 else 3
    return max(by_charges, by_convictions)


def band(total: int) -> str:
    for lo, hi, name in BANDS:
        if lo <= total <= hi:
            return name
    raise CodingError(f"a Static-99R total of {total} is outside −3 to 12")


def score(items: dict) -> Scored:
    age = years(items, "age_at_release", minimum=0)
    charges = whole(items, "prior_sex_offence_charges")
    convictions = whole(items, "prior_sex_offence_convictions")
    sentencing = whole(items, "prior_sentencing_dates")
    flags = {name: yes_no(items, name) for name in (
        "never_lived_with_partner_2_years", "index_nonsexual_violence", "prior_nonsexual_violence",
        "noncontact_sex_offence_conviction", "unrelated_victim", "stranger_victim", "male_victim")}
    lines = []
    scores = []

    def add(label: str, points: int) -> None:
        scores.append(points)
        lines.append(f"{label}: {points:+d}")

    add(f"1 age at release {age:g}", age_points(age))
    add("2 never lived with an intimate partner for 2 years", int(flags["never_lived_with_partner_2_years"]))
    add("3 index non-sexual violence", int(flags["index_nonsexual_violence"]))
    add("4 prior non-sexual violence", int(flags["prior_nonsexual_violence"]))
    add(f"5 prior sex offences ({charges} charges, {convictions} convictions)",
        prior_sex_points(charges, convictions))
    add(f"6 prior sentencing dates ({sentencing})", int(sentencing >= 4))
    add("7 non-contact sex offence conviction", int(flags["noncontact_sex_offence_conviction"]))
    unrelated = flags["unrelated_victim"] or flags["stranger_victim"]
    label = "8 unrelated victim" + (" (a stranger victim is also unrelated)"
                                    if flags["stranger_victim"] and not flags["unrelated_victim"] else "")
    add(label, int(unrelated))
    add("9 stranger victim", int(flags["stranger_victim"]))
    add("10 male victim", int(flags["male_victim"]))
    total = sum(scores)
    b = band(total)
    return Scored("static99r", total, b, tuple(lines), {"band_name": BAND_NAMES[b]})
