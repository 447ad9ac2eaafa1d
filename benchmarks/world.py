"""The generated rosters the benchmarks sync, inside the dates every calendar accepts.

A world of N rotations is a team's history: half-week shifts (Monday to Thursday, then
Friday to Sunday) of three engineers out of 40, back to back from 1990-01-01, then the
four-week rotations it runs now (the running one and three upcoming, so today's roster
draws no length warning). 10,000 rotations end in 2085, inside 1970-01-01..2099-12-31
(sync/core/limits.py), which `world_span` asserts; four-week rotations throughout would
end in the year 2756. Every 20th rotation has an Overrides row (its first engineer away
one day, covered by someone not on it) and every 10th a Time off row (someone not on it
away that shift).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sync.core.limits import EARLIEST, LATEST

PEOPLE = 40
FIRST_DAY = date(1990, 1, 1)  # a Monday
ZONES = ("America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Kolkata",
         "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos", "America/Sao_Paulo")
OVERRIDE_EVERY = 20
TIME_OFF_EVERY = 10
CURRENT = 4  # the last rotations: four weeks each, the first of them running today


@dataclass(frozen=True)
class Shift:
    start: date
    end: date
    staff: tuple[str, ...]


def shift(n: int, count: int) -> Shift:
    """Rotation `n` of `count`: weeks of a Monday-Thursday and a Friday-Sunday shift, then
    the last CURRENT rotations four weeks each."""
    history = count - CURRENT + (count - CURRENT) % 2  # ends on a Sunday
    monday = FIRST_DAY + timedelta(weeks=min(n, history) // 2)
    if n >= history:
        start, days = monday + timedelta(weeks=4 * (n - history)), 28
    else:
        start, days = (monday, 4) if n % 2 == 0 else (monday + timedelta(days=4), 3)
    staff = tuple(f"engineer-{(3 * n + k) % PEOPLE}" for k in range(3))
    return Shift(start, start + timedelta(days=days - 1), staff)


def world_span(count: int) -> tuple[date, date]:
    """First and last day of a world of `count` rotations, asserted to be in range."""
    first, last = shift(0, count).start, shift(count - 1, count).end
    assert first >= EARLIEST and last <= LATEST, f"{count} rotations end on {last}"
    return first, last


def today(count: int) -> date:
    """The benchmarks' "today": the second day of the running rotation."""
    return shift(count - CURRENT + count % 2, count).start + timedelta(days=1)


def people_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [["GitHub", "Name", "Email", "Timezone", "Slack ID"]]
    return rows + [[f"engineer-{n}", f"Engineer {n}", f"engineer-{n}@example.com",
                    ZONES[n % len(ZONES)], ""] for n in range(PEOPLE)]


def rotation_rows(count: int, changed: int | None = None) -> list[list[Any]]:
    """`count` back-to-back rotations; `changed` re-staffs that one rotation."""
    world_span(count)
    rows: list[list[Any]] = [["Start", "End", "Engineers"]]
    for n in range(count):
        one = shift(n, count)
        staff = list(one.staff)
        if n == changed:
            staff[0] = f"engineer-{(3 * n + 3) % PEOPLE}"
        rows.append([one.start.isoformat(), one.end.isoformat(), ", ".join(staff)])
    return rows


def override_rows(count: int) -> list[list[Any]]:
    """Every 20th rotation: its first engineer away its second day, covered."""
    rows: list[list[Any]] = [["Start", "End", "Engineer", "Cover", "Note"]]
    for n in range(OVERRIDE_EVERY // 2, count, OVERRIDE_EVERY):
        one = shift(n, count)
        day = (one.start + timedelta(days=1)).isoformat()
        rows.append([day, day, one.staff[0], f"engineer-{(3 * n + 20) % PEOPLE}", "swap"])
    return rows


def time_off_rows(count: int) -> list[list[Any]]:
    """Every 10th rotation: someone not on it away for that shift (no conflict)."""
    rows: list[list[Any]] = [["GitHub", "Start", "End", "Note"]]
    for n in range(0, count, TIME_OFF_EVERY):
        one = shift(n, count)
        rows.append([f"engineer-{(3 * n + 10) % PEOPLE}", one.start.isoformat(),
                     one.end.isoformat(), "leave"])
    return rows


def tabs(count: int) -> dict[str, list[list[Any]]]:
    """The world as Sheets tabs (or CSV files), by tab name."""
    return {"Rotations": rotation_rows(count), "People": people_rows(),
            "Overrides": override_rows(count), "Time off": time_off_rows(count)}


def write_csv(folder: Path, count: int) -> None:
    """The world as the CSV source's files: rotations.csv, people.csv, overrides.csv,
    time_off.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tabs(count).items():
        with (folder / f"{name.lower().replace(' ', '_')}.csv").open("w", newline="") as out:
            csv.writer(out).writerows(rows)
