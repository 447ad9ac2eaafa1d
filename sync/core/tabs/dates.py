"""Dates as managers write them in a cell: YYYY-MM-DD text, or a real date cell that Sheets
returns as a serial number. Every tab with dates reads them here, so they agree."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sync.core.findings import Findings
from sync.core.limits import date_range_text, in_range
from sync.core.tabs.cells import Table, cell_problem, one_line, text
from sync.core.tabs.raw import Cell

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SERIAL_EPOCH = date(1899, 12, 30)  # day 0 of a spreadsheet date serial number


def parse_date(table: Table, row_number: int, row: list[Cell], name: str,
               findings: Findings, what: str = "rotation") -> date | None:
    cell = table.cell(row, name)
    column = table.title(name)
    value = text(cell)
    problem = cell_problem(value, newline_ok=False) if isinstance(cell, str) else None
    if problem:
        findings.error(problem[0], table.tab.name, row_number, column, problem[1])
        return None
    parsed = to_date(cell)
    if parsed is not None and not in_range(parsed):
        findings.error("date-out-of-range", table.tab.name, row_number, column,
                       f"{column} {parsed.isoformat()} is outside the dates calendars hold "
                       f"({date_range_text()}); for an open end, pick a real last day.")
        return None
    if parsed is None:
        if not value:
            findings.error("missing-date", table.tab.name, row_number, column,
                           f"{column} is empty; every {what} needs a Start and an End date.")
        else:
            findings.error("bad-date", table.tab.name, row_number, column,
                           f'{column} "{one_line(value)}" is not a date; write it as '
                           "YYYY-MM-DD, e.g. 2022-08-10.")
    return parsed


def to_date(cell: Cell) -> date | None:
    """A real date cell arrives as a serial number; text must be YYYY-MM-DD."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        if not 1 <= cell < 2958466:  # 1899-12-31 … 9999-12-31
            return None
        return SERIAL_EPOCH + timedelta(days=int(cell))
    value = text(cell)
    if not ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
