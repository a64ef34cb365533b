"""Address matching: the same place written the ways people write it gives one key; different places do not."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.people.addresses import (
    describe_key,
    match_key,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
    parse,
    postcode_district,
)

SAME_PLACE = [
    # (how one person wrote it, how another did)
    (("Flat 3, 41 Kings Road", "", "London", "XW3 1AB"), ("41 Kings Rd Flat 3", "", "London", "xw31ab")),
    (("Flat 3, 41 Kings Road", "", "London", "XW3 1AB"), ("3/41 Kings Road", "", "", "XW3  1AB")),
    (("Flat 3, 41 Kings Road", "", "London", "XW3 1AB"), ("41 King's Rd", "Flat No. 3", "LONDON", "XW31AB")),
    (("Flat 3, 41 Kings Road", "", "London", "XW3 1AB"), ("Apartment 3", "41 Kings Road", "Northbridge", "xw3 1ab")),
    (("Flat 3, 41 Kings Road", "", "London", "XW3 1AB"), ("Apt. 3, 41, Kings Road.", "", "", "XW3 1AB")),
    (("41a Kings Road", "", "", "XW3 1AB"), ("41 A Kings Rd", "", "", "XW3 1AB")),
    (("Flat B, 41 Kings Road", "", "", "XW3 1AB"), ("41 Kings Road (flat b)", "", "", "XW3 1AB")),
    (("First Floor Flat, 41 Kings Road", "", "", "XW3 1AB"), ("41 Kings Road FFF", "", "", "XW3 1AB")),
    (("12 High Street", "", "Northbridge", ""), ("12 High St.", "", "northbridge", "")),
    (("12 St Marys Road", "", "Eastmoor", ""), ("12 Saint Mary's Rd", "", "Eastmoor", "")),
    (("Rose Cottage, Mill Lane", "", "", "XS4 2AB"), ("Rose Cottage", "Mill Ln", "", "XS42AB")),
    (("7 Elm Grove", "", "", "XC1 9ZZ"), ("7, Elm Gro", "", "", "xc1 9zz")),
]

DIFFERENT_PLACE = [
    (("Flat 3, 41 Kings Road", "", "", "XW3 1AB"), ("Flat 4, 41 Kings Road", "", "", "XW3 1AB")),
    (("Flat 3, 41 Kings Road", "", "", "XW3 1AB"), ("41 Kings Road", "", "", "XW3 1AB")),
    (("41 Kings Road", "", "", "XW3 1AB"), ("14 Kings Road", "", "", "XW3 1AB")),
    (("41 Kings Road", "", "", "XW3 1AB"), ("41 Kings Road", "", "", "XW3 1AD")),
    (("41a Kings Road", "", "", "XW3 1AB"), ("41b Kings Road", "", "", "XW3 1AB")),
    (("Rose Cottage, Mill Lane", "", "", "XS4 2AB"), ("Ivy Cottage, Mill Lane", "", "", "XS4 2AB")),
    (("12 High Street", "", "Northbridge", ""), ("12 High Street", "", "Eastmoor", "")),
    (("12 High Street", "", "Northbridge", ""), ("12 Church Street", "", "Northbridge", "")),
]


@pytest.mark.parametrize(("a", "b"), SAME_PLACE)
def test_the_same_place_written_differently_has_one_key(a, b):
    assert match_key(*a) == match_key(*b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PLACE)
def test_different_places_have_different_keys(a, b):
    assert match_key(*a) != match_key(*b)


def test_parse_reads_number_flat_and_street():
    assert parse("Flat 3, 41 Kings Road") == ("41", "3", ["kings", "road"])
    assert parse("41 Kings Rd Flat 3") == ("41", "3", ["kings", "road"])
    assert parse("41-43 High St") == ("41-43", "", ["high", "street"])
    assert parse("First Floor, Flat 3, 41 Kings Road")[:2] == ("41", "3")


def test_postcodes_with_or_without_the_space():
    assert normalise_postcode("w127ab") == "W12 7AB"
    assert normalise_postcode(" XW3  1ab ") == "XW3 1AB"
    assert normalise_postcode("2119") == "2119"  # not UK-shaped: kept as written, upper case
    assert normalise_postcode(None) == ""
    assert postcode_district("xw31ab") == "XW3"
    assert postcode_district("nonsense") == ""


def test_describe_key_reads_back_for_people():
    assert describe_key(match_key("Flat 3, 41 Kings Road", "", "", "XW3 1AB")) == "XW3 1AB, number 41, flat 3"
    assert describe_key(match_key("12 High St", "", "Northbridge", "")) == "12 high street, northbridge"
    assert describe_key("") == ""


def test_phone_and_vehicle_normalisation():
    assert normalise_phone("+44 7700 900123") == "07700900123"
    assert normalise_phone("07700-900123") == "07700900123"
    assert normalise_vrm("xx12 abc") == "XX12ABC"


STREETS = ["Kings Road", "High Street", "Church Lane", "Elm Grove", "Victoria Avenue", "Park Gardens"]
SHORT = {"Road": "Rd", "Street": "St", "Lane": "Ln", "Grove": "Gro", "Avenue": "Ave", "Gardens": "Gdns"}


@st.composite
def an_address(draw):
    street = draw(st.sampled_from(STREETS))
    number = draw(st.integers(1, 399))
    flat = draw(st.one_of(st.none(), st.integers(1, 40)))
    area = draw(st.sampled_from(["XW", "XE", "XN", "XS", "XC"]))
    pc = f"{area}{draw(st.integers(1, 20))} {draw(st.integers(0, 9))}{draw(st.sampled_from(['AB', 'ZZ', 'QT']))}"
    return street, number, flat, pc


def _written(street, number, flat, pc, style):
    last = street.split()[-1]
    short = street.replace(last, SHORT[last])
    if style == 0:
        line1 = (f"Flat {flat}, " if flat else "") + f"{number} {street}"
        return line1, "", "London", pc
    if style == 1:
        line1 = f"{number} {short}" + (f" Flat {flat}" if flat else "")
        return line1, "", "", pc.replace(" ", "").lower()
    if style == 2:
        line1 = (f"{flat}/" if flat else "") + f"{number} {short.upper()}"
        return line1, "", "LONDON", pc.lower()
    return (f"Apartment {flat}" if flat else f"{number} {street}"), (f"{number} {street}" if flat else ""), "", pc


@given(an_address(), st.integers(0, 3), st.integers(0, 3))
def test_any_two_ways_of_writing_one_address_match(addr, s1, s2):
    assert match_key(*_written(*addr, s1)) == match_key(*_written(*addr, s2))


@given(an_address(), an_address())
def test_two_different_addresses_never_share_a_key(a, b):
    same_place = (a[1], a[2], a[3].replace(" ", "")) == (b[1], b[2], b[3].replace(" ", ""))
    assert (match_key(*_written(*a, 0)) == match_key(*_written(*b, 1))) == same_place
