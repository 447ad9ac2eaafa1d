"""Each person's shifts as lived: continuous stretches of roster days on rotation.

A day counts for whoever `Roster.lived` puts on rotation that day, so days away are cut out
and days covering for someone are added. A stretch never spans two rotations (its teammates
and its identity belong to one rotation): back-to-back rotations give two stretches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sync.core.lived.roster import Roster, Rotation


@dataclass(frozen=True)
class Stretch:
    person: str  # Person.key
    rotation: Rotation
    first: date
    last: date  # inclusive
    ordinal: int  # 1, 2, … among this person's stretches of this rotation
    teammates: tuple[str, ...]  # the others on rotation on these days, first seen first
    covering: tuple[str, ...]  # whom this person stands in for, by Overrides rows

    @property
    def key(self) -> str:
        """Stable while the dates move: a changed stretch keeps its UID, so SEQUENCE grows."""
        return f"{self.person}-{self.rotation.start:%Y%m%d}-{self.ordinal}"


@dataclass
class Day:
    day: date
    lived: tuple[str, ...]


def stretches(roster: Roster, first: date, last: date) -> dict[str, list[Stretch]]:
    """Every stretch that has a day from `first` to `last`, by person, in date order; each
    stretch whole (the window picks stretches, it does not cut them)."""
    found: dict[str, list[Stretch]] = defaultdict(list)
    for rotation in roster.rotations:
        if rotation.end < first or rotation.start > last:
            continue
        for stretch in rotation_stretches(roster, rotation):
            if stretch.last >= first and stretch.first <= last:
                found[stretch.person].append(stretch)
    return dict(found)


def rotation_stretches(roster: Roster, rotation: Rotation) -> Iterator[Stretch]:
    days_of: dict[str, list[Day]] = defaultdict(list)
    for day in days(rotation.start, rotation.end):
        lived = roster.lived(rotation, day)
        for handle in lived:
            days_of[handle.lower()].append(Day(day, lived))
    for person, lived_days in days_of.items():
        for ordinal, run in enumerate(consecutive(lived_days), start=1):
            yield Stretch(person, rotation, run[0].day, run[-1].day, ordinal,
                          teammates(person, run), covering(roster, rotation, person, run))


def consecutive(lived_days: list[Day]) -> Iterator[list[Day]]:
    run: list[Day] = []
    for item in lived_days:
        if run and item.day != run[-1].day + timedelta(days=1):
            yield run
            run = []
        run.append(item)
    if run:
        yield run


def teammates(person: str, run: list[Day]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in run:
        seen |= {h.lower(): h for h in item.lived if h.lower() != person and h.lower() not in seen}
    return tuple(seen.values())


def covering(roster: Roster, rotation: Rotation, person: str, run: list[Day]) -> tuple[str, ...]:
    """The engineers whose Overrides rows name this person as Cover on these days."""
    found: dict[str, str] = {}
    for override in roster.overrides_within(rotation.start, run[-1].day):
        overlaps = override.start <= run[-1].day and override.end >= run[0].day
        if overlaps and override.cover is not None and override.cover.lower() == person:
            found.setdefault(override.engineer.lower(), override.engineer)
    return tuple(found.values())


def days(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)
