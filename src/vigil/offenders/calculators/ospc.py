"""OSP/C (OASys Sexual reoffending Predictor, contact offences): points, then the probability of a proven
contact sexual reoffence within 1 and 2 years (the Ministry of Justice's RSR calculator; domain-rules §1)."""
from __future__ import annotations

import math
from collections.abc import Mapping

from vigil.offenders.calculators.result import CodingError, Scored, whole, years, yes_no

ADULT = (0, 3, 5, 8)         # contact-adult sexual sanctions 0, 1, 2, 3+
CHILD = (0, 2, 3, 4)         # contact-child sexual sanctions
PARAPHILIA = (0, 1, 2, 3)    # paraphilia / non-contact sanctions
SLOPE = 0.2545385404
INTERCEPT_1Y = -8.817398615
INTERCEPT_2Y = -8.216503478
BANDS = ("low", "medium", "high", "very_high")


def capped(points: tuple[int, ...], count: int) -> int:
    return points[min(count, 3)]


def offence_age_points(age: float) -> int:
    if age < 10:
        raise CodingError("age_at_most_recent_sexual_offence: below the age of criminal responsibility")
    return 5 if age >= 18 else 3 if age >= 16 else 0


def risk_age_points(age: float) -> int:
    if age < 10:
        raise CodingError("age_at_risk_date: must be at least 10")
    for upper, points in ((24, 7), (30, 6), (36, 5), (42, 4), (48, 3), (54, 2), (60, 1)):
        if age < upper:
            return points
    return 0


def inverse_logit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def band(probability_2y: float, thresholds: list[float]) -> str:
    """thresholds: the 2-year probabilities at which medium, high and very high begin."""
    level = sum(1 for t in thresholds if probability_2y >= t)
    return BANDS[level]


def score(items: dict, pol: Mapping | None = None) -> Scored:
    from vigil.core.policy import defaults

    pol = pol or defaults()
    sex = items.get("sex")
    if sex not in ("male", "female"):
        raise CodingError(f"sex: expected male or female, got {sex!r}")
    adult = whole(items, "contact_adult_sanctions")
    child = whole(items, "contact_child_sanctions")
    para = whole(items, "paraphilia_sanctions")
    previous = yes_no(items, "any_previous_sanction")
    stranger = yes_no(items, "stranger_victim")
    offence_age = years(items, "age_at_most_recent_sexual_offence", minimum=0)
    risk_age = years(items, "age_at_risk_date", minimum=0)
    if offence_age > risk_age:
        raise CodingError("age_at_most_recent_sexual_offence: later than the age at the risk date")
    parts = [
        (f"contact-adult sexual sanctions ({adult})", capped(ADULT, adult)),
        (f"contact-child sexual sanctions ({child})", capped(CHILD, child)),
        (f"paraphilia / non-contact sanctions ({para})", capped(PARAPHILIA, para)),
        ("any previous sanction for a recordable offence", 3 if previous else 0),
        ("stranger victim", 2 if stranger else 0),
        (f"age at most recent sexual offence ({offence_age:g})", offence_age_points(offence_age)),
        (f"age at risk date ({risk_age:g})", risk_age_points(risk_age)),
    ]
    score = sum(p for _, p in parts)
    if sex == "male":
        p1 = inverse_logit(INTERCEPT_1Y + SLOPE * score)
        p2 = inverse_logit(INTERCEPT_2Y + SLOPE * score)
    else:
        p1 = p2 = float(pol["calculators.ospc.female_probability"])
    b = band(p2, pol["calculators.ospc.band_thresholds_2y"])
    lines = tuple(f"{label}: {points:+d}" for label, points in parts)
    return Scored("ospc", score, b, lines, {"probability_1y": p1, "probability_2y": p2})
