"""The generated roster the benchmarks sync: back-to-back four-week rotations of 40 people."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

PEOPLE = 40
FIRST_DAY = date(2000, 1, 3)
ZONES = ("America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Kolkata",
         "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos", "America/Sao_Paulo")


def people_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [["GitHub", "Name", "Email", "Timezone", "Slack ID"]]
    return rows + [[f"engineer-{n}", f"Engineer {n}", f"engineer-{n}@example.com",
                    ZONES[n % len(ZONES)], ""] for n in range(PEOPLE)]


def rotation_rows(count: int, changed: int | None = None) -> list[list[Any]]:
    """`count` back-to-back four-week rotations; `changed` re-staffs that one rotation."""
    rows: list[list[Any]] = [["Start", "End", "Engineers"]]
    for n in range(count):
        start = FIRST_DAY + timedelta(weeks=4 * n)
        staff = [f"engineer-{(3 * n + k) % PEOPLE}" for k in range(3)]
        if n == changed:
            staff[0] = f"engineer-{(3 * n + 3) % PEOPLE}"
        rows.append([start.isoformat(), (start + timedelta(days=27)).isoformat(),
                     ", ".join(staff)])
    return rows
