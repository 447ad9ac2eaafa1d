"""The planner benchmark's bounds hold on its 20- and 60-person worlds (the bench prints
the same figures with the 200-person world; `make bench`)."""

from __future__ import annotations

import random

import pytest

from benchmarks import bench_planner as bench
from benchmarks.planner_world import make_world


@pytest.mark.parametrize("size", [20, 60])
def test_fair_covered_and_rule_abiding_where_round_robin_is_not(size: int) -> None:
    world = make_world(size, bench.TODAY, bench.YEARS, random.Random(size))
    plan, seconds = bench.planned(world)
    ours = bench.figures(world, plan)
    assert bench.missed_bounds(ours, seconds, size) == []
    assert ours["pool allows spread"] == f"{len(plan)}/{len(plan)}"
    baseline = bench.figures(world, bench.round_robin(world, [(s, e) for s, e, _ in plan]))
    assert int(baseline["time-off violations"]) > 0
