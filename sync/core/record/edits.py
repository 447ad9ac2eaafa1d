"""`past-edited`: a roster edit that changes who served a day the record already holds.

The record keeps what was served; the warning names the row that now says otherwise (an
Overrides row when one holds that day, else the Rotations row), the days and who was
recorded, so the manager can undo the edit or accept it (`ledger --accept-edits`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sync.core.findings import Finding
from sync.core.lived.roster import Roster
from sync.core.record.days import days_between, lived_days, serving_by_day

Nobody: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Tabs:
    rotations: str = "Rotations"
    overrides: str = "Overrides"


@dataclass(frozen=True)
class Edit:
    tab: str
    row: int | None
    column: str
    first: date
    last: date
    recorded: frozenset[str]


def past_edits(roster: Roster, recorded: Mapping[date, frozenset[str]], first: date,
               last: date, elsewhere: Mapping[date, frozenset[str]] | None = None,
               tabs: Tabs = Tabs()) -> list[Finding]:
    """One warning per row and stretch of days whose recorded engineers the roster now
    contradicts. `elsewhere`: who another roster's record holds on a day (a person is
    recorded once a day, so the other roster's days are not this roster's edits)."""
    other = elsewhere or {}
    lived = serving_by_day(lived_days(roster, first, last))
    edits: list[Edit] = []
    for day in days_between(first, last):
        was = recorded.get(day, Nobody)
        if lived.get(day, Nobody) - other.get(day, Nobody) == was:
            continue
        tab, row, column = responsible_row(roster, day, tabs)
        previous = edits[-1] if edits else None
        if previous is not None and (previous.tab, previous.row, previous.recorded) == \
                (tab, row, was) and (day - previous.last).days == 1:
            edits[-1] = Edit(tab, row, column, previous.first, day, was)
        else:
            edits.append(Edit(tab, row, column, day, day, was))
    return [as_finding(edit, roster) for edit in edits]


def responsible_row(roster: Roster, day: date, tabs: Tabs) -> tuple[str, int | None, str]:
    """The Overrides row holding `day`, else the Rotations row, else the whole tab (the
    rotation that held the day was deleted)."""
    override = next((o for o in roster.overrides if o.start <= day <= o.end), None)
    if override is not None:
        return tabs.overrides, override.row, "Cover"
    rotation = roster.holding(day)
    return tabs.rotations, rotation.row if rotation else None, "Engineers"


def as_finding(edit: Edit, roster: Roster) -> Finding:
    where = f"{edit.tab} row {edit.row}" if edit.row is not None else f"The {edit.tab} tab"
    days = edit.first.isoformat() if edit.first == edit.last else \
        f"{edit.first.isoformat()} to {edit.last.isoformat()}"
    return Finding("warning", "past-edited", edit.tab, edit.row, edit.column,
                   f"{where} changes who served {days}, recorded as "
                   f"{handles_text(edit.recorded, roster)}; the record keeps what was served.")


def handles_text(handles: frozenset[str], roster: Roster) -> str:
    if not handles:
        return "nobody"
    spelled = sorted((roster.people[key].github if key in roster.people else key)
                     for key in handles)
    return ", ".join(f"@{handle}" for handle in spelled)
