"""Tell engineers when their shift moved. Pure: two roster snapshots in, notices out.

A snapshot is what each engineer was on at the last sync. Comparing it with today's roster
says who was added to, removed from, or moved within a rotation that has not ended yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sync.core.lived.own_time import for_person
from sync.core.lived.roster import Person, Roster
from sync.core.messages.override_notices import override_entries, override_notices

Snapshot = list[dict[str, Any]]  # [{"start", "end", "engineers": [handles]}], JSON-friendly


@dataclass(frozen=True, order=True)
class Shift:
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.start} to {self.end}"

    def overlaps(self, other: Shift) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Notice:
    person: Person
    text: str

    @property
    def fingerprint(self) -> str:
        return f"{self.person.key}:{self.text}"


def snapshot(roster: Roster) -> Snapshot:
    """The plan's rotations, then the overrides (entries with an "override" key)."""
    return [{"start": r.start.isoformat(), "end": r.end.isoformat(),
             "engineers": sorted(h.lower() for h in r.engineers)} for r in roster.rotations] \
        + override_entries(roster.overrides)


def notices(before: Snapshot, roster: Roster, today: date) -> list[Notice]:
    """One notice per engineer and change, for rotations that have not ended."""
    old, new = shifts_by_engineer(before), shifts_by_engineer(snapshot(roster))
    found = []
    for handle in sorted(old.keys() | new.keys()):
        person = roster.people.get(handle)
        if person is None:
            continue  # gone from People: nobody to tell
        was = {s for s in old.get(handle, set()) if s.end >= today}
        now = {s for s in new.get(handle, set()) if s.end >= today}
        found += [Notice(person, text) for text in changes_for(person, was, now, roster)]
    return found + [Notice(person, text)
                    for person, text in override_notices(before, roster, today)]


def shifts_by_engineer(rotations: Snapshot) -> dict[str, set[Shift]]:
    shifts: dict[str, set[Shift]] = {}
    for rotation in (entry for entry in rotations if "override" not in entry):
        shift = Shift(date.fromisoformat(rotation["start"]), date.fromisoformat(rotation["end"]))
        for handle in rotation["engineers"]:
            shifts.setdefault(handle, set()).add(shift)
    return shifts


def changes_for(person: Person, was: set[Shift], now: set[Shift], roster: Roster) -> list[str]:
    """What changed for `person`; a shift they are on says its handoffs in their time."""
    handle, added, removed = person.key, sorted(now - was), sorted(was - now)
    texts = []
    for shift in added:
        moved_from = next((old for old in removed if old.overlaps(shift)), None)
        if moved_from is not None:
            removed.remove(moved_from)
            texts.append(f"Your escalation engineer rotation {moved_from.label} moved: it now "
                         f"runs {shift.label}{with_whom(handle, shift, roster)}."
                         + for_person(roster, person, shift.start, shift.end))
        else:
            texts.append(f"You were added to the escalation engineer rotation {shift.label}"
                         f"{with_whom(handle, shift, roster)}."
                         + for_person(roster, person, shift.start, shift.end))
    texts += [f"You were removed from the escalation engineer rotation {shift.label}."
              for shift in removed]
    return texts


def with_whom(handle: str, shift: Shift, roster: Roster) -> str:
    rotation = next(r for r in roster.rotations if r.start == shift.start)
    others = [f"@{h}" for h in rotation.engineers if h.lower() != handle]
    if not others:
        return ""
    return " with " + (", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1
                       else others[0])
