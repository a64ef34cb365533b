"""The linkage model: Splink comparisons with documented prior parameters, blocking, and scoring.

Fellegi–Sunter: each comparison (forename, surname, date of birth, address, town, phone, identifier, sex,
vehicle) falls into a level, and each level carries ``m`` (how often true matches fall there) and ``u`` (how
often non-matches do). A pair's match weight is the sum of log2(m/u) over comparisons plus the prior log-odds;
its probability follows.

**Small forces.** With a handful of records EM training is impossible, so the model runs on the prior
parameters below, chosen from published UK name and date-of-birth frequencies and the error rates seen in police
records (ADR 0303 gives the reasoning for each). The prior probability that two random records match is
``2 × expected duplicate share ÷ (records − 1)`` (policy ``linkage.expected_duplicate_share``), capped at
``linkage.prior_match_probability_cap`` so that a handful of records never links on names and a birthday alone.

**Larger forces.** From ``linkage.min_records_for_training`` records, ``u`` is estimated by random sampling and
``m`` by expectation maximisation on two blocking passes, starting from the priors.

The SQL is written with Splink's level library, so the same model runs on Splink's Spark or Postgres backends at
national scale (docs/linkage.md); DuckDB is the embedded default.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Level:
    label: str
    level: object        # a splink ComparisonLevelCreator
    m: float
    u: float


@dataclass(frozen=True)
class Comparison:
    name: str
    null: object
    levels: tuple[Level, ...]   # the last is the ELSE level
    shows: tuple[str, ...]      # the columns shown side by side as evidence

    def creator(self, trained: Mapping | None = None) -> cl.CustomComparison:
        """Splink's comparison, on the prior m and u, or on ``trained`` ones (``{"m": [...], "u": [...]}``
        in level order, None where a level kept its prior)."""
        comp = cl.CustomComparison(
            output_column_name=self.name,
            comparison_levels=[self.null, *[lv.level.configure(label_for_charts=lv.label) for lv in self.levels]])
        def values(kind: str, prior: list[float]) -> list[float]:
            got = (trained or {}).get(kind) or []
            return [got[i] if i < len(got) and got[i] is not None else p for i, p in enumerate(prior)]

        m = values("m", [lv.m for lv in self.levels])
        u = values("u", [lv.u for lv in self.levels])
        return comp.configure(m_probabilities=m, u_probabilities=u)

    def label(self, gamma: int) -> str:
        """Splink numbers the non-null levels from the top down to 0 (ELSE); the null level is -1."""
        if gamma < 0:
            return "not recorded on one side"
        return self.levels[len(self.levels) - 1 - gamma].label


def L(label: str, level, m: float, u: float) -> Level:
    return Level(label, level, m, u)


# Missing data is no evidence: a pair with no date of birth of any kind on one side is at the null level
# (Bayes factor 1). An approximate date (a year, a range) has a null exact ``dob`` but a span dob_from–dob_to.
NO_DATE_OF_BIRTH = cll.CustomLevel("dob_from_l IS NULL OR dob_from_r IS NULL").configure(is_null_level=True)
_OVERLAP = ("CAST(substr(dob_from_l, 1, 4) AS INTEGER) <= CAST(substr(dob_to_r, 1, 4) AS INTEGER) + {slack} "
            "AND CAST(substr(dob_from_r, 1, 4) AS INTEGER) <= CAST(substr(dob_to_l, 1, 4) AS INTEGER) + {slack} "
            "AND (dob_from_l <= dob_to_r AND dob_from_r <= dob_to_l OR {slack} > 0)")


# Damerau-Levenshtein is the dearest function the model calls, and almost every pair it meets is far apart. Each
# edit-distance level first asks a cheap question every pair within that distance must pass, so the distance is
# computed for a few pairs in a hundred; the pairs a level takes are exactly the same.
# Two valid ISO dates at most two edits apart agree on the year, the month or the day: an edit cannot move a dash
# and stay a date, so the edits fall in at most two of the three parts.
_DATES_CLOSE = ("(substr(dob_l, 1, 4) = substr(dob_r, 1, 4) OR substr(dob_l, 6, 2) = substr(dob_r, 6, 2) "
                "OR substr(dob_l, 9, 2) = substr(dob_r, 9, 2))")
# Two strings one edit apart differ in length by at most one, and the edit leaves alike either everything before it
# or everything after it: with m the shorter length, the first m − 4 characters or the last 3 are the same.
_KEEP = "greatest(0, least(length(identifier_l), length(identifier_r)) - 4)"
_IDENTIFIERS_CLOSE = (f"abs(length(identifier_l) - length(identifier_r)) <= 1 AND (left(identifier_l, {_KEEP}) = "
                      f"left(identifier_r, {_KEEP}) OR right(identifier_l, 3) = right(identifier_r, 3))")


class _Guarded(ComparisonLevelCreator):
    """A level whose dear test runs only where a cheap one passes: ``CASE WHEN cheap THEN dear ELSE FALSE END``.
    (A plain ``AND`` is evaluated on both sides for every pair inside Splink's ``CASE``.)"""

    def __init__(self, cheap: str, dear: ComparisonLevelCreator):
        self.cheap, self.dear = cheap, dear

    def create_sql(self, sql_dialect) -> str:
        return f"CASE WHEN {self.cheap} THEN {self.dear.create_sql(sql_dialect)} ELSE FALSE END"

    def create_label_for_charts(self) -> str:
        return self.dear.create_label_for_charts()


def _approximate(condition: str):
    """A level for pairs where at least one date of birth is approximate. No training data may have any such
    pair, so its m and u stay the documented priors (ADR 0307)."""
    return _Guarded("dob_l IS NULL OR dob_r IS NULL", cll.CustomLevel(condition)).configure(
        fix_m_probability=True, fix_u_probability=True)


def _edits(column: str, distance: int, close: str) -> _Guarded:
    return _Guarded(close, cll.DamerauLevenshteinLevel(column, distance))


@functools.cache
def comparisons() -> tuple[Comparison, ...]:
    """The comparisons and their prior m and u (each list sums to 1 over the non-null levels)."""
    jw = cll.JaroWinklerLevel
    return (
        Comparison("forename", cll.NullLevel("forename"), (
            L("same forename", cll.ExactMatchLevel("forename"), 0.80, 0.010),
            L("nickname or variant of the same name", cll.CustomLevel("forename_canon_l = forename_canon_r"),
              0.06, 0.002),
            L("forename spelled nearly the same (Jaro-Winkler ≥ 0.92)", jw("forename", 0.92), 0.05, 0.004),
            L("forename similar (Jaro-Winkler ≥ 0.80)", jw("forename", 0.80), 0.04, 0.030),
            L("forename and surname swapped",
              cll.CustomLevel("forename_l = surname_r AND surname_l = forename_r"), 0.01, 0.0002),
            L("different forename", cll.ElseLevel(), 0.04, 0.9538),
        ), ("forename",)),
        Comparison("surname", cll.NullLevel("surname"), (
            L("same surname", cll.ExactMatchLevel("surname"), 0.85, 0.005),
            L("surname spelled nearly the same (Jaro-Winkler ≥ 0.92)", jw("surname", 0.92), 0.07, 0.002),
            L("surname similar (Jaro-Winkler ≥ 0.80)", jw("surname", 0.80), 0.04, 0.020),
            L("different surname", cll.ElseLevel(), 0.04, 0.973),
        ), ("surname",)),
        Comparison("dob", NO_DATE_OF_BIRTH, (
            L("same date of birth", cll.ExactMatchLevel("dob"), 0.86, 0.0003),
            L("date of birth one keystroke apart", _edits("dob", 1, _DATES_CLOSE), 0.07, 0.005),
            L("day and month transposed", cll.CustomLevel(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"), 0.01, 0.00003),
            L("date of birth two keystrokes apart", _edits("dob", 2, _DATES_CLOSE), 0.03, 0.040),
            # Reached only when one side gives a year or a range (its exact dob is null): compared as a range.
            L("born in the year given", _approximate("birth_year_l = birth_year_r"), 0.90, 0.02),
            L("born within the range given", _approximate(_OVERLAP.format(slack=0)), 0.90, 0.10),
            L("born within two years of the year or range given", _approximate(_OVERLAP.format(slack=2)),
              0.06, 0.12),
            L("different date of birth", cll.ElseLevel(), 0.03, 0.95467),
        ), ("dob", "born")),
        Comparison("address", cll.NullLevel("address_keys"), (
            L("an address in common", cll.ArrayIntersectLevel("address_keys", 1), 0.55, 0.0001),
            L("same postcode, street spelled alike", _Guarded("postcode_l = postcode_r", jw("street", 0.85)), 0.05, 0.00005),
            L("a postcode in common", cll.ArrayIntersectLevel("postcodes", 1), 0.08, 0.0005),
            L("same street spelled alike (Jaro-Winkler ≥ 0.9)", jw("street", 0.90), 0.07, 0.002),
            L("same postcode district", cll.ExactMatchLevel("district"), 0.07, 0.030),
            L("no address in common", cll.ElseLevel(), 0.18, 0.96735),
        ), ("address_key", "postcode", "street")),
        Comparison("town", cll.NullLevel("town"), (
            L("same town", cll.ExactMatchLevel("town"), 0.80, 0.10),
            L("town spelled alike", jw("town", 0.88), 0.08, 0.02),
            L("different town", cll.ElseLevel(), 0.12, 0.88),
        ), ("town",)),
        Comparison("phone", cll.NullLevel("phones"), (
            L("a phone number in common", cll.ArrayIntersectLevel("phones", 1), 0.60, 0.0001),
            L("no phone in common", cll.ElseLevel(), 0.40, 0.9999),
        ), ("phones",)),
        Comparison("identifier", cll.NullLevel("identifiers"), (
            L("an identifier in common (PNC, NI number, passport …)", cll.ArrayIntersectLevel("identifiers", 1),
              0.80, 0.000001),
            L("identifier one keystroke apart", _edits("identifier", 1, _IDENTIFIERS_CLOSE), 0.08, 0.00001),
            L("different identifiers", cll.ElseLevel(), 0.12, 0.999989),
        ), ("identifiers",)),
        Comparison("sex", cll.NullLevel("sex"), (
            L("same sex", cll.ExactMatchLevel("sex"), 0.97, 0.5),
            L("different sex", cll.ElseLevel(), 0.03, 0.5),
        ), ("sex",)),
        Comparison("vehicle", cll.NullLevel("vehicles"), (
            L("a vehicle in common", cll.ArrayIntersectLevel("vehicles", 1), 0.40, 0.00005),
            L("no vehicle in common", cll.ElseLevel(), 0.60, 0.99995),
        ), ("vehicles",)),
    )


NOT_SAME = "l.person_id <> r.person_id"
# Each rule keeps its blocks small even where names are common (a national run compares about 7 million pairs
# rather than the 70 million of looser rules; bench/linkage_people.py).
BLOCKING = [
    "l.forename_canon = r.forename_canon AND l.surname = r.surname AND substr(l.dob, 1, 3) = substr(r.dob, 1, 3)",
    "l.forename_canon = r.forename_canon AND l.surname = r.surname AND (l.dob IS NULL OR r.dob IS NULL)",
    "l.dob = r.dob",
    "l.postcode = r.postcode",
    "l.phone = r.phone",
    "l.identifier = r.identifier",
    "l.forename_canon = r.forename_canon AND l.birth_year = r.birth_year "
    "AND substr(l.surname, 1, 1) = substr(r.surname, 1, 1)",
    "l.surname = r.surname AND l.town = r.town AND l.birth_year = r.birth_year",
    # Partly known people: a forename (or nickname) and the year, the surname not known on one side.
    "l.forename_canon = r.forename_canon AND l.birth_year = r.birth_year AND (l.surname IS NULL OR r.surname IS NULL)",
    "l.surname = r.surname AND l.district = r.district",
]
# EM needs blocks where matches are neither almost all nor almost none of the pairs, on any size of force.
TRAINING_BLOCKS = ["l.dob = r.dob",
                   "substr(l.surname, 1, 2) = substr(r.surname, 1, 2) AND l.birth_year = r.birth_year"]
# Pairs of random records sampled to estimate u: about a hundred per record, from half a million (FEBRL3's 5,000
# records: the same F1 to four places as two million, in half the time; docs/benchmarks/missing.md) to two million.
U_SAMPLE_PAIRS = (5e5, 100, 2e6)


def u_sample_pairs(records: int) -> float:
    least, per_record, most = U_SAMPLE_PAIRS
    return min(most, max(least, per_record * records))


DETERMINISTIC = ["l.identifier = r.identifier",
                 "l.forename = r.forename AND l.surname = r.surname AND l.dob = r.dob"]


def _blocking(rules: list[str], link_type: str) -> list[str]:
    return [f"{r} AND {NOT_SAME}" for r in rules] if link_type != "link_only" else list(rules)


def prior_match_probability(records: int, pol: Mapping) -> float:
    """The prior that two random records are the same person: expected matching pairs ÷ all pairs."""
    if records < 2:
        return pol["linkage.prior_match_probability_cap"]
    share = 2 * pol["linkage.expected_duplicate_share"] / (records - 1)
    return min(pol["linkage.prior_match_probability_cap"], max(1e-9, share))


@dataclass
class Scored:
    pairs: pd.DataFrame        # one row per pair of people: first, second (person ids, first < second), ...
    parameters: str            # "prior" or "trained"
    rows: int
    people: int
    seconds: float
    model: dict                # the parameters used (m, u and the prior), for the record

    @classmethod
    def nothing(cls, parameters: str, rows: int, people: int, model: dict) -> Scored:
        """A run that compared no pair (nothing new, or fewer than two people)."""
        return cls(pd.DataFrame(columns=["first", "second", "match_probability", "match_weight"]), parameters,
                   rows, people, 0.0, model)

    def evidences(self, lower_first: list[bool]) -> list[list[dict]]:
        """Per pair, per comparison: the level reached, its weight in bits, and the two values side by side.
        ``lower_first[i]`` says whether pair i's ``first`` is the side to show on the left. Built a column at a
        time (a national run has tens of thousands of pairs)."""
        df, n = self.pairs, len(self.pairs)
        out: list[list[dict]] = [[] for _ in range(n)]
        for comp in comparisons():
            gammas = df[f"gamma_{comp.name}"].fillna(-1).astype(int).tolist() if f"gamma_{comp.name}" in df \
                else [-1] * n
            # Splink's partial match weight: log2(m / u) of the level reached
            weights = df[f"mw_{comp.name}"].fillna(0.0).astype(float).round(2).tolist() if f"mw_{comp.name}" in df \
                else [0.0] * n
            labels = {g: comp.label(g) for g in set(gammas)}
            ends = [[dict(zip(comp.shows, values, strict=True)) for values in zip(*(
                [_show(v) for v in (df[f"{c}_{end}"].tolist() if f"{c}_{end}" in df else [None] * n)]
                for c in comp.shows), strict=True)] if comp.shows else [{}] * n for end in ("l", "r")]
            for i, (ls, rs, g, w, first) in enumerate(zip(*ends, gammas, weights, lower_first, strict=True)):
                out[i].append({"comparison": comp.name, "level": labels[g], "weight": w,
                               "left": ls if first else rs, "right": rs if first else ls})
        return out


def _show(value):
    """A value as JSON can carry it (lists stay lists; missing is None)."""
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if pd.isna(value):
        return None
    return value if isinstance(value, int | float) else str(value)


def parameters(saved: Mapping) -> tuple[dict[str, dict], float | None]:
    """The m and u of each comparison and the prior, from a model Splink saved (``Scored.model``)."""
    out = {}
    for comp in saved.get("comparisons", []):
        levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
        out[comp.get("output_column_name")] = {"m": [lv.get("m_probability") for lv in levels],
                                                "u": [lv.get("u_probability") for lv in levels]}
    return out, saved.get("probability_two_random_records_match")


def score(tables: pa.Table | list[pa.Table], pol: Mapping, *, min_probability: float | None = None,
          train: bool | None = None, link_type: str | None = None, seed: int = 42, db_api=None,
          fresh: set[str] | None = None, saved: Mapping | None = None) -> Scored:
    """Score every blocked pair of rows, then keep each pair of people's best pair of rows.

    ``tables`` is one table (deduplication) or two (linking one to the other). Pairs below ``min_probability``
    (default: the review threshold) are dropped. ``train`` forces or forbids EM training; by default it is used
    only when there are enough records. ``db_api`` is a Splink backend (default: DuckDB in memory).

    Incremental (one table): ``fresh`` person ids are compared with every record and with each other, and no
    other pair is scored; ``saved`` is the model of an earlier run, scored with as it was (no training).
    """
    started = time.perf_counter()
    tables = tables if isinstance(tables, list) else [tables]
    link_type = link_type or ("dedupe_only" if len(tables) == 1 else "link_only")
    rows = sum(t.num_rows for t in tables)
    people = sum(len(set(t.column("person_id").to_pylist())) for t in tables)
    threshold = pol["linkage.review_probability"] if min_probability is None else min_probability
    if people < 2:
        return Scored.nothing("prior", rows, people, {})
    db = db_api or DuckDBAPI()
    rules = _blocking(BLOCKING, link_type)
    if fresh is not None:
        ids = tables[0].column("person_id").to_pylist()
        tables = [tables[0].append_column("fresh", pa.array([i in fresh for i in ids], pa.bool_()))]
        rules = [f"({r}) AND (l.fresh OR r.fresh)" for r in rules]
    trained_values, trained_prior = parameters(saved) if saved else ({}, None)
    inputs = [db.register(t) for t in tables]
    comps = comparisons()
    settings = SettingsCreator(
        link_type=link_type, comparisons=[c.creator(trained_values.get(c.name)) for c in comps],
        blocking_rules_to_generate_predictions=rules,
        probability_two_random_records_match=trained_prior or prior_match_probability(people, pol),
        retain_matching_columns=True, retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["person_id", "born"])
    # Splink's settings check only logs columns it cannot find; these settings are ours and tested
    # (tests/people/test_linkage.py), so the SQL parsing it costs (0.2 s a run) is skipped.
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=None, validate_settings=False)
    trained = people >= pol["linkage.min_records_for_training"] if train is None else train
    if saved:
        trained = saved.get("vigil_parameters") == "trained"
    elif trained:
        trained = _train(linker, link_type, seed, u_sample_pairs(rows))
    predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    df = predictions.as_pandas_dataframe()
    model = {**linker.misc.save_model_to_json(), "vigil_parameters": "trained" if trained else "prior"}
    if df.empty:
        return Scored.nothing("trained" if trained else "prior", rows, people, model)
    left, right = df["person_id_l"].astype(str), df["person_id_r"].astype(str)
    swap = left > right
    df["first"], df["second"] = left.where(~swap, right), right.where(~swap, left)
    if swap.any():  # keep each side's values with its own person
        for col in [c for c in df.columns if c.endswith("_l")]:
            base = col[:-2]
            if f"{base}_r" in df.columns:
                lcol, rcol = df[col].copy(), df[f"{base}_r"].copy()
                df.loc[swap, col], df.loc[swap, f"{base}_r"] = rcol[swap], lcol[swap]
    df = df.sort_values("match_probability", ascending=False).drop_duplicates(["first", "second"])
    return Scored(df.reset_index(drop=True), "trained" if trained else "prior", rows, people,
                  time.perf_counter() - started, model)


def _train(linker: Linker, link_type: str, seed: int, u_pairs: float) -> bool:
    """u by random sampling, m by EM on two blocking passes, λ from near-certain rules.

    A pass that cannot converge on this data (too few matches in its blocks) is skipped and its comparisons keep
    the estimates of the other pass or their priors. False (score on the priors) if nothing could be trained.
    Levels never seen in the data (no vehicles on any record, say) keep their priors; Splink's warnings about
    them are not shown to the person running the command."""
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    splink_log.setLevel(logging.ERROR)
    try:
        try:
            # every sampled pair counts, in one pass per comparison: no early stop, which never comes on the rare
            # levels (an identifier agreeing) and made ten passes of each; the same sample, so the same u each run
            linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed, min_count_per_level=None,
                                                             num_chunks=1)
        except Exception:  # training is an improvement, never a requirement
            logger.warning("u could not be estimated; scoring with the prior parameters", exc_info=True)
            return False
        passes = 0
        for block in TRAINING_BLOCKS:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    _blocking([block], link_type)[0], estimate_without_term_frequencies=True)
                passes += 1
            except Exception:  # each pass stands alone
                logger.info("EM pass on %s skipped", block, exc_info=True)
        prior = linker._settings_obj._probability_two_random_records_match
        try:
            linker.training.estimate_probability_two_random_records_match(_blocking(DETERMINISTIC, link_type),
                                                                          recall=0.7)
        except (ValueError, ZeroDivisionError):
            logger.info("keeping the prior probability that two records match")
        if not linker._settings_obj._probability_two_random_records_match > 0:  # no near-certain pair seen
            linker._settings_obj._probability_two_random_records_match = prior
        return passes > 0
    finally:
        splink_log.setLevel(level)
