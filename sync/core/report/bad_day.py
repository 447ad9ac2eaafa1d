"""`who` on a bad day: an error on a future row must not hide who is on rotation today. Pure.

The answer comes from the rows without errors. Today cannot be answered only when an error
could change it: a row with an error that holds today, or whose dates cannot be read while
no valid row holds today, an Overrides row with an error that may touch today, or a tab
that cannot be read at all.
"""

from __future__ import annotations

from datetime import date

from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster, Rotation
from sync.core.rules.validate import check_roster
from sync.core.tabs.cells import normalise
from sync.core.tabs.dates import to_date
from sync.core.tabs.raw import Cell, RawRoster, RawTab


def valid_rows(raw: RawRoster, clock: Clock) -> tuple[Roster | None, str | None]:
    """The roster of the rows without errors, and why today cannot be answered (None when
    it can; then the roster is not None)."""
    roster, findings = check_roster(raw, clock)
    if roster is None:
        return None, "the Rotations or People tab cannot be read"
    bad = {(f.tab, f.row) for f in findings if f.severity == "error"}
    day = roster.day_of(clock.now)
    reason = rotation_doubt(roster, raw.rotations.name, bad, day) or \
        override_doubt(raw.overrides, bad, day)
    if reason is not None:
        return None, reason
    clean = tuple(r for r in roster.rotations if usable(r, roster, raw.rotations.name, bad))
    overrides = tuple(o for o in roster.overrides
                      if any(r.start <= o.start and o.end <= r.end for r in clean))
    return roster.model_copy(update={"rotations": clean, "overrides": overrides}), None


def usable(rotation: Rotation, roster: Roster, tab: str, bad: set[tuple[str, int | None]]
           ) -> bool:
    return (tab, rotation.row) not in bad and \
        all(handle.lower() in roster.people for handle in rotation.engineers)


def rotation_doubt(roster: Roster, tab: str, bad: set[tuple[str, int | None]],
                   day: date) -> str | None:
    if (tab, None) in bad:
        return f"the {tab} tab has an error"
    today = [r for r in roster.rotations if r.start <= day <= r.end]
    wrong = [r for r in today if not usable(r, roster, tab, bad)]
    if wrong:
        return f"{tab} row {wrong[0].row}, which holds today, has an error"
    parsed = {r.row for r in roster.rotations}
    unread = sorted(row for where, row in bad if where == tab and row not in parsed and row)
    if not today and unread:
        return f"{tab} row {unread[0]} has dates that cannot be read, and may hold today"
    return None


def override_doubt(tab: RawTab | None, bad: set[tuple[str, int | None]],
                   day: date) -> str | None:
    """An Overrides row with an error whose dates hold today, or cannot be read."""
    if tab is None or not tab.rows:
        return None
    header = [normalise(cell) for cell in tab.rows[0]]
    for where, row in sorted(bad, key=lambda place: (place[0], place[1] or 0)):
        if where != tab.name:
            continue
        if row is None or row > len(tab.rows):
            return f"the {tab.name} tab has an error"
        first, last = (cell_date(tab.rows[row - 1], header, name) for name in ("start", "end"))
        if first is None or last is None or first <= day <= last:
            return f"{tab.name} row {row} has an error and may change who is on rotation today"
    return None


def cell_date(row: list[Cell], header: list[str], name: str) -> date | None:
    if name not in header or header.index(name) >= len(row):
        return None
    return to_date(row[header.index(name)])
