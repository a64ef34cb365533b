"""Investigation allocation (domain-rules §2) as pure functions of policy, facts and an as-of date.

- ``CrimeRules(policy)``: a crime's required level, its §4 categories and why it is vulnerable;
- ``is_eligible(officers, crimes, policy)``: the one eligibility test, set-based over arrays of officers and
  crimes (a whole force × a day's queue in one call), with reasons a person can read for any pair;
- ``allocation_cost``: the stated cost that ranks eligible officers, with the impact of each allocation;
- ``priority``: THRIVE and solvability screening (never screening out a vulnerable victim);
- ``overload``: OFFICER_OVERLOADED;
- the severities of this area's alerts (``below_level_severity``, ``overload_severity``, ``unallocated_severity``):
  the sweep and the batch allocation take them from here (docs/adr/0016-one-judgement-per-record.md).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vigil.core.restrictions import WorkRestriction
from vigil.crimes.categories import CATEGORY_BIT, CATEGORY_LABELS, category_selectors
from vigil.crimes.selectors import Selector
from vigil.investigations.flags import SOLVABILITY_FACTORS, SPECIALISM_BIT, bits, names_of

Policy = Mapping[str, Any]


# --- What a crime needs ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Requirement:
    pip_level: int
    specialisms: tuple[str, ...]
    reasons: tuple[str, ...]  # the matrix rules that set it, e.g. "Sexual offences group: PIP2 + sexual_offences"

    def as_json(self) -> dict:
        return {"pip_level": self.pip_level, "specialisms": list(self.specialisms)}

    def __str__(self) -> str:
        return f"PIP{self.pip_level}" + "".join(f" + {s}" for s in self.specialisms)


class CrimeRules:
    """The policy compiled once: required level, categories and vulnerability of any (offence, flags)."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.matrix = [(r, Selector.parse(r)) for r in policy["allocation.required_level_matrix"]]
        self.default_pip = int(policy["allocation.default_pip_level"])
        self.categories_sel = category_selectors(policy)
        self.vulnerable_flags = tuple(policy["allocation.vulnerability_flags"])
        self.vulnerable_categories = tuple(policy["allocation.vulnerability_categories"])
        self.units = {int(k): int(v) for k, v in policy["allocation.units_by_level"].items()}
        self._memo: dict[tuple, Any] = {}

    def requirement(self, offence_code: str, flags: Iterable[str]) -> Requirement:
        key = ("req", offence_code, frozenset(flags))
        if key not in self._memo:
            pip, specs, reasons = self.default_pip, [], []
            for rule, sel in self.matrix:
                if sel.matches(offence_code, key[2]):
                    pip = max(pip, int(rule["pip_level"]))
                    specs.extend(s for s in rule.get("specialisms") or () if s not in specs)
                    needs = f"PIP{rule['pip_level']}" + "".join(f" + {s}" for s in rule.get("specialisms") or ())
                    reasons.append(f"{rule['name']}: {needs}")
            if not reasons:
                reasons.append(f"volume crime: PIP{self.default_pip}")
            self._memo[key] = Requirement(pip, tuple(specs), tuple(reasons))
        return self._memo[key]

    def categories(self, offence_code: str, flags: Iterable[str]) -> frozenset[str]:
        key = ("cat", offence_code, frozenset(flags))
        if key not in self._memo:
            self._memo[key] = frozenset(name for name, sels in self.categories_sel.items()
                                        if any(s.matches(offence_code, key[2]) for s in sels))
        return self._memo[key]

    def vulnerability(self, offence_code: str, flags: Iterable[str]) -> tuple[str, ...]:
        """Why the crime is one no probationer may hold (empty: it is not)."""
        key = ("vul", offence_code, frozenset(flags))
        if key not in self._memo:
            cats = self.categories(offence_code, key[2])
            out = [f"flagged {f}" for f in self.vulnerable_flags if f in key[2]]
            out += [f"in the {CATEGORY_LABELS.get(c, c)} category" for c in self.vulnerable_categories if c in cats]
            self._memo[key] = tuple(out)
        return self._memo[key]

    def units_for(self, pip_level: int) -> int:
        return self.units.get(pip_level, max(self.units.values()))


def required_level(offence_code: str, flags: Iterable[str], policy: Policy) -> Requirement:
    return CrimeRules(policy).requirement(offence_code, flags)


def capacities(policy: Policy) -> Callable[[int], int]:
    """Capacity in workload units by PIP level (a level the policy does not name takes the next level down's)."""
    caps = {int(k): int(v) for k, v in policy["allocation.capacity_units"].items()}

    def cap(pip_level: int) -> int:
        if pip_level in caps:
            return caps[pip_level]
        lower = [k for k in caps if k <= pip_level]
        return caps[max(lower)] if lower else 0  # police staff without a PIP level hold no investigations

    return cap


def capacity_for(pip_level: int, policy: Policy) -> int:
    return capacities(policy)(pip_level)


def probation_ends(joined: dt.date, years: int) -> dt.date:
    """The first day an officer is no longer a probationer by length of service."""
    try:
        return joined.replace(year=joined.year + years)
    except ValueError:  # joined on 29 February
        return joined.replace(year=joined.year + years, month=3, day=1)


# --- Facts -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OfficerFacts:
    ref: str
    name: str
    pip_level: int
    student_officer: bool
    joined: dt.date
    specialisms: Mapping[str, dt.date | None]  # name → expires (inclusive); None: does not expire
    team_id: int | None = None
    borough_id: int | None = None
    team_name: str = ""
    borough_name: str = ""
    units: int = 0          # open investigations, weighted
    open_crimes: int = 0
    restriction: WorkRestriction | None = None
    pk: int | None = None


@dataclass(frozen=True)
class CrimeFacts:
    ref: str
    offence_code: str
    flags: frozenset[str]
    team_id: int | None = None
    borough_id: int | None = None
    borough_name: str = ""
    pk: int | None = None


class OfficerTable:
    """Officers as arrays, for set-based eligibility and cost."""

    def __init__(self, officers: Sequence[OfficerFacts], as_of: dt.date, policy: Policy):
        self.facts = list(officers)
        self.as_of = as_of
        self.probation_years = years = int(policy["allocation.probation_years"])
        cap = capacities(policy)
        ends: dict[dt.date, dt.date] = {}
        rows = []
        for o in self.facts:  # one pass: a force's officers are read for every recommendation
            valid = 0
            for s, exp in o.specialisms.items():
                if exp is None or exp >= as_of:
                    valid |= SPECIALISM_BIT.get(s, 0)
            end = ends.get(o.joined) or ends.setdefault(o.joined, probation_ends(o.joined, years))
            restricted = bits(o.restriction.crime_categories & CATEGORY_BIT.keys(), CATEGORY_BIT) \
                if o.restriction else 0
            rows.append((o.pip_level, valid, o.student_officer, o.student_officer or as_of < end, restricted,
                         o.units, o.open_crimes, cap(o.pip_level), -1 if o.team_id is None else o.team_id,
                         -1 if o.borough_id is None else o.borough_id))
        cols = list(zip(*rows, strict=True)) if rows else [()] * 10
        self.pip = np.array(cols[0], dtype=np.int16)
        self.spec_valid = np.array(cols[1], dtype=np.int16)
        self.student = np.array(cols[2], dtype=bool)
        self.probationer = np.array(cols[3], dtype=bool)
        self.restricted = np.array(cols[4], dtype=np.int16)
        self.units = np.array(cols[5], dtype=np.int32)
        self.open = np.array(cols[6], dtype=np.int32)
        self.cap = np.array(cols[7], dtype=np.int32)
        self.team = np.array(cols[8], dtype=np.int64)
        self.borough = np.array(cols[9], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.facts)


class CrimeTable:
    """Crimes as arrays: what each needs, whether it is vulnerable, its §4 categories and its weight."""

    def __init__(self, crimes: Sequence[CrimeFacts], rules: CrimeRules):
        self.facts = list(crimes)
        self.rules = rules
        m = len(self.facts)
        self.requirements = [rules.requirement(c.offence_code, c.flags) for c in self.facts]
        self.vulnerabilities = [rules.vulnerability(c.offence_code, c.flags) for c in self.facts]
        self.category_names = [rules.categories(c.offence_code, c.flags) for c in self.facts]
        self.req_pip = np.fromiter((r.pip_level for r in self.requirements), dtype=np.int16, count=m)
        self.req_specs = np.fromiter((bits(r.specialisms, SPECIALISM_BIT) for r in self.requirements),
                                     dtype=np.int16, count=m)
        self.vulnerable = np.fromiter((bool(v) for v in self.vulnerabilities), dtype=bool, count=m)
        self.categories = np.fromiter((bits(c & CATEGORY_BIT.keys(), CATEGORY_BIT) for c in self.category_names),
                                      dtype=np.int16, count=m)
        self.units = np.fromiter((rules.units_for(r.pip_level) for r in self.requirements), dtype=np.int32, count=m)
        self.team = np.fromiter((c.team_id if c.team_id is not None else -2 for c in self.facts), np.int64, m)
        self.borough = np.fromiter((c.borough_id if c.borough_id is not None else -2 for c in self.facts),
                                   np.int64, m)

    def __len__(self) -> int:
        return len(self.facts)


# --- Eligibility -------------------------------------------------------------------------------------------------

CHECKS = ("level", "specialisms", "probation", "restriction", "capacity")
STANDING = ("level", "specialisms", "probation")  # what a supervisor's override may set aside (not a restriction)


@dataclass
class Eligibility:
    """Masks (True = passes) over officers × crimes, or over pairs. ``ok`` is every check passed."""

    officers: OfficerTable
    crimes: CrimeTable
    checks: dict[str, np.ndarray] = field(default_factory=dict)
    max_open: int = 25
    officer_index: np.ndarray | None = None  # pairs: officer of pair k …
    crime_index: np.ndarray | None = None    # … and crime of pair k; None: every officer × every crime

    @property
    def ok(self) -> np.ndarray:
        out = self.checks["level"].copy()
        for name in CHECKS[1:]:
            out &= self.checks[name]
        return out

    @property
    def ok_but_capacity(self) -> np.ndarray:
        """Every check except capacity (which a batch allocation tracks itself as it allocates)."""
        out = self.checks["level"] & self.checks["specialisms"] & self.checks["probation"]
        return out & self.checks["restriction"]

    def _where(self, i: int, j: int | None) -> tuple[int, int, tuple]:
        """(officer index, crime index, index into the masks) for officer i × crime j, or for pair i."""
        if self.officer_index is None:
            return i, j, (i, j)
        return int(self.officer_index[i]), int(self.crime_index[i]), (i,)

    def failed(self, i: int, j: int | None = None) -> list[str]:
        _, _, at = self._where(i, j)
        return [name for name in CHECKS if not self.checks[name][at]]  # every mask has the full shape

    def reasons(self, i: int, j: int | None = None) -> list[str]:
        """Why officer ``i`` may not take crime ``j`` (or, for pairs, why pair ``i`` fails); empty: eligible."""
        oi, cj, _ = self._where(i, j)
        o = self.officers.facts[oi]
        req = self.crimes.requirements[cj]
        out = []
        for name in self.failed(i, j):
            if name == "level":
                out.append(f"PIP level {o.pip_level} is below the required PIP{req.pip_level}")
            elif name == "specialisms":
                for s in req.specialisms:
                    if not int(self.officers.spec_valid[oi]) & SPECIALISM_BIT[s]:
                        exp = o.specialisms.get(s, "missing")
                        out.append(f"does not hold the {s} specialism" if exp == "missing"
                                   else f"{s} specialism expired on {exp.isoformat()}")
            elif name == "probation":
                why = self.crimes.vulnerabilities[cj][0]
                if o.student_officer:
                    out.append(f"student officer: not eligible for a crime {why}")
                else:
                    out.append(f"under {self.officers.probation_years} years' service (joined "
                               f"{o.joined.isoformat()}): not eligible for a crime {why}")
            elif name == "restriction":
                covered = names_of(int(self.officers.restricted[oi]) & int(self.crimes.categories[cj]), CATEGORY_BIT)
                labels = ", ".join(CATEGORY_LABELS[c] for c in covered)
                out.append(f"{o.restriction.reason if o.restriction else 'restricted'}: not eligible for "
                           f"{labels} crimes")
            elif name == "capacity":
                w = int(self.crimes.units[cj])
                cap = int(self.officers.cap[oi])
                if o.units + w > cap:
                    out.append(f"no capacity: {o.units} of {cap} workload units in use and this crime adds {w}")
                if o.open_crimes + 1 > self.max_open:
                    out.append(f"already holds {o.open_crimes} open crimes (at most {self.max_open})")
        return out


def is_eligible(officers: OfficerTable, crimes: CrimeTable, policy: Policy, *,
                pairs: bool | tuple[Sequence[int], Sequence[int]] = False) -> Eligibility:
    """The one eligibility test (domain-rules §2), set-based.

    ``pairs=False``: every officer against every crime (masks shaped officers × crimes).
    ``pairs=True``: officer ``k`` against crime ``k`` (tables of equal length).
    ``pairs=(officer_indices, crime_indices)``: officer ``officer_indices[k]`` against crime ``crime_indices[k]``
    (current allocations: each officer once in the table, however many crimes they hold).
    """
    if pairs is True:
        if len(officers) != len(crimes):
            raise ValueError("aligned pairs need as many officers as crimes")
        oi = ci = np.arange(len(officers))
    elif pairs is False:
        oi = ci = None
    else:
        oi, ci = (np.asarray(p, dtype=np.int64) for p in pairs)

    def of(a):
        return a[:, None] if oi is None else a[oi]

    def cr(a):
        return a if ci is None else a[ci]

    max_open = int(policy["allocation.max_open_crimes"])
    req_specs = cr(crimes.req_specs)
    checks = {
        "level": of(officers.pip) >= cr(crimes.req_pip),
        "specialisms": (of(officers.spec_valid) & req_specs) == req_specs,
        "probation": ~(of(officers.probationer) & cr(crimes.vulnerable)),
        "restriction": (of(officers.restricted) & cr(crimes.categories)) == 0,
        "capacity": ((of(officers.units) + cr(crimes.units)) <= of(officers.cap)) & (of(officers.open) + 1 <= max_open),
    }
    return Eligibility(officers, crimes, checks, max_open, oi, ci)


def check_one(officer: OfficerFacts, crime: CrimeFacts, as_of: dt.date, policy: Policy,
              rules: CrimeRules | None = None) -> tuple[bool, list[str], Eligibility]:
    """``is_eligible`` for one officer and one crime: (eligible, reasons, the full result)."""
    e = is_eligible(OfficerTable([officer], as_of, policy), CrimeTable([crime], rules or CrimeRules(policy)),
                    policy, pairs=True)
    reasons = e.reasons(0)
    return not reasons, reasons, e


# --- Cost and impact ---------------------------------------------------------------------------------------------

@dataclass
class Cost:
    total: np.ndarray
    load_before: np.ndarray
    load_after: np.ndarray
    locality: np.ndarray     # 0 same team, 1 same borough, 2 elsewhere
    over: np.ndarray         # PIP levels above the requirement


def allocation_cost(officers: OfficerTable, crimes: CrimeTable, policy: Policy, *, pairs: bool = False,
                    continuity: np.ndarray | None = None) -> Cost:
    """The stated cost of giving each crime to each officer (lower is better); see docs/adr/0204.

    workload after allocation (share of capacity) × ``allocation.cost.workload``
    + another team in the borough ``allocation.cost.other_team`` or another borough ``…other_borough``
    + ``allocation.cost.continuity`` when the officer already holds a crime with the same victim or suspect
    + ``allocation.cost.over_qualification`` per PIP level above the requirement.
    """
    def col(a):
        return a if pairs else a[:, None]

    cap = np.maximum(col(officers.cap), 1).astype(float)
    before = col(officers.units) / cap
    after = (col(officers.units) + crimes.units) / cap
    same_team = col(officers.team) == crimes.team
    same_borough = col(officers.borough) == crimes.borough
    locality = np.where(same_team, 0, np.where(same_borough, 1, 2))
    over = np.maximum(col(officers.pip) - crimes.req_pip, 0)
    total = (float(policy["allocation.cost.workload"]) * after
             + np.where(locality == 1, float(policy["allocation.cost.other_team"]), 0.0)
             + np.where(locality == 2, float(policy["allocation.cost.other_borough"]), 0.0)
             + float(policy["allocation.cost.over_qualification"]) * over)
    if continuity is not None:
        total = total + float(policy["allocation.cost.continuity"]) * continuity
    return Cost(total, np.broadcast_to(before, total.shape), after, locality, over)


def impact(officer: OfficerFacts, crime_units: int, cap: int) -> str:
    """The impact statement shown to an allocator: "workload from 70% to 80% of capacity (14 → 16 of 20 units)"."""
    if cap <= 0:
        return "no workload capacity"
    before, after = officer.units, officer.units + crime_units
    return (f"workload from {round(100 * before / cap)}% to {round(100 * after / cap)}% of capacity "
            f"({before} → {after} of {cap} units; {officer.open_crimes + 1} open crime"
            f"{'' if officer.open_crimes == 0 else 's'})")


def cost_reasons(officer: OfficerFacts, crime: CrimeFacts, requirement: Requirement, locality: int,
                 continuity_refs: Sequence[str] = ()) -> list[str]:
    out = []
    if locality == 0:
        out.append(f"same team ({officer.team_name})" if officer.team_name else "same team")
    elif locality == 1:
        out.append(f"another team in the crime's borough ({officer.team_name})")
    else:
        out.append(f"outside the crime's borough ({officer.borough_name or 'no borough'})")
    if continuity_refs:
        out.append("continuity: already investigating " + ", ".join(continuity_refs[:3])
                   + " with the same victim or suspect")
    over = officer.pip_level - requirement.pip_level
    if over > 0:
        out.append(f"PIP{officer.pip_level} for a PIP{requirement.pip_level} crime: over-qualified by {over} "
                   f"level{'s' if over > 1 else ''}")
    return out


# --- Workload ----------------------------------------------------------------------------------------------------

def overload(*, units: int, open_crimes: int, pip_level: int, policy: Policy) -> list[str]:
    """OFFICER_OVERLOADED reasons: above the capacity for the officer's level, and always above 25 open crimes."""
    cap = capacity_for(pip_level, policy)
    max_open = int(policy["allocation.max_open_crimes"])
    out = []
    if units > cap:
        out.append(f"{units} workload units against a capacity of {cap} for a PIP{pip_level} officer")
    if open_crimes > max_open:
        out.append(f"{open_crimes} open crimes, above the maximum of {max_open}")
    return out


# --- THRIVE and solvability --------------------------------------------------------------------------------------

PRIORITY_LABELS = {"urgent": "Urgent", "standard": "Standard", "screened_out": "Screened out"}


@dataclass(frozen=True)
class Priority:
    level: str  # "urgent", "standard" or "screened_out"
    reasons: tuple[str, ...]

    @property
    def rank(self) -> int:
        return {"urgent": 0, "standard": 1, "screened_out": 2}[self.level]


def priority(*, requirement: Requirement, vulnerability: Sequence[str], thrive: Mapping[str, str],
             solvability: Sequence[str] | None, policy: Policy) -> Priority:
    """Where a crime sits in the queue. THRIVE grades of high make it urgent. Solvability screening may lower a
    volume crime with too few lines of enquiry, but never a crime with a vulnerability flag."""
    high = [k for k in ("threat", "harm", "risk") if thrive.get(k) == "high"]
    if high:
        return Priority("urgent", tuple(f"THRIVE: {k} assessed high" for k in high))
    if requirement.pip_level >= 3:
        return Priority("urgent", (f"requires {requirement}",))
    if vulnerability:
        return Priority("standard", (f"never screened out: {vulnerability[0]}",))
    volume = requirement.pip_level <= int(policy["allocation.default_pip_level"])
    if solvability is None:
        return Priority("standard", ("solvability not yet screened",))
    factors = [f for f in solvability if f in SOLVABILITY_FACTORS]
    minimum = int(policy["allocation.solvability.min_factors"])
    raised = [k for k in ("threat", "harm", "risk") if thrive.get(k) == "medium"]
    if volume and len(factors) < minimum and not raised:
        return Priority("screened_out", (f"volume crime with {len(factors)} solvability factor(s), fewer than "
                                         f"{minimum}: priority lowered",))
    return Priority("standard", (f"{len(factors)} solvability factor(s)",))


# Severities of the §2 alerts (the catalogue's defaults, raised where a victim is vulnerable or a limit is passed).
def below_level_severity(vulnerable: bool) -> str:
    """CRIME_BELOW_REQUIRED_LEVEL: critical for a vulnerable victim, high otherwise."""
    return "critical" if vulnerable else "high"


def overload_severity(open_crimes: int, policy: Policy) -> str:
    """OFFICER_OVERLOADED: high past the most open crimes allowed, medium when only over capacity."""
    return "high" if open_crimes > int(policy["allocation.max_open_crimes"]) else "medium"


def unallocated_severity(vulnerable: bool, pip_level: int) -> str:
    """CRIME_UNALLOCATED: high for a vulnerable victim or a crime needing PIP level 2 or above."""
    return "high" if vulnerable or pip_level >= 2 else "medium"
