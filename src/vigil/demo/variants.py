"""How the same person comes to be recorded differently, for synthetic data whose truth is kept aside.

Each function takes a random source and returns a varied copy, the way records drift in practice: a nickname or
a typo in the name, an alias, a day and month swapped or a digit mistyped in the date of birth, an address
written another way. Used by the generator and by the linkage tests and benchmarks.
"""
from __future__ import annotations

import datetime as dt
import random

from vigil.demo.names import NICKNAMES, SURNAMES

KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo", "j": "hk",
    "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et", "s": "ad", "t": "ry",
    "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}
SOUNDS_ALIKE = [("ph", "f"), ("ck", "k"), ("ey", "y"), ("ie", "y"), ("ou", "ow"), ("ai", "ay"), ("th", "t"),
                ("ll", "l"), ("rr", "r"), ("mm", "m"), ("nn", "n"), ("ss", "s"), ("tt", "t"), ("ery", "ory")]


def typo(rng: random.Random, word: str) -> str:
    """One slip of the keyboard or the ear: transposition, a dropped, doubled or neighbouring letter, a sound."""
    if len(word) < 3:
        return word
    lower = word.lower()
    kind = rng.choice(["transpose", "drop", "double", "neighbour", "sound"])
    i = rng.randrange(1, len(word) - 1)
    if kind == "transpose":
        out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    elif kind == "drop":
        out = word[:i] + word[i + 1:]
    elif kind == "double":
        out = word[:i] + word[i] + word[i:]
    elif kind == "neighbour" and lower[i] in KEYBOARD_NEIGHBOURS:
        out = word[:i] + rng.choice(KEYBOARD_NEIGHBOURS[lower[i]]) + word[i + 1:]
    else:
        for a, b in SOUNDS_ALIKE:
            if a in lower:
                j = lower.index(a)
                out = word[:j] + b + word[j + len(a):]
                break
        else:
            out = word[:i] + word[i + 1:]
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


def nickname(rng: random.Random, given: str) -> str | None:
    for full, shorts in NICKNAMES.items():
        if given == full:
            return rng.choice(shorts)
        if given in shorts:
            return full
    return None


def vary_name(rng: random.Random, given: str, surname: str, *, alias: bool = False) -> tuple[str, str, str]:
    """(given, surname, how) — a nickname, a typo, or (for an alias) a different surname or forename."""
    if alias:
        choice = rng.choice(["surname", "both_typo", "nickname_typo"])
        if choice == "surname":
            return given, rng.choice(SURNAMES), "alias surname"
        if choice == "nickname_typo":
            return nickname(rng, given) or typo(rng, given), typo(rng, surname), "alias: nickname and typo"
        return typo(rng, given), typo(rng, surname), "alias: both names misspelt"
    choice = rng.choice(["nickname", "typo_given", "typo_surname", "typo_surname"])
    if choice == "nickname" and nickname(rng, given):
        return nickname(rng, given), surname, "nickname"
    if choice == "typo_given":
        return typo(rng, given), surname, "forename typo"
    return given, typo(rng, surname), "surname typo"


def vary_dob(rng: random.Random, dob: dt.date | None) -> tuple[dt.date | None, str]:
    """A date of birth as it gets mistyped: day and month swapped, a digit off, a year off, or not recorded."""
    if dob is None:
        return None, "no date of birth"
    kind = rng.choices(["same", "swap", "digit", "year", "missing"], [0.55, 0.12, 0.18, 0.1, 0.05])[0]
    if kind == "swap" and dob.day <= 12 and dob.day != dob.month:
        return dob.replace(month=dob.day, day=dob.month), "day and month swapped"
    if kind == "digit":
        day = dob.day + rng.choice([-1, 1, 10, -10])
        if 1 <= day <= 28:
            return dob.replace(day=day), "a digit of the day mistyped"
    if kind == "year":
        return dob.replace(year=dob.year + rng.choice([-1, 1]), day=min(dob.day, 28)), "year off by one"
    if kind == "missing":
        return None, "no date of birth"
    return dob, "same date of birth"


def vary_address(rng: random.Random, line1: str, town: str, postcode: str) -> dict:
    """The same address written another way: flat moved, abbreviations, postcode squashed or lower case."""
    text = line1
    if text.lower().startswith("flat ") and "," in text and rng.random() < 0.6:
        flat, rest = text.split(",", 1)
        text = f"{rest.strip()} {flat.strip()}"
    for full, short in (("Road", "Rd"), ("Street", "St"), ("Avenue", "Ave"), ("Gardens", "Gdns"), ("Close", "Cl"),
                        ("Lane", "Ln"), ("Drive", "Dr"), ("Grove", "Gro"), ("Terrace", "Terr")):
        if full in text and rng.random() < 0.7:
            text = text.replace(full, short)
    pc = postcode.replace(" ", "") if rng.random() < 0.5 else postcode
    pc = pc.lower() if rng.random() < 0.3 else pc
    return {"line1": text, "town": town if rng.random() < 0.6 else "", "postcode": pc}
