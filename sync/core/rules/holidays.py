"""Public holidays during rotations, as people plan around them. Pure.

A holiday is not time off someone asked for: it is a day off everybody in that country knows
about, to plan around, never an error. So it is its own warning, one per holiday and
rotation, naming the holiday and the country ("Thanksgiving (US) on 2026-11-26: @a is on
rotation"), and its suggestion is the Overrides row that plans around it: with a Cover who
is free that day, so following it leaves no other warning behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sync.core.findings import Findings
from sync.core.lived.roster import Person, Roster, Rotation

CODE = "holiday-on-rotation"


@dataclass(frozen=True, order=True)
class Holiday:
    day: date
    name: str  # "Thanksgiving", as the holidays package names it (in English)
    country: str  # ISO 3166 code, "US"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.country}) on {self.day.isoformat()}"


@dataclass(frozen=True)
class OnRotation:
    """One holiday that falls on `rotation` for `engineers` (people of that country), and
    the Overrides rows that would plan around it (engineer, suggested cover or None)."""

    holiday: Holiday
    rotation: Rotation
    engineers: tuple[Person, ...]
    covers: tuple[Person | None, ...]

    @property
    def text(self) -> str:
        who = ", ".join(f"@{p.github}" for p in self.engineers)
        verb = "is" if len(self.engineers) == 1 else "are"
        rows = "; ".join(override_row(self.holiday.day, engineer, cover)
                         for engineer, cover in zip(self.engineers, self.covers, strict=True))
        return (f"{self.holiday.label}: {who} {verb} on rotation ({self.rotation.label}). "
                f"To plan around it, add an Overrides row: {rows}.")

    @property
    def fingerprint(self) -> str:
        """Equal while the same holiday falls on the same people of the same rotation."""
        people = ",".join(p.key for p in self.engineers)
        facts = f"{self.holiday}|{people}|{self.rotation.key}"
        return hashlib.sha256(facts.encode()).hexdigest()[:16]


def override_row(day: date, engineer: Person, cover: Person | None) -> str:
    name = f"@{cover.github}" if cover else "someone free that day"
    return (f"Start {day.isoformat()}, End {day.isoformat()}, Engineer {engineer.github}, "
            f"Cover {name}")


def on_rotations(roster: Roster, holidays: Mapping[str, Sequence[Holiday]],
                 today: date) -> list[OnRotation]:
    """Each holiday (from today on) falling on engineers of a rotation, per rotation, unless
    an Overrides row already takes them off rotation that day. `holidays` is keyed by
    Person.key and holds every People member's holidays (the covers are checked too)."""
    found = []
    for rotation in roster.rotations:
        if rotation.end < today:
            continue
        hit: dict[Holiday, list[Person]] = {}
        for handle in rotation.engineers:
            for holiday in holidays.get(handle.lower(), ()):
                if max(today, rotation.start) <= holiday.day <= rotation.end and \
                        roster.override_for(handle, holiday.day) is None:
                    hit.setdefault(holiday, []).append(roster.person(handle))
        found += [OnRotation(holiday, rotation, tuple(people),
                             covers(roster, rotation, holiday.day, len(people), holidays))
                  for holiday, people in sorted(hit.items())]
    return found


def covers(roster: Roster, rotation: Rotation, day: date, count: int,
           holidays: Mapping[str, Sequence[Holiday]]) -> tuple[Person | None, ...]:
    """People free on `day`: on no rotation that day, no holiday, no time off (by handle)."""
    busy = {h.lower() for r in roster.rotations if r.start <= day <= r.end for h in r.engineers}
    away = {a.person for a in roster.time_off if a.first <= day <= a.last}
    free = [person for key, person in sorted(roster.people.items())
            if key not in busy and key not in away
            and all(h.day != day for h in holidays.get(key, ()))]
    picked: list[Person | None] = list(free[:count])
    return tuple(picked + [None] * (count - len(picked)))


def report_holidays(found: Sequence[OnRotation], tab: str, findings: Findings) -> None:
    for item in found:
        findings.warning(CODE, tab, item.rotation.row, "Engineers", item.text)


def one_message(found: Sequence[OnRotation]) -> str:
    """Every holiday of the run in one message, one line each."""
    return "rotation-sync: public holidays during rotations\n" + "\n".join(
        f"- {item.text}" for item in found)
