"""Address matching shared by every module: "Flat 3, 41 Kings Road" is "41 Kings Rd Flat 3".

``match_key`` reduces an address to a canonical string: postcode without its space, house number, flat, and the
street words with common abbreviations expanded. Two addresses match when their keys are equal.
"""
from __future__ import annotations

import re

_ABBREVIATIONS = {
    "rd": "road", "st": "street", "ave": "avenue", "av": "avenue", "ln": "lane", "cl": "close", "ct": "court",
    "cres": "crescent", "dr": "drive", "gdns": "gardens", "gr": "grove", "gro": "grove", "pl": "place",
    "sq": "square", "ter": "terrace", "terr": "terrace", "pk": "park", "hse": "house", "mews": "mews",
    "wy": "way", "bldgs": "buildings", "est": "estate", "hts": "heights", "rise": "rise", "row": "row",
}
_UNIT_WORDS = {"flat", "apartment", "apt", "unit", "room", "rm", "maisonette"}
_NOISE = {"the", "and", "london"}


def normalise_postcode(postcode: str | None) -> str:
    """'w127ab' → 'W12 7AB'; anything not shaped like a postcode is upper-cased and trimmed."""
    compact = re.sub(r"\s+", "", (postcode or "").upper())
    if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}", compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z]+|\d+[a-z]?", text.lower().replace("'", ""))


def parse(line1: str, line2: str = "") -> tuple[str, str, list[str]]:
    """(house number, flat, street words) from the free-text lines."""
    tokens = _tokens(f"{line1} {line2}")
    flat = ""
    number = ""
    words: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in _UNIT_WORDS and i + 1 < len(tokens) and tokens[i + 1][0].isdigit():
            flat = tokens[i + 1]
            i += 2
            continue
        if tok[0].isdigit():
            if not number:
                number = tok
            elif not flat:
                # "3 41 Kings Road" / "3/41": the first number was the flat
                flat, number = number, tok
        elif tok not in _NOISE:
            words.append(_ABBREVIATIONS.get(tok, tok))
        i += 1
    return number, flat, words


def match_key(line1: str, line2: str = "", town: str = "", postcode: str = "") -> str:
    number, flat, words = parse(line1, line2)
    pc = normalise_postcode(postcode).replace(" ", "")
    if pc:
        return f"{pc}|{number}|{flat}"
    town_words = [w for w in _tokens(town) if w not in _NOISE]
    return f"~{'-'.join(words)}|{number}|{flat}|{'-'.join(town_words)}"


def normalise_phone(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits


def normalise_vrm(reg: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (reg or "").upper())
