"""Tell the Engineer and the Cover when an Overrides row is added, changed or removed.

Part of the shift snapshot (`sync.core.messages.notices`): each override is one entry keyed by
`Override.key`, so a row whose dates, cover or note change is "changed", not removed+added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sync.core.lived.own_time import for_person
from sync.core.lived.roster import Override, Person, Roster

Entry = dict[str, Any]


@dataclass(frozen=True)
class Row:
    """An override as remembered in the snapshot."""

    start: date
    end: date
    engineer: str
    cover: str | None
    note: str

    @property
    def label(self) -> str:
        return f"{self.start} to {self.end}"

    @classmethod
    def of(cls, entry: Entry) -> Row:
        return cls(date.fromisoformat(entry["start"]), date.fromisoformat(entry["end"]),
                   entry["engineer"], entry.get("cover"), entry.get("note", ""))


def override_entries(overrides: tuple[Override, ...]) -> list[Entry]:
    return [{"override": o.key, "start": o.start.isoformat(), "end": o.end.isoformat(),
             "engineer": o.engineer.lower(), "cover": o.cover.lower() if o.cover else None,
             "note": o.note} for o in overrides]


def override_notices(before: list[Entry], roster: Roster,
                     today: date) -> list[tuple[Person, str]]:
    """(person, text) for every override row that changed and has not ended; a row the
    person is (still) on gives its handoffs in their own time."""
    old = {e["override"]: Row.of(e) for e in before if "override" in e}
    new = {e["override"]: Row.of(e) for e in override_entries(roster.overrides)}

    def when(handle: str, row: Row) -> str:
        person = roster.people.get(handle)
        return for_person(roster, person, row.start, row.end) if person else ""

    found: list[tuple[str, str]] = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was != now and max(r.end for r in (was, now) if r is not None) >= today:
            found += told(was, now, when)
    return [(roster.people[h], text) for h, text in found if h in roster.people]


def told(was: Row | None, now: Row | None,
         when: Callable[[str, Row], str]) -> list[tuple[str, str]]:
    """Handles with the text each is sent, for one override row; `when` says a row's
    handoffs in that person's own time."""
    texts: list[tuple[str, str]] = []
    if now is not None:
        verb = "changed: you are now" if was is not None else "was added: you are"
        texts.append((now.engineer, f"An override {verb} off the escalation engineer "
                      f"rotation from {now.label}; {covered_by(now)}."
                      f"{when(now.engineer, now)}{note(now)}"))
        if now.cover is not None:
            texts.append((now.cover, f"You cover @{now.engineer} on the escalation engineer "
                          f"rotation from {now.label}.{when(now.cover, now)}{note(now)}"))
    elif was is not None:
        texts.append((was.engineer, f"The override from {was.label} was removed: you are on "
                      "the escalation engineer rotation on those days again."))
    if was is not None and was.cover is not None and (now is None or now.cover != was.cover):
        texts.append((was.cover, f"You no longer cover @{was.engineer} on the escalation "
                      f"engineer rotation from {was.label}."))
    return texts


def covered_by(row: Row) -> str:
    return f"@{row.cover} covers you" if row.cover else "nobody covers you"


def note(row: Row) -> str:
    return f" Note: {row.note}" if row.note else ""
