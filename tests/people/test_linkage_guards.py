"""The cheap questions asked before an edit distance never turn away a pair within that distance
(``model._DATES_CLOSE``, ``model._IDENTIFIERS_CLOSE``): the levels take exactly the pairs they took before."""
import datetime as dt

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.people.linkage import model, records

CON = duckdb.connect()


def _close(condition: str, column: str, a: str, b: str) -> tuple[bool, int]:
    sql = condition.replace(f"{column}_l", "$1").replace(f"{column}_r", "$2")
    return CON.execute(f"SELECT ({sql}), damerau_levenshtein($1, $2)", [a, b]).fetchone()


def _edited(text: str, data, alphabet: str) -> str:
    """The text after one random edit: substitution, insertion, deletion or transposition."""
    if not text:
        return data.draw(st.text(alphabet, min_size=1, max_size=1))
    i = data.draw(st.integers(0, len(text) - 1))
    kind = data.draw(st.sampled_from(["sub", "ins", "del", "swap"]))
    ch = data.draw(st.text(alphabet, min_size=1, max_size=1))
    if kind == "sub":
        return text[:i] + ch + text[i + 1:]
    if kind == "ins":
        return text[:i] + ch + text[i:]
    if kind == "del":
        return text[:i] + text[i + 1:]
    return text[:i] + text[i + 1:i + 2] + text[i] + text[i + 2:] if i + 1 < len(text) else text


KINDS = ["pnc_id", "ni_number", "passport", "driving_licence", "other"]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(kind=st.sampled_from(KINDS), other=st.sampled_from(KINDS), value=st.text("ABC0123456789", max_size=14),
       data=st.data())
def test_identifiers_one_edit_apart_always_pass_the_cheap_question(kind, other, value, data):
    a = records.identifier(kind, value) or f"{kind}:A"
    b = data.draw(st.sampled_from([_edited(a, data, "ABC0123456789"), records.identifier(other, value) or a]))
    close, distance = _close(model._IDENTIFIERS_CLOSE, "identifier", a, b)
    if distance <= 1:
        assert close, (a, b)


@settings(max_examples=400, deadline=None)
@given(a=st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)), b=st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
       data=st.data())
def test_dates_two_edits_apart_always_pass_the_cheap_question(a, b, data):
    x = a.isoformat()
    # near dates are what matters: a date one or two edits from x that is still a valid date, or any date
    y = _edited(_edited(x, data, "0123456789"), data, "0123456789")
    try:
        y = dt.date.fromisoformat(y).isoformat() if len(y) == 10 else b.isoformat()
    except ValueError:
        y = b.isoformat()
    close, distance = _close(model._DATES_CLOSE, "dob", x, y)
    if distance <= 2:
        assert close, (x, y)


def test_the_cheap_question_turns_most_far_apart_pairs_away():
    assert not _close(model._IDENTIFIERS_CLOSE, "identifier", "other:1234567", "other:7654321")[0]
    assert not _close(model._DATES_CLOSE, "dob", "1980-01-02", "1975-11-30")[0]
    assert _close(model._DATES_CLOSE, "dob", "1980-01-02", "1980-10-02")[0]
