"""Small builders for rosters, clocks and CSV rosters used across the tests."""

from __future__ import annotations

import csv
import io
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sync.core.lived.clock import Clock
from sync.core.lived.roster import Override, Person, Roster, Rotation

# Tests wait for events (a log line, a file, a lock holder); this is only the safety net
# for a wait that never ends, generous enough for a loaded 2-core machine.
CEILING = 120.0

TZ = "America/Los_Angeles"
HANDOFF = time(9, 0)

PEOPLE = {
    "keegancsmith": ("Keegan Carruthers-Smith", "keegan@example.com", "Africa/Johannesburg"),
    "BolajiOlajide": ("Bolaji Olajide", "bolaji@example.com", "Africa/Lagos"),
    "valerybugakov": ("Valery Bugakov", "valery@example.com", "Europe/Berlin"),
    "tbliu98": ("Tammy Liu", "tammy@example.com", "America/Los_Angeles"),
    "kenji-sato": ("Kenji Sato", "kenji@example.com", "Asia/Tokyo"),
    "sven-larsen": ("Sven Larsen", "sven@example.com", "America/New_York"),
    "priya-nair": ("Priya Nair", "priya@example.com", "Asia/Kolkata"),
}

SAMPLE_ROTATIONS = [
    ("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
    ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
    ("2022-10-10", "2022-11-07", ["tbliu98", None, None]),
]


def people() -> dict[str, Person]:
    return {handle.lower(): Person(github=handle, name=name, email=email, timezone=tz)
            for handle, (name, email, tz) in PEOPLE.items()}


def make_roster(rotations: list[tuple[str, str, list[str | None]]] | None = None) -> Roster:
    rotations = SAMPLE_ROTATIONS if rotations is None else rotations
    return Roster(rotations=tuple(
        Rotation(start=date.fromisoformat(start), end=date.fromisoformat(end),
                 slots=tuple(slots), row=row)
        for row, (start, end, slots) in enumerate(rotations, start=2)), people=people(),
        timezone=TZ, handoff_time=HANDOFF)


def make_clock(day: str = "2022-09-10", tz: str = TZ) -> Clock:
    return Clock.at(ZoneInfo(tz), HANDOFF, date.fromisoformat(day))


def to_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def rotations_rows(rotations: list[tuple[str, str, list[str | None]]] | None = None,
                   ) -> list[list[str]]:
    rotations = SAMPLE_ROTATIONS if rotations is None else rotations
    return [["Start", "End", "Engineers"]] + [
        [start, end, ", ".join(h or "TBD" for h in slots)] for start, end, slots in rotations]


def people_rows() -> list[list[str]]:
    return [["GitHub", "Name", "Email", "Timezone", "Slack ID"]] + [
        [handle, name, email, tz, ""] for handle, (name, email, tz) in PEOPLE.items()]


def write_roster(folder: Path, rotations: list[list[str]] | None = None,
                 people: list[list[str]] | None = None) -> None:
    (folder / "roster").mkdir(parents=True, exist_ok=True)
    (folder / "roster" / "rotations.csv").write_text(to_csv(rotations or rotations_rows()))
    (folder / "roster" / "people.csv").write_text(to_csv(people or people_rows()))


class DictMemory:
    """The state store's remember/recall, in memory."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def remember(self, key: str, value: Any) -> None:
        self.values[key] = value

    def recall(self, key: str) -> Any:
        return self.values.get(key)


OverrideRow = tuple[str, str, str, str | None, str]  # start, end, engineer, cover, note


def with_overrides(roster: Roster, *rows: OverrideRow) -> Roster:
    """`roster` with Overrides rows (sheet rows 2, 3, …)."""
    overrides = tuple(Override(start=date.fromisoformat(start), end=date.fromisoformat(end),
                               engineer=engineer, cover=cover, note=note, row=row)
                      for row, (start, end, engineer, cover, note) in enumerate(rows, start=2))
    return roster.model_copy(update={"overrides": tuple(sorted(overrides,
                                                               key=lambda o: o.start))})
