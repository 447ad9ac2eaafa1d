"""Who to suggest as cover, ranked like `propose`: free on all the days (not on that
rotation, not away, not on another roster's rotation), then fewest rotations served in the
last 12 months, then longest since their last rotation (never served first), then handle.

One function, so the planner's fairness ranking can replace the ranking in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sync.core.cover.rules import Busy, not_free, on
from sync.core.roster import Person, Roster

YEAR = timedelta(days=365)


def suggest(roster: Roster, engineer: str, first: date, last: date,
            away: Mapping[str, set[date]], today: date, busy: Busy | None = None,
            limit: int = 3) -> list[Person]:
    free = [person for person in roster.people.values()
            if person.key != engineer.lower()
            and not_free(roster, person, first, last, away, busy or {}) is None]
    return sorted(free, key=lambda person: fairness(roster, person, today))[:limit]


def fairness(roster: Roster, person: Person, today: date) -> tuple[int, date, str]:
    served = [r for r in roster.rotations if r.start < today and on(person, r)]
    recent = sum(1 for r in served if r.end >= today - YEAR)
    last_end = max((r.end for r in served), default=date.min)  # never served: first
    return recent, last_end, person.key
