"""The preference order of `propose`, and the same ranking for anyone who asks "who should
take these days" (cover requests rank their suggestions with `rank_covers`).

Preferences, in order: a person whose `Due by` is not yet met, in a rotation ending by then;
timezone spread (UTC offsets spanning more than 3 hours); at most `max_per_team` of one Team;
fewest rotations (served as lived in the 12 months before today, plus those planned or
proposed since);
longest since their last rotation (never served first); handle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sync.core.lived.absence import Absence
from sync.core.lived.clock import utc_offset
from sync.core.lived.roster import Person, Roster
from sync.core.planner.pool import Busy, Pool
from sync.core.record.days import ServedDay

YEAR = timedelta(days=365)
WIDE = timedelta(hours=3)


@dataclass(frozen=True)
class Ranked:
    handle: str  # as spelled on People
    reason: str  # "never served", "last served 2026-03-01", "due by 2027-03-31, adds UTC+09:00"


class Load:
    """Each person's rotations, served (as lived) and planned or proposed, by rotation Start:
    what "fewest rotations" and "longest since" count."""

    def __init__(self, served: Iterable[ServedDay], roster: Roster, today: date) -> None:
        self.today = today
        self.stints: dict[str, dict[date, tuple[date, date]]] = {}
        for entry in served:
            if entry.role == "rotation" and entry.day < today:  # covering is not a rotation
                first, last = self.stints.setdefault(entry.handle, {}).get(
                    entry.rotation, (entry.day, entry.day))
                self.stints[entry.handle][entry.rotation] = (min(first, entry.day),
                                                             max(last, entry.day))
        for rotation in roster.rotations:
            if rotation.end >= today:
                for handle in rotation.engineers:
                    self.add(handle.lower(), rotation.start, rotation.end)

    def add(self, key: str, start: date, end: date) -> None:
        self.stints.setdefault(key, {})[start] = (start, end)

    def count(self, key: str) -> int:
        """Rotations served in the 12 months before today, plus every rotation planned or
        proposed since: over a long horizon, the plan itself stays even."""
        return sum(1 for _first, last in self.stints.get(key, {}).values()
                   if last >= self.today - YEAR)

    def last(self, key: str, start: date) -> date | None:
        ends = [last for _first, last in self.stints.get(key, {}).values() if last < start]
        return max(ends) if ends else None

    def met(self, key: str, due_by: date) -> bool:
        """Served (or planned or proposed) a rotation ending in the 12 months up to `due_by`."""
        return any(due_by - YEAR <= last <= due_by
                   for _first, last in self.stints.get(key, {}).values())

    def fact(self, key: str, start: date) -> str:
        last = self.last(key, start)
        if last is None:
            return "never served"
        return f"last served {last}" if last < self.today else f"on rotation until {last}"


@dataclass
class Slot:
    """One rotation being filled: its days, who is on it so far, and the rules' settings."""

    start: date
    end: date
    roster: Roster
    members: list[Person] = field(default_factory=list)
    max_per_team: int | None = None

    def offset(self, person: Person) -> timedelta:
        return utc_offset(person.timezone, self.roster.handoff_on(self.start))

    def wide(self, people: Sequence[Person]) -> bool:
        offsets = [self.offset(p) for p in people]
        return len(offsets) > 1 and max(offsets) - min(offsets) > WIDE

    def adds_spread(self, person: Person) -> bool:
        return not self.wide(self.members) and self.wide([*self.members, person])

    def team_full(self, person: Person) -> bool:
        if self.max_per_team is None or person.team is None:
            return False
        same = sum(1 for p in self.members if p.team and p.team.lower() == person.team.lower())
        return same >= self.max_per_team

    def due(self, person: Person, load: Load) -> bool:
        return person.due_by is not None and self.end <= person.due_by and \
            not load.met(person.key, person.due_by)


Preference = tuple[bool, date, bool, bool, int, date, str]


def preference(person: Person, slot: Slot, load: Load) -> Preference:
    """Lower is better, in the contract's order."""
    due = slot.due(person, load)
    spread = slot.wide(slot.members) or slot.adds_spread(person)
    last = load.last(person.key, slot.start)
    return (not due, person.due_by if due and person.due_by else date.max, not spread,
            slot.team_full(person), load.count(person.key), last or date.min,
            person.key)


def best(candidates: Iterable[Person], slot: Slot, load: Load) -> Person | None:
    return min(candidates, key=lambda p: preference(p, slot, load), default=None)


def reason(person: Person, slot: Slot, load: Load) -> str:
    """Why this person: what decided it, then when they last served."""
    parts = [f"due by {person.due_by}"] if slot.due(person, load) else []
    if slot.adds_spread(person):
        parts.append(f"adds {offset_text(slot.offset(person))}")
    return ", ".join([*parts, load.fact(person.key, slot.start)])


def offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes >= 0 else '-'}{hours:02d}:{rest:02d}"


def rank_covers(roster: Roster, first: date, last: date, served: Iterable[ServedDay],
                absences: Iterable[Absence] = (), busy: Busy | None = None,
                today: date | None = None) -> list[Ranked]:
    """Everyone free from `first` to `last` (Eligible, not away, on no rotation of this or
    another roster holding those days), ranked like `propose`: fewest rotations in the last
    12 months, longest since their last, then handle; each with its reason."""
    pool = Pool(roster, absences, busy, min_gap_days=0)
    load = Load(served, roster, today or first)
    free = sorted(pool.free(first, last),
                  key=lambda p: (load.count(p.key), load.last(p.key, first) or date.min,
                                 p.key))
    return [Ranked(p.github, load.fact(p.key, first)) for p in free]
