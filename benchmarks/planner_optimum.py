"""The exact fairness optimum of a small world, by search (no solver): the smallest max-min
spread of rotations per person that any plan obeying the hard rules (time off, min_gap, once
per rotation, 3 per rotation) can reach on the same rotations.

The counting bound (slots that do not split evenly need a spread of at least 1) is the
start; for each spread from there a depth-first search either finds a plan (the optimum) or
exhausts the space (the next spread is tried), within a node budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import combinations
from typing import Any

from benchmarks.planner_world import World

NODE_BUDGET = 2_000_000
Slots = Sequence[tuple[date, date]]


class Search:
    def __init__(self, world: World, slots: Slots, settings: dict[str, Any]) -> None:
        self.keys = sorted(world.roster.people)
        self.size = settings["engineers"]
        self.slots = slots
        self.free = [[k for k in self.keys if not any(
            a.person == k and a.first <= end and a.last >= start for a in world.absences)]
            for start, end in slots]
        gap = settings["min_gap_days"]
        self.clash = [[j for j in range(i) if (slots[i][0] - slots[j][1]).days < gap]
                      for i in range(len(slots))]
        self.nodes = 0

    def feasible(self, low: int, high: int) -> bool | None:
        """A plan where everyone serves `low` to `high` times; None: budget spent."""
        counts = dict.fromkeys(self.keys, 0)
        teams: list[tuple[str, ...]] = []
        try:
            return self.place(0, counts, teams, low, high)
        except TimeoutError:
            return None

    def place(self, index: int, counts: dict[str, int], teams: list[tuple[str, ...]],
              low: int, high: int) -> bool:
        self.nodes += 1
        if self.nodes > NODE_BUDGET:
            raise TimeoutError
        left = len(self.slots) - index
        if sum(max(0, low - c) for c in counts.values()) > self.size * left:
            return False
        if index == len(self.slots):
            return True
        blocked = {k for j in self.clash[index] for k in teams[j]}
        options = sorted((k for k in self.free[index] if k not in blocked and counts[k] < high),
                         key=lambda k: (counts[k], k))
        for team in combinations(options, self.size):
            for k in team:
                counts[k] += 1
            teams.append(team)
            if self.place(index + 1, counts, teams, low, high):
                return True
            teams.pop()
            for k in team:
                counts[k] -= 1
        return False


def optimum_spread(world: World, slots: Slots, settings: dict[str, Any]) -> tuple[str, str]:
    search = Search(world, slots, settings)
    total, people = settings["engineers"] * len(slots), len(search.keys)
    bound = 0 if total % people == 0 else 1
    for spread in range(bound, 4):
        for low in range(total // people, -1, -1):
            found = search.feasible(low, low + spread)
            if found is None:
                return f">= {spread}", f"search budget of {NODE_BUDGET} nodes spent"
            if found:
                return str(spread), f"counting bound {bound}; a plan found by search " \
                                    f"({search.nodes} nodes)"
    return "> 3", "no plan with a spread up to 3"
