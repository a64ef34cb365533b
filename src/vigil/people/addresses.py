"""Address matching shared by every module: "Flat 3, 41 Kings Road" is "41 Kings Rd Flat 3".

``match_key`` is the one way to compare addresses (subjects' notified addresses, found-at places, people's
homes). It reduces an address to a canonical string; two addresses match when their keys are equal, so modules
can join on the stored key set-based.

How people write the same address differently, and what the key does about it:

- the postcode with or without its space, in any case (``xw31ab`` = ``XW3 1AB``);
- the flat before or after the street (``Flat 3, 41 Kings Road`` = ``41 Kings Rd Flat 3`` = ``3/41 Kings Road``),
  as ``Flat``, ``Flat No.``, ``Apartment``, ``Apt``, ``Unit``, ``Room``, or a floor (``First Floor Flat``, ``FFF``);
- a house-number suffix written joined or apart (``41a`` = ``41 A``);
- abbreviations (``Rd``, ``St``, ``Ave``, ``Gdns`` …), punctuation, apostrophes, and noise words.

With a postcode the key is the postcode, the house number and the flat: a postcode covers about fifteen
addresses, so the street's spelling need not agree. A house with a name and no number keeps its name words.
Without a postcode the key is the street words, the number, the flat and the town (ADR 0302 gives the choices).
"""
from __future__ import annotations

import re

_ABBREVIATIONS = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane", "cl": "close",
    "ct": "court", "crt": "court", "cres": "crescent", "cresc": "crescent", "dr": "drive", "gdns": "gardens",
    "gdn": "gardens", "gr": "grove", "gro": "grove", "grv": "grove", "pl": "place", "sq": "square", "ter": "terrace",
    "terr": "terrace", "tce": "terrace", "pk": "park", "hse": "house", "wy": "way", "wk": "walk", "bldgs": "buildings",
    "blds": "buildings", "est": "estate", "hts": "heights", "mt": "mount", "rdg": "ridge", "pde": "parade",
    "cnr": "corner", "ctr": "centre", "center": "centre", "nth": "north", "sth": "south", "mws": "mews",
    "apts": "apartments",
}
_UNIT_WORDS = {"flat", "flats", "apartment", "apt", "unit", "room", "rm", "maisonette", "suite", "studio"}
_NUMBER_WORDS = {"no", "number", "num"}  # "Flat No. 3"
_FLOOR_WORDS = {"basement": "b", "lower": "l", "ground": "g", "first": "1", "second": "2", "third": "3",
                "fourth": "4", "top": "t", "upper": "u"}
_FLOOR_FLAT_CODES = {"bff": "b", "gff": "g", "lgf": "l", "fff": "1", "sff": "2", "tff": "t"}  # estate-agent shorthand
_NOISE = {"the", "and", "london", "of", "at", "floor", "fl"}
_STREET_TYPES = set(_ABBREVIATIONS.values()) | {"road", "street", "lane", "walk", "way", "row", "rise", "hill"}

_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}")


def normalise_postcode(postcode: str | None) -> str:
    """'w127ab' → 'W12 7AB'; anything not shaped like a postcode is upper-cased and trimmed."""
    compact = re.sub(r"\s+", "", (postcode or "").upper())
    if _POSTCODE.fullmatch(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def postcode_district(postcode: str | None) -> str:
    """The outward code ('XW3' of 'XW3 1AB'), or '' when the postcode is not UK-shaped."""
    pc = normalise_postcode(postcode)
    return pc.split(" ")[0] if " " in pc else ""


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("'", "").replace("’", "")
    # "3/41" is flat 3 of number 41; "41-43" is a range of numbers kept as one.
    text = re.sub(r"\b(\d+[a-z]?)\s*/\s*(\d+[a-z]?)\b", r"\1 \2", text)
    text = re.sub(r"\b(\d+)\s*-\s*(\d+)\b", r"\1-\2", text)
    return re.findall(r"\d+-\d+|[a-z]+|\d+[a-z]?", text)


def parse(line1: str, line2: str = "") -> tuple[str, str, list[str]]:
    """(house number, flat, street words) from the free-text lines.

    >>> parse("Flat 3, 41 Kings Road")
    ('41', '3', ['kings', 'road'])
    >>> parse("41 Kings Rd Flat 3")
    ('41', '3', ['kings', 'road'])
    """
    tokens = _tokens(f"{line1} {line2}")
    flat = ""
    number = ""
    words: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else ""
        if tok in _FLOOR_FLAT_CODES:
            flat = flat or f"floor{_FLOOR_FLAT_CODES[tok]}"
            i += 1
            continue
        if tok in _FLOOR_WORDS and nxt in ("floor", "fl", "flr"):
            flat = flat or f"floor{_FLOOR_WORDS[tok]}"
            i += 2
            if i < n and tokens[i] in _UNIT_WORDS and sum(t[0].isdigit() for t in tokens[i + 1:]) < 2:
                i += 1  # "First Floor Flat, 41 Kings Road" names one unit; "First Floor Flat 3, 41 …" numbers it
            continue
        if tok in _UNIT_WORDS:
            j = i + 1
            while j < n and tokens[j] in _NUMBER_WORDS:
                j += 1
            if j < n and (tokens[j][0].isdigit() or len(tokens[j]) == 1):  # "Flat 3", "Flat No. 3", "Flat B"
                flat = tokens[j]  # a numbered flat is more precise than a floor
                i = j + 1
                continue
            i += 1
            continue
        if tok[0].isdigit():
            # "41 A Kings Road" is 41a: a lone letter straight after the number is its suffix.
            if len(nxt) == 1 and nxt.isalpha() and i + 2 < n and not tokens[i + 2][0].isdigit() and "-" not in tok:
                tok = tok + nxt
                i += 1
            if not number:
                number = tok
            elif not flat:
                # "3 41 Kings Road": the first number was the flat
                flat, number = number, tok
        elif tok not in _NOISE and tok not in _NUMBER_WORDS:
            words.append(_street_word(tok, words, tokens, i))
        i += 1
    return number, flat, words


def _street_word(tok: str, words_so_far: list[str], tokens: list[str], i: int) -> str:
    # "St Marys Road": a leading "St" followed by a name and a street type is "Saint".
    if tok == "st" and not words_so_far and i + 2 < len(tokens) and \
            _ABBREVIATIONS.get(tokens[i + 2], tokens[i + 2]) in _STREET_TYPES:
        return "saint"
    return _ABBREVIATIONS.get(tok, tok)


def match_key(line1: str, line2: str = "", town: str = "", postcode: str = "") -> str:
    """The canonical form of an address: equal keys are the same place."""
    number, flat, words = parse(line1 or "", line2 or "")
    pc = normalise_postcode(postcode).replace(" ", "")
    if pc:
        if number:
            return f"{pc}|{number}|{flat}"
        return f"{pc}|#{'-'.join(words)}|{flat}"
    town_words = [w for w in _tokens(town or "") if w not in _NOISE]
    return f"~{'-'.join(words)}|{number}|{flat}|{'-'.join(town_words)}"


def describe_key(key: str) -> str:
    """A short human reading of a key, for pages and alert reasons ('XW3 1AB, number 41, flat 3')."""
    if not key:
        return ""
    parts = key.split("|")
    if key.startswith("~"):
        street, number, flat, town = [*parts, "", "", "", ""][:4]
        bits = [f"{number} {street[1:].replace('-', ' ')}".strip()]
        if flat:
            bits.append(f"flat {flat}")
        if town:
            bits.append(town.replace("-", " "))
        return ", ".join(b for b in bits if b)
    pc, number, flat = [*parts, "", "", ""][:3]
    pc_text = normalise_postcode(pc)
    bits = [pc_text]
    if number.startswith("#"):
        bits.append(number[1:].replace("-", " "))
    elif number:
        bits.append(f"number {number}")
    if flat:
        bits.append(f"flat {flat.removeprefix('floor')} floor" if flat.startswith("floor") else f"flat {flat}")
    return ", ".join(bits)


def normalise_phone(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits


def normalise_vrm(reg: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (reg or "").upper())
