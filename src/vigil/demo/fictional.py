"""Plausible but fictional personal data for synthetic records.

- Postcodes use areas that do not exist in the UK (XW, XE, XN, XS, XC), so no generated address is anybody's.
- Phone numbers use Ofcom's ranges reserved for drama (07700 900000–900999), with a further fictional block
  (07700 9xxxxx) where a national data set needs more; generated records are synthetic throughout.
- Vehicle marks use the unissued 'XX' memory tag.
"""
from __future__ import annotations

import datetime as dt
import random
import string

from vigil.demo import names

FICTIONAL_AREAS = ("XW", "XE", "XN", "XS", "XC")
TOWNS = ("London", "Northbridge", "Eastmoor", "Westfield Vale", "Southmere", "Kingsford", "Ashby Marsh")


def postcode(rng: random.Random, area: str | None = None) -> str:
    area = area or rng.choice(FICTIONAL_AREAS)
    return f"{area}{rng.randint(1, 20)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
           f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def address(rng: random.Random, area: str | None = None) -> dict:
    a = {"line1": f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}", "town": rng.choice(TOWNS),
         "postcode": postcode(rng, area)}
    if rng.random() < 0.2:
        a["line1"] = f"Flat {rng.randint(1, 24)}, {a['line1']}"
    return a


def phone(rng: random.Random) -> str:
    return f"07700 9{rng.randint(0, 99999):05d}"


def vehicle(rng: random.Random) -> str:
    return f"XX{rng.randint(10, 74)} {''.join(rng.choices(string.ascii_uppercase, k=3))}"


def person_name(rng: random.Random, sex: str) -> tuple[str, str]:
    if sex == "female":
        given = rng.choices(names.FEMALE, names.FEMALE_WEIGHTS)[0]
    else:
        given = rng.choices(names.MALE, names.MALE_WEIGHTS)[0]
    return given, rng.choices(names.SURNAMES, names.SURNAME_WEIGHTS)[0]


def date_of_birth(rng: random.Random, as_of: dt.date, min_age: int, max_age: int) -> dt.date:
    days = rng.randint(min_age * 365, max_age * 365)
    return as_of - dt.timedelta(days=days)
