"""The People tab's optional planning columns: `Eligible`, `Team` and `Due by`.

They are checked with the rest of the People row (tab, row and column named); a bad value
is one error on that row and the person stays known, so their rotations get no second error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sync.core.findings import Findings
from sync.core.tabs.cells import Table, text
from sync.core.tabs.dates import parse_date
from sync.core.tabs.raw import Cell

PLANNING_COLUMNS = ("eligible", "team", "due by")
YES, NO = frozenset({"yes", "y", "true", ""}), frozenset({"no", "n", "false"})

@dataclass(frozen=True)
class Planning:
    eligible: bool = True
    team: str | None = None
    due_by: date | None = None


def read_planning(table: Table, row_number: int, row: list[Cell],
                  findings: Findings) -> Planning:
    """The row's planning values; an empty or absent column means the default."""
    eligible = read_eligible(table, row_number, row, findings)
    team = text(table.cell(row, "team")) or None
    due_by = None
    if "due by" in table.columns and text(table.cell(row, "due by")):
        due_by = parse_date(table, row_number, row, "due by", findings, "Due by")
    return Planning(eligible=eligible, team=team, due_by=due_by)


def read_eligible(table: Table, row_number: int, row: list[Cell], findings: Findings) -> bool:
    value = text(table.cell(row, "eligible"))
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    findings.error("bad-eligible", table.tab.name, row_number, table.title("eligible"),
                   f'Eligible "{value}" is not yes or no; write "no" to keep rotation-sync '
                   "propose from choosing this person, or leave it empty.")
    return True
