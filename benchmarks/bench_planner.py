"""What `propose` plans: speed, fairness, timezone coverage and rule violations, next to a
plain round-robin on the same input, and (20 people) against the exact fairness optimum.

Generated worlds: 20, 60 and 200 people over 2 years (26 four-week rotations of 3), in 4
timezone regions and teams of 5 to 10, each person away 10 % of the days in blocks of 3 to
14 days; min_gap 8 weeks, max_per_team 1, no history (everyone starts even).

    make bench            # or: .venv/bin/python benchmarks/bench_planner.py
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.planner_optimum import optimum_spread  # noqa: E402
from benchmarks.planner_world import World, make_world  # noqa: E402
from sync.core.lived.clock import utc_offset  # noqa: E402
from sync.core.planner.pool import Pool  # noqa: E402
from sync.core.planner.propose import ProposeSettings, propose  # noqa: E402

TODAY = date(2027, 1, 3)
YEARS = 2
SETTINGS = dict(length_days=28, engineers=3, min_gap_days=56, max_per_team=1)
WIDE = timedelta(hours=3)
Plan = list[tuple[date, date, tuple[str, ...]]]


def planned(world: World) -> tuple[Plan, float]:
    until = TODAY + timedelta(days=365 * YEARS - 28)
    began = time.perf_counter()
    proposals, _ = propose(world.roster, TODAY, ProposeSettings(until=until, **SETTINGS),
                           world.absences)
    seconds = time.perf_counter() - began
    return [(p.start, p.end, tuple(x.handle.lower() for x in p.engineers if x.proposed))
            for p in proposals], seconds


def round_robin(world: World, slots: Sequence[tuple[date, date]]) -> Plan:
    """The next three people in People order, rules ignored: what a manager does by hand."""
    keys = sorted(world.roster.people)
    return [(start, end, tuple(keys[(3 * n + k) % len(keys)] for k in range(3)))
            for n, (start, end) in enumerate(slots)]


def figures(world: World, plan: Plan) -> dict[str, str]:
    counts = Counter({key: 0 for key in world.roster.people})
    counts.update(key for _s, _e, team in plan for key in team)
    wide = sum(1 for start, _e, team in plan if spread(world, team, start) > WIDE)
    allowed = sum(1 for n in range(len(plan)) if pool_allows(world, plan, n))
    return {"fairness (max-min)": f"{max(counts.values()) - min(counts.values())}",
            "timezone coverage": f"{100 * wide / len(plan):.0f} %",
            "pool allows spread": f"{allowed}/{len(plan)}",
            "min_gap violations": str(gap_violations(plan)),
            "time-off violations": str(away_violations(world, plan))}


def spread(world: World, team: Sequence[str], start: date) -> timedelta:
    moment = world.roster.handoff_on(start)
    offsets = [utc_offset(world.roster.people[k].timezone, moment) for k in team]
    return max(offsets) - min(offsets) if offsets else timedelta(0)


def pool_allows(world: World, plan: Plan, index: int) -> bool:
    """Could this rotation span more than 3 hours, given the plan's other rotations? (Two
    free people whose offsets differ by more than 3 hours.)"""
    start, end, _team = plan[index]
    pool = Pool(world.roster, world.absences, min_gap_days=SETTINGS["min_gap_days"])
    for n, (s, e, team) in enumerate(plan):
        for key in team if n != index else ():
            pool.book(key, s, e)
    free = [p.key for p in pool.free(start, end)]
    return spread(world, free, start) > WIDE


def gap_violations(plan: Plan) -> int:
    last_end: dict[str, date] = {}
    found = 0
    for start, end, team in plan:
        for key in team:
            found += key in last_end and (start - last_end[key]).days < SETTINGS["min_gap_days"]
            last_end[key] = end
    return found


def away_violations(world: World, plan: Plan) -> int:
    return sum(1 for start, end, team in plan for key in team
               for a in world.absences if a.person == key and a.first <= end and a.last >= start)


def main() -> None:
    print(f"\npropose: {YEARS} years of 4-week rotations of 3, 4 timezone regions, teams of "
          "5-10, 10 % of days away in blocks, min_gap 8w, max_per_team 1")
    header = f"{'people':>7} {'planner':>8} {'figure':<22}{'propose':>10}{'round-robin':>13}"
    print(header)
    for size in (20, 60, 200):
        world = make_world(size, TODAY, YEARS, random.Random(size))
        plan, seconds = planned(world)
        baseline = round_robin(world, [(s, e) for s, e, _t in plan])
        ours, theirs = figures(world, plan), figures(world, baseline)
        print(f"{size:>7} {seconds:>7.2f}s")
        for name in ours:
            print(f"{'':>16} {name:<22}{ours[name]:>10}{theirs[name]:>13}")
        if size == 20:
            best, how = optimum_spread(world, [(s, e) for s, e, _t in plan], SETTINGS)
            print(f"{'':>16} {'exact optimum (max-min)':<22}{best:>10}   ({how})")
        missed = missed_bounds(ours, seconds, size)
        print(f"{'':>16} bounds: {'met' if not missed else 'MISSED: ' + ', '.join(missed)}")


def missed_bounds(ours: dict[str, str], seconds: float, size: int) -> list[str]:
    """The issue's bounds: under 2 s for 200 people, spread at most 1, full timezone
    coverage where the pool allows it, no rule broken."""
    allowed, rotations = (int(n) for n in ours["pool allows spread"].split("/"))
    checks = {"wall time": size < 200 or seconds < 2.0,
              "fairness": int(ours["fairness (max-min)"]) <= 1,
              "timezone coverage": allowed < rotations or ours["timezone coverage"] == "100 %",
              "min_gap": ours["min_gap violations"] == "0",
              "time off": ours["time-off violations"] == "0"}
    return [name for name, ok in checks.items() if not ok]


if __name__ == "__main__":
    main()
