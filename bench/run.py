"""Run every benchmark at the given scale (default small) and print their figures.

    .venv/bin/python bench/run.py [--scale small|london|national] [--db sqlite|postgresql]

Each script is also runnable on its own; docs/benchmarks.md records the figures and the machine."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    args = sys.argv[1:]
    failed = 0
    for script in sorted(HERE.glob("*.py")):
        if script.name.startswith("_") or script.name == "run.py":
            continue
        print(f"=== {script.name} {' '.join(args)}", flush=True)
        rc = subprocess.call([sys.executable, str(script), *args])
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
