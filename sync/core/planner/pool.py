"""The hard rules of `propose`: who may be proposed for a rotation at all.

A person may be proposed when they are Eligible, not already on that rotation, not away on
any of its days, and have no rotation (planned, proposed, or on another roster of the fleet)
ending less than `min_gap` before its Start or starting less than `min_gap` after its End.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from sync.core.lived.absence import Absence
from sync.core.lived.roster import Person, Roster

Range = tuple[date, date]  # first and last day, inclusive
Busy = Mapping[str, Sequence[Range]]  # Person.key -> other rosters' bookings (the fleet)
REFUSALS = ("not eligible", "away", "within min_gap", "already on it")


class Pool:
    def __init__(self, roster: Roster, absences: Iterable[Absence], busy: Busy | None = None,
                 min_gap_days: int = 0) -> None:
        self.people = sorted(roster.people.values(), key=lambda p: p.key)
        self.gap = timedelta(days=min_gap_days)
        self.away: dict[str, list[Range]] = {}
        for absence in (*roster.time_off, *absences):
            self.away.setdefault(absence.person, []).append((absence.first, absence.last))
        self.booked: dict[str, list[Range]] = {}
        for rotation in roster.rotations:
            for handle in rotation.engineers:
                self.book(handle.lower(), rotation.start, rotation.end)
        for key, ranges in (busy or {}).items():
            for first, last in ranges:
                self.book(key.lower(), first, last)

    def book(self, key: str, start: date, end: date) -> None:
        self.booked.setdefault(key, []).append((start, end))

    def refusal(self, person: Person, start: date, end: date,
                members: Iterable[str] = ()) -> str | None:
        """Why `person` cannot take a slot from `start` to `end`, or None when they can."""
        if not person.eligible:
            return "not eligible"
        if person.key in members:
            return "already on it"
        if any(first <= end and last >= start for first, last in self.away.get(person.key, ())):
            return "away"
        if any(self.too_close(first, last, start, end)
               for first, last in self.booked.get(person.key, ())):
            return "within min_gap"
        return None

    def too_close(self, first: date, last: date, start: date, end: date) -> bool:
        if last < start:
            return start - last < self.gap
        if first > end:
            return first - end < self.gap
        return True  # the two share days

    def free(self, start: date, end: date, members: Iterable[str] = ()) -> list[Person]:
        taken = set(members)
        return [p for p in self.people if self.refusal(p, start, end, taken) is None]

    def why_nobody(self, start: date, end: date, members: Iterable[str]) -> str:
        """'4 away, 9 within min_gap': why each person of People cannot take the slot."""
        taken = set(members)
        counts = Counter(self.refusal(p, start, end, taken) for p in self.people)
        return ", ".join(f"{counts[reason]} {reason}" for reason in REFUSALS if counts[reason])
