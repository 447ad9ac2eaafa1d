"""What starting rotation-sync costs: `rotation-sync --version` beside a bare `python -c
pass`, run alternately (so both see the same machine load), median of 7 each. The version
must come within 150 ms of the bare interpreter: nothing is imported that it does not need.

    make bench         # or: .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 7
LIMIT = 0.150  # seconds over the bare interpreter
SCRIPT = Path(sys.executable).with_name("rotation-sync")


def seconds(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    bare, version = [], []
    for _ in range(RUNS):
        bare.append(seconds([sys.executable, "-c", "pass"]))
        version.append(seconds([str(SCRIPT), "--version"]))
    python, ours = statistics.median(bare), statistics.median(version)
    print(f"python -c pass: {python * 1000:.0f} ms, rotation-sync --version: "
          f"{ours * 1000:.0f} ms (median of {RUNS}, run alternately)")
    ok = ours - python < LIMIT
    print(f"{'met    ' if ok else 'NOT MET'}  --version costs {(ours - python) * 1000:.0f} ms "
          f"over the bare interpreter (target: < {LIMIT * 1000:.0f} ms)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
