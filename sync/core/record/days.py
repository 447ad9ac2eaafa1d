"""Who served each day, as lived: the pure answer the served-time record stores.

A day is one handoff to the next (roster day D runs from the handoff on D to the handoff on
D+1), so a day is served only once its next handoff has passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sync.core.lived.roster import Roster, Rotation

Role = Literal["rotation", "cover", "away"]  # away: the engineer's day went to a Cover
SERVING: frozenset[str] = frozenset({"rotation", "cover"})


@dataclass(frozen=True, order=True)
class ServedDay:
    day: date
    handle: str  # Person.key (the lower-cased GitHub handle)
    role: Role
    rotation: date  # the Start of the rotation the day belongs to

    @property
    def served(self) -> bool:
        return self.role in SERVING


def last_complete_day(roster: Roster, now: datetime) -> date:
    """The last roster day whose closing handoff is at or before `now`."""
    return roster.day_of(now) - timedelta(days=1)


def lived_days(roster: Roster, first: date, last: date) -> list[ServedDay]:
    """Every served (and away-with-cover) day from `first` to `last`, sorted."""
    found: list[ServedDay] = []
    for rotation in roster.rotations:
        if rotation.end < first or rotation.start > last:
            continue
        days = days_between(max(first, rotation.start), min(last, rotation.end))
        if roster.overrides_within(rotation.start, rotation.end):
            for day in days:
                found += day_of_rotation(roster, rotation, day)
        else:  # an override lies within one rotation: none here, so every day is as planned
            lived = [handle.lower() for handle in roster.lived(rotation, rotation.start)]
            found += [ServedDay(day, handle, "rotation", rotation.start)
                      for day in days for handle in lived]
    return sorted(found)


def day_of_rotation(roster: Roster, rotation: Rotation, day: date) -> list[ServedDay]:
    planned = {handle.lower() for handle in rotation.engineers}
    lived = [handle.lower() for handle in roster.lived(rotation, day)]
    served = [ServedDay(day, handle, "rotation" if handle in planned else "cover",
                        rotation.start) for handle in lived]
    # an engineer replaced by a Cover was away with cover; one nobody covered just was not on
    away = [ServedDay(day, handle, "away", rotation.start) for handle in sorted(planned)
            if handle not in lived and covered(roster, handle, day)]
    return served + away


def covered(roster: Roster, handle: str, day: date) -> bool:
    override = roster.override_for(handle, day)
    return override is not None and override.cover is not None


def days_between(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def serving_by_day(days: Iterable[ServedDay]) -> dict[date, frozenset[str]]:
    """Who served each day (away days left out); days nobody served are absent."""
    by_day: dict[date, set[str]] = {}
    for entry in days:
        if entry.served:
            by_day.setdefault(entry.day, set()).add(entry.handle)
    return {day: frozenset(handles) for day, handles in by_day.items()}
