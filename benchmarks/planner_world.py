"""Generated teams for the planner benchmark: 4 timezone regions, teams of 5 to 10, and
10 % of the days away in blocks of 3 to 14 days (seeded, so every run plans the same)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sync.core.lived.absence import Absence
from sync.core.lived.roster import Person, Roster

REGIONS = ("America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Asia/Tokyo")
AWAY_SHARE = 0.10


@dataclass(frozen=True)
class World:
    roster: Roster
    absences: tuple[Absence, ...]


def make_world(size: int, today: date, years: int, rng: random.Random) -> World:
    teams = team_names(size, rng)
    people = {f"eng-{n:03d}": Person(github=f"eng-{n:03d}", name=f"Engineer {n}",
                                     email=f"eng-{n:03d}@example.com",
                                     timezone=REGIONS[rng.randrange(len(REGIONS))],
                                     team=teams[n], row=n + 2) for n in range(size)}
    days = 365 * years
    absences = tuple(a for key in sorted(people) for a in time_off(key, today, days, rng))
    return World(Roster(rotations=(), people=people, timezone="UTC", handoff_time=time(9, 0)),
                 absences)


def team_names(size: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    while len(names) < size:
        names += [f"team-{len(names)}"] * rng.randint(5, 10)
    return names[:size]


def time_off(key: str, today: date, days: int, rng: random.Random) -> list[Absence]:
    """Blocks of 3 to 14 days, not overlapping, until 10 % of the days are away."""
    taken: set[int] = set()
    blocks: list[Absence] = []
    while len(taken) < AWAY_SHARE * days:
        length = rng.randint(3, 14)
        first = rng.randrange(0, days - length)
        block = set(range(first, first + length))
        if block & taken:
            continue
        taken |= block
        blocks.append(Absence(key, today + timedelta(days=first + 1),
                              today + timedelta(days=first + length), "generated"))
    return sorted(blocks)
