"""Time off during someone's rotation that no Overrides row covers: the warning
`time-off-conflict`. Pure: the absences come in from the sources, findings go out.

Time off never changes who is on rotation by itself; the manager decides with an Overrides
row, and a day such a row covers is no longer a conflict (`Coverage`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Protocol

from sync.core.findings import Findings
from sync.core.lived.absence import Absence
from sync.core.lived.roster import Person, Roster, Rotation

CODE = "time-off-conflict"


class Coverage(Protocol):
    """Whether the manager already decided about `handle`'s `day` (an Overrides row)."""

    def covers(self, handle: str, day: date) -> bool: ...


class NoOverrides:
    """A roster without Overrides: no day is covered."""

    def covers(self, handle: str, day: date) -> bool:
        return False


class OverridesCoverage:
    """A day is covered when an Overrides row takes the person off rotation on it (a row
    with no cover too: the manager decided)."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster

    def covers(self, handle: str, day: date) -> bool:
        return self.roster.override_for(handle, day) is not None


def coverage_of(roster: Roster) -> Coverage:
    """The one place that knows how Overrides rows cover time off."""
    return OverridesCoverage(roster) if roster.overrides else NoOverrides()


@dataclass(frozen=True)
class Conflict:
    person: Person
    first: date
    last: date
    rotation: Rotation

    @property
    def days(self) -> str:
        return self.first.isoformat() if self.first == self.last else \
            f"{self.first.isoformat()} to {self.last.isoformat()}"

    @property
    def text(self) -> str:
        return (f"{self.person.name} is away {self.days} during the rotation "
                f"{self.rotation.label} and no Overrides row covers it. Add an Overrides "
                "row for those days (with a Cover, or empty if nobody stands in).")

    @property
    def fingerprint(self) -> str:
        """Equal while the conflict is unchanged (same person, days and rotation)."""
        facts = f"{self.person.key}|{self.first}|{self.last}|{self.rotation.key}"
        return hashlib.sha256(facts.encode()).hexdigest()[:16]


def conflicts(roster: Roster, absences: Iterable[Absence], today: date,
              coverage: Coverage | None = None) -> list[Conflict]:
    """Each run of consecutive uncovered days away within a rotation, for rotations and
    runs of days that have not ended before `today`."""
    coverage = coverage or coverage_of(roster)
    live = [r for r in roster.rotations if r.end >= today]
    if not live:
        return []
    span = (min(r.start for r in live), max(r.end for r in live))  # not today: a conflict
    away = days_away(clipped([*roster.time_off, *absences], *span))  # keeps its first day
    found = []
    for rotation in live:
        for handle in rotation.engineers:
            days = sorted(day for day in away.get(handle.lower(), set())
                          if rotation.start <= day <= rotation.end
                          and not coverage.covers(handle, day))
            found += [Conflict(roster.person(handle), first, last, rotation)
                      for first, last in spans(days) if last >= today]
    return found


def clipped(absences: Iterable[Absence], first: date, last: date) -> list[Absence]:
    """Only the days any rotation could hold: a feed's ten-year event stays small."""
    return [replace(a, first=max(a.first, first), last=min(a.last, last))
            for a in absences if a.last >= first and a.first <= last]


def days_away(absences: Iterable[Absence]) -> dict[str, set[date]]:
    away: dict[str, set[date]] = {}
    for absence in absences:
        away.setdefault(absence.person, set()).update(absence.days())
    return away


def spans(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def report_conflicts(found: Iterable[Conflict], tab: str, findings: Findings) -> None:
    for conflict in found:
        findings.warning(CODE, tab, conflict.rotation.row, "Engineers", conflict.text)
