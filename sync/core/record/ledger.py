"""The ledger: per person, what the served-time record says they served. `ledger` prints
it and `report` shows the same totals."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sync.core.lived.roster import Person
from sync.core.record.days import ServedDay

Origin = Literal["from roster", "recorded"]  # backfilled (or accepted) vs seen by a sync
IsHoliday = Callable[[str, date], bool]  # (Person.key, day): a public holiday for them
WEEKEND = (5, 6)  # Saturday, Sunday


@dataclass(frozen=True)
class RecordedDay:
    entry: ServedDay
    origin: Origin
    roster: str = "default"


@dataclass(frozen=True)
class LedgerLine:
    handle: str
    rotations: int
    days: int
    cover_days: int
    away_days: int
    weekend_days: int
    holidays: int | None  # None: [time_off] holidays is off
    first: date | None
    last: date | None
    from_roster: int  # of `days`, how many were backfilled rather than recorded nightly

    def as_json(self) -> dict[str, Any]:
        return {"handle": self.handle, "rotations": self.rotations, "days_served": self.days,
                "cover_days": self.cover_days, "days_away_with_cover": self.away_days,
                "weekend_days": self.weekend_days, "public_holidays": self.holidays,
                "first_day": self.first.isoformat() if self.first else None,
                "last_day": self.last.isoformat() if self.last else None,
                "days_from_roster": self.from_roster}


def ledger(days: Iterable[RecordedDay], people: Mapping[str, Person],
           is_holiday: IsHoliday | None = None) -> list[LedgerLine]:
    """One line per People member and per recorded person no longer on People, by handle."""
    by_person: dict[str, list[RecordedDay]] = {key: [] for key in people}
    for day in days:
        by_person.setdefault(day.entry.handle, []).append(day)
    lines = [line_of(spelled(key, people), key, entries, is_holiday)
             for key, entries in by_person.items()]
    return sorted(lines, key=lambda line: line.handle.lower())


def spelled(key: str, people: Mapping[str, Person]) -> str:
    return people[key].github if key in people else key


def line_of(handle: str, key: str, entries: list[RecordedDay],
            is_holiday: IsHoliday | None) -> LedgerLine:
    served = sorted(d.entry.day for d in entries if d.entry.served)
    return LedgerLine(
        handle=handle,
        rotations=len({(d.roster, d.entry.rotation) for d in entries
                       if d.entry.role == "rotation"}),
        days=len(served),
        cover_days=sum(1 for d in entries if d.entry.role == "cover"),
        away_days=sum(1 for d in entries if d.entry.role == "away"),
        weekend_days=sum(1 for day in served if day.weekday() in WEEKEND),
        holidays=None if is_holiday is None else sum(1 for day in served
                                                     if is_holiday(key, day)),
        first=served[0] if served else None,
        last=served[-1] if served else None,
        from_roster=sum(1 for d in entries if d.entry.served and d.origin == "from roster"))
