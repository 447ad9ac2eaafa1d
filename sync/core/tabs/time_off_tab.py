"""The Time off tab (or file): `GitHub`, `Start`, `End` (inclusive), optional `Note`.

Checked like the other tabs, with the tab, row and column the manager sees; the Note is
checked for unsafe text but never kept: only the dates are used.
"""

from __future__ import annotations

from sync.core.findings import Findings
from sync.core.lived.absence import Absence
from sync.core.tabs.cells import Table, cells_are_clean, read_table, text
from sync.core.tabs.dates import parse_date
from sync.core.tabs.handles import GITHUB_LOGIN, KnownPeople
from sync.core.tabs.raw import Cell, RawTab

HEADERS = ("github", "start", "end")
SOURCE = "the Time off tab"


def parse_time_off(tab: RawTab | None, known: KnownPeople,
                   findings: Findings) -> tuple[Absence, ...]:
    if tab is None:
        return ()
    table = read_table(tab, HEADERS, findings)
    if table is None:
        return ()
    absences = (parse_row(table, number, row, known, findings)
                for number, row in table.body())
    return tuple(sorted(absence for absence in absences if absence is not None))


def parse_row(table: Table, number: int, row: list[Cell], known: KnownPeople,
              findings: Findings) -> Absence | None:
    if not cells_are_clean(table, number, row, ("github", "note"), findings):
        return None
    handle = known_handle(table, number, row, known, findings)
    first = parse_date(table, number, row, "start", findings, "time-off row")
    last = parse_date(table, number, row, "end", findings, "time-off row")
    if handle is None or first is None or last is None:
        return None
    if last < first:
        findings.error("end-before-start", table.tab.name, number, table.title("end"),
                       f"End {last} is before Start {first}.")
        return None
    return Absence(handle, first, last, SOURCE)


def known_handle(table: Table, number: int, row: list[Cell], known: KnownPeople,
                 findings: Findings) -> str | None:
    """The row's person; None after reporting a problem, or silently when their People
    row carries the error (one cause, one finding)."""
    value = text(table.cell(row, "github"))
    handle = value.removeprefix("@")
    column = table.title("github")
    if not GITHUB_LOGIN.match(handle):
        findings.error("invalid-handle", table.tab.name, number, column,
                       f'"{value}" is not a valid GitHub username.' if value else
                       "the GitHub username is empty.")
        return None
    if known.reported(handle):
        return None
    if handle.lower() not in known.people:
        findings.error("unknown-handle", table.tab.name, number, column,
                       f"@{handle} is not on the People tab; add them there first.")
        return None
    return handle.lower()
