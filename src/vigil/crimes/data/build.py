"""Rebuild ``offences.csv`` from the Home Office's police recorded crime table (2017/18, by force and offence code).

    python -m vigil.investigations.data.build police_recorded_crime_2017_18.csv

Keeps one row per Home Office offence code (description, group, subgroup), the Metropolitan Police's count for
the year (the synthetic offence mix) and the count for England and Wales. Source: Home Office, Police recorded
crime by offence, 2017/18; Open Government Licence v3.0.
"""
from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).with_name("offences.csv")
MET = "Metropolitan Police"


def build(source: Path, out: Path = OUT) -> int:
    rows: dict[str, dict] = {}
    met: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    with source.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code = r["offence_code"].strip()
            rows.setdefault(code, {"code": code, "description": r["offence_description"].strip(),
                                   "group": r["offence_group"].strip(), "subgroup": r["offence_subgroup"].strip()})
            n = int(r["offences_2017_18"] or 0)
            total[code] += n
            if r["force"] == MET:
                met[code] += n
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "description", "group", "subgroup", "met_2017_18", "england_wales_2017_18"])
        for code in sorted(rows, key=lambda c: (rows[c]["group"], rows[c]["subgroup"], c)):
            r = rows[code]
            w.writerow([code, r["description"], r["group"], r["subgroup"], met[code], total[code]])
    return len(rows)


if __name__ == "__main__":
    n = build(Path(sys.argv[1]))
    print(f"{n} offence codes written to {OUT}")
