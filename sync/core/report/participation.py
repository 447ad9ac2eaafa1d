"""Coverage and participation, for the managers who pick the next engineers. Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from sync.core.lived.clock import Clock, format_offset, utc_offset
from sync.core.lived.roster import Override, Person, Roster, Rotation
from sync.core.rules.time_off import Conflict


@dataclass(frozen=True)
class Unfilled:
    rotation: str
    row: int | None
    start: date
    tbd: int


@dataclass(frozen=True)
class Gap:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Spread:
    """`offsets[i]` is the UTC offset of `engineers[i]`, so each reads next to its engineer."""

    rotation: str
    row: int | None
    engineers: list[str]
    offsets: list[str]
    spread_hours: float

    def members(self) -> str:
        """'@a UTC+2, @b UTC-7'."""
        return ", ".join(f"{who} {offset}" for who, offset in zip(self.engineers, self.offsets,
                                                                   strict=True))


@dataclass(frozen=True)
class Participation:
    github: str
    name: str
    timezone: str
    served: int  # rotations that have started
    last_served: date | None  # the End of the last rotation that is over; never a future day
    upcoming: int
    serving_now: bool = False
    days_covered: int = 0  # days standing in for someone (Overrides, as Cover)
    days_away: int = 0  # days of their own rotations someone else had (Overrides, Engineer)

    def last_served_text(self) -> str:
        """What the "Last served" column says: a past day, or why there is none."""
        if self.serving_now:
            return "serving now"
        if self.last_served is not None:
            return self.last_served.isoformat()
        return "scheduled" if self.upcoming else "never"


@dataclass(frozen=True)
class OverrideItem:
    start: date
    end: date
    engineer: str
    cover: str | None
    note: str
    row: int | None


@dataclass(frozen=True)
class Report:
    today: date
    unfilled: list[Unfilled]
    gaps: list[Gap]
    spreads: list[Spread]
    people: list[Participation]
    overrides: list[OverrideItem] = field(default_factory=list)
    conflicts: tuple[Conflict, ...] = ()  # time off during a rotation, no Overrides row

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "unfilled": [jsonable(asdict(item)) for item in self.unfilled],
            "gaps": [{"from": g.first.isoformat(), "to": g.last.isoformat(), "days": g.days}
                     for g in self.gaps],
            "rotations": [asdict(item) for item in self.spreads],
            "people": [jsonable(asdict(item)) for item in self.people],
            "overrides": [jsonable(asdict(item)) for item in self.overrides],
            "conflicts": [conflict_json(c) for c in self.conflicts],
        }


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, date) else value
            for key, value in data.items()}


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    return {"github": conflict.person.github, "name": conflict.person.name,
            "from": conflict.first.isoformat(), "to": conflict.last.isoformat(),
            "rotation": conflict.rotation.label, "row": conflict.rotation.row}


def build_report(roster: Roster, clock: Clock, conflicts: tuple[Conflict, ...] = ()) -> Report:
    upcoming = [r for r in roster.rotations if r.end >= clock.today]
    return Report(
        today=clock.today,
        unfilled=[Unfilled(r.label, r.row, r.start, r.tbd_count) for r in upcoming
                  if r.tbd_count],
        gaps=[gap for gap in gaps(roster.rotations) if gap.last >= clock.today],
        spreads=[spread(r, roster) for r in roster.rotations],
        people=due_first([with_overrides(participation(p, roster.rotations, clock.today),
                                         roster) for p in roster.people.values()]),
        overrides=[OverrideItem(o.start, o.end, f"@{o.engineer}",
                                f"@{o.cover}" if o.cover else None, o.note, o.row)
                   for o in roster.overrides],
        conflicts=conflicts,
    )


def with_overrides(item: Participation, roster: Roster) -> Participation:
    """Days covered and days away, counted over every Overrides row."""
    def days(o: Override) -> int:
        return (o.end - o.start).days + 1

    key = item.github.lower()
    covered = sum(days(o) for o in roster.overrides if (o.cover or "").lower() == key)
    away = sum(days(o) for o in roster.overrides if o.engineer.lower() == key)
    return replace(item, days_covered=covered, days_away=away)


def gaps(rotations: tuple[Rotation, ...]) -> list[Gap]:
    ordered = sorted(rotations, key=lambda r: r.start)
    return [Gap(before.end + timedelta(days=1), after.start - timedelta(days=1))
            for before, after in pairwise(ordered)
            if after.start > before.end + timedelta(days=1)]


def spread(rotation: Rotation, roster: Roster) -> Spread:
    """Engineers in offset order (west to east), each with their own offset."""
    moment = roster.begins(rotation)
    pairs = sorted(((utc_offset(roster.person(h).timezone, moment), h)
                    for h in rotation.engineers), key=lambda pair: pair[0])
    offsets = [offset for offset, _ in pairs]
    hours = (offsets[-1] - offsets[0]).total_seconds() / 3600 if offsets else 0.0
    return Spread(rotation.label, rotation.row, [f"@{h}" for _, h in pairs],
                  [format_offset(o) for o in offsets], hours)


def participation(person: Person, rotations: tuple[Rotation, ...],
                  today: date) -> Participation:
    mine = [r for r in rotations if person.key in {h.lower() for h in r.engineers}]
    started = [r for r in mine if r.start <= today]
    return Participation(person.github, person.name, person.timezone, len(started),
                         max((r.end for r in started if r.end < today), default=None),
                         len(mine) - len(started),
                         serving_now=any(r.end >= today for r in started))


def due_first(people: list[Participation]) -> list[Participation]:
    """Nobody serving now or scheduled ahead first; among them, never served, then longest
    since."""
    return sorted(people, key=lambda p: (p.upcoming > 0 or p.serving_now, p.served > 0,
                                         p.last_served or date.min, p.github.lower()))
