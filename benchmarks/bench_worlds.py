"""Every command on every service, at 100, 1,000 and 10,000 rotations.

For each world (benchmarks/world.py: overrides and time off included, every date inside
what calendars accept) and each service (benchmarks/services.py), runs validate, plan, a
first sync and a no-op sync, and prints each one's wall time (the best of 3 for what can
run again: all but the first sync), CPU time, peak memory and requests on the wire. Then
the growth ratio 10,000/1,000 of each time (linear growth keeps it under 12) and the
checks: every command exits 0, no request count above the README's budget table, the
local no-op sync of 10,000 rotations under 3 s and of 1,000 under 0.5 s. Times are judged
on CPU time (the command's own user + system time): on a shared machine the wall time also
measures the neighbours; both are printed.

    make bench         # or: .venv/bin/python benchmarks/bench_worlds.py
    make bench-smoke   # the 100-rotation world only: --sizes 100
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.budget import Budgets, read_budgets  # noqa: E402
from benchmarks.services import SERVICES, Fakes, prepare, stray_requests, wire_requests  # noqa: E402
from benchmarks.world import today, world_span  # noqa: E402

SIZES = (100, 1_000, 10_000)
COMMANDS = {"validate": "validate", "plan": "plan", "first sync": "sync", "no-op sync": "sync"}
REPEATS = {"validate": 3, "plan": 3, "first sync": 1, "no-op sync": 3}  # best of: a loaded
# machine slows a run, never speeds it up; only the first sync cannot be run again
GROWTH_LIMIT = 12
NOOP_LIMITS = {10_000: 3.0, 1_000: 0.5}  # seconds, local backends, after process start


@dataclass(frozen=True)
class Result:
    size: int
    service: str
    command: str
    seconds: float
    cpu: float
    peak_mib: float
    requests: int
    stray: int
    exit: int


class Child:
    """benchmarks/child.py: runs each command in a fork of an interpreter that has already
    imported everything."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "child.py")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)
        self.answer()

    def answer(self) -> dict[str, float]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("benchmarks/child.py stopped; run it alone to see why")
        answer: dict[str, float] = json.loads(line)
        return answer

    def run(self, argv: list[str], cwd: Path, env: dict[str, str]) -> dict[str, float]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd), "env": env}) + "\n")
        self.process.stdin.flush()
        return self.answer()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def bench_service(child: Child, fakes: Fakes, folder: Path, service: str, size: int,
                  env: dict[str, str]) -> list[Result]:
    config = prepare(folder / f"{service}-{size}", service, size, fakes)
    day = today(size).isoformat()
    results = []
    for command, verb in COMMANDS.items():
        runs = []
        for _ in range(REPEATS[command]):
            answer = child.run([verb, "-c", str(config), "--today", day], config.parent, env)
            counts = fakes.counts()
            runs.append(Result(size, service, command, answer["seconds"], answer["cpu"],
                               answer["peak_mib"], wire_requests(service, counts),
                               stray_requests(service, counts), int(answer["exit"])))
        best = min(runs, key=lambda run: run.seconds)
        results.append(replace(best, requests=max(run.requests for run in runs),
                               stray=max(run.stray for run in runs),
                               exit=max(runs, key=lambda run: abs(run.exit)).exit))
    return results


def bench(sizes: list[int], services: list[str]) -> list[Result]:
    results: list[Result] = []
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        fakes = Fakes.start(stack)
        env = fakes.environment(folder)
        child = Child()
        try:
            for size in sizes:
                world_span(size)  # every date inside what the calendars accept
                for service in services:
                    print(f"{size:,} rotations, {service}…", file=sys.stderr, flush=True)
                    results += bench_service(child, fakes, folder, service, size, env)
        finally:
            child.close()
    return results


def table(results: list[Result], budgets: Budgets) -> list[str]:
    lines = ["| rotations | service | command | wall time | CPU time | peak memory | "
             "requests (budget) |", "| ---: | --- | --- | ---: | ---: | ---: | ---: |"]
    for r in results:
        budget = budgets.get((r.service, r.command, r.size))
        stated = "-" if budget is None else budget
        lines.append(f"| {r.size:,} | {r.service} | {r.command} | {r.seconds:.2f} s | "
                     f"{r.cpu:.2f} s | {r.peak_mib:.0f} MiB | {r.requests} ({stated}) |")
    return lines


def growth(results: list[Result]) -> list[tuple[bool, str]]:
    """Judged on CPU time: on a shared machine the wall time also measures the neighbours."""
    runs = {(r.size, r.service, r.command): r for r in results}
    checks = []
    for (size, service, command), big in runs.items():
        small = runs.get((1_000, service, command))
        if size == 10_000 and small is not None:
            cpu, wall = big.cpu / small.cpu, big.seconds / small.seconds
            checks.append((cpu < GROWTH_LIMIT, f"growth 10,000/1,000 of {service} {command}: "
                                               f"CPU {cpu:.1f}, wall {wall:.1f} "
                                               f"(target: CPU < {GROWTH_LIMIT})"))
    return checks


def checks(results: list[Result], budgets: Budgets) -> list[tuple[bool, str]]:
    found = [(r.exit == 0 and r.stray == 0,
              f"{r.size:,} {r.service} {r.command}: exit {r.exit}, {r.stray} stray requests")
             for r in results if r.exit != 0 or r.stray != 0]
    for r in results:
        budget = budgets.get((r.service, r.command, r.size))
        found.append((budget is not None and r.requests <= budget,
                      f"{r.size:,} {r.service} {r.command}: {r.requests} requests "
                      f"(README: <= {'no figure' if budget is None else budget})"))
        if r.service == "local" and r.command == "no-op sync" and r.size in NOOP_LIMITS:
            limit = NOOP_LIMITS[r.size]
            found.append((r.cpu < limit, f"no-op sync of {r.size:,} on the local backends: "
                                         f"CPU {r.cpu:.2f} s, wall {r.seconds:.2f} s "
                                         f"(target: CPU < {limit} s)"))
    measured = {(r.service, r.size) for r in results}
    missing = [key for key in budgets if (key[0], key[2]) in measured
               and not any((r.service, r.command, r.size) == key for r in results)]
    found += [(False, f"the README's budget names {key}, which was not measured")
              for key in missing]
    return found + growth(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated world sizes (default: %(default)s)")
    parser.add_argument("--services", default=",".join(SERVICES),
                        help="comma-separated services (default: %(default)s)")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    budgets = read_budgets(ROOT / "README.md")
    results = bench(sizes, arguments.services.split(","))
    print("\n".join(table(results, budgets)) + "\n")
    verdicts = checks(results, budgets)
    for ok, text in verdicts:
        print(f"{'met    ' if ok else 'NOT MET'}  {text}")
    sys.exit(0 if verdicts and all(ok for ok, _ in verdicts) else 1)


if __name__ == "__main__":
    os.environ.setdefault("TZ", "UTC")
    main()
