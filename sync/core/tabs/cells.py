"""Tabs and cells as the manager sees them: headers resolved by name, cells read as text,
and the cell contents no target can hold (spreadsheet errors, markup) found."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sync.core.findings import Findings
from sync.core.limits import CSV_FIELD_LIMIT, MAX_CELL_CHARS
from sync.core.tabs.raw import Cell, RawTab

SHEET_ERROR = re.compile(
    r"^#(REF!|N/A|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|ERROR!|SPILL!|CALC!|GETTING_DATA)$|^Loading\.\.\.$"
)
MARKUP = re.compile(r"<[A-Za-z/!?]|&#?[A-Za-z0-9]+;|`|\[|\]")
ENGINEER_N = re.compile(r"^engineer\s*(\d+)$")
# C0 controls (line breaks have their own rule), DEL, C1, line/paragraph separators and
# bidi overrides: invisible in the sheet, they break the ICS, Slack or the terminal.
CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069]")


# -- tabs and cells ----------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """A tab with its header resolved: column lookups by case-insensitive name."""

    tab: RawTab
    columns: dict[str, int]  # normalised header → index
    titles: dict[str, str]  # normalised header → the header as the manager typed it

    def cell(self, row: list[Cell], name: str) -> Cell:
        index = self.columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    def title(self, name: str) -> str:
        return self.titles.get(name, name.title())

    def body(self) -> Iterable[tuple[int, list[Cell]]]:
        """Data rows with the sheet row number, skipping rows left entirely blank."""
        for number, row in enumerate(self.tab.rows[1:], start=2):
            if any(text(self.cell(row, name)) for name in self.columns):
                yield number, row


def text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def normalise(header: Cell) -> str:
    return " ".join(text(header).lower().split())


def read_table(tab: RawTab, required: tuple[str, ...], findings: Findings) -> Table | None:
    header = tab.rows[0] if tab.rows else []
    columns: dict[str, int] = {}
    titles: dict[str, str] = {}
    for index, cell in enumerate(header):
        name = normalise(cell)
        if name and name not in columns:
            columns[name] = index
            titles[name] = text(cell)
    missing = [name for name in required if name not in columns]
    for name in missing:
        findings.error("missing-header", tab.name, 1, name.title(),
                       f'the required column "{name.title()}" is missing from the header row.')
    return None if missing else Table(tab, columns, titles)


def cells_are_clean(table: Table, row_number: int, row: list[Cell], names: Iterable[str],
                    findings: Findings, newline_ok: tuple[str, ...] = ()) -> bool:
    """Spreadsheet errors and text that would break the Markdown table stop the row."""
    clean = True
    for name in names:
        value = text(table.cell(row, name))
        problem = cell_problem(value, newline_ok=name in newline_ok)
        if problem:
            clean = False
            code, message = problem
            findings.error(code, table.tab.name, row_number, table.title(name), message)
    return clean


def cell_problem(value: str, newline_ok: bool) -> tuple[str, str] | None:
    if len(value) > MAX_CELL_CHARS:
        return "cell-too-long", (f"the cell holds {len(value)} characters; at most "
                                 f"{MAX_CELL_CHARS} fit in a calendar, Slack or the handbook.")
    if (control := CONTROL.search(value)):
        return "control-character", (f"the cell contains an invisible control character "
                                     f"(U+{ord(control.group()):04X}); retype the cell.")
    if SHEET_ERROR.match(value):
        return "sheet-error", f"the cell shows the spreadsheet error {value}; fix the formula."
    if "|" in value:
        return "unsafe-text", f'"{value}" contains "|", which would break the handbook table.'
    if MARKUP.search(value):
        return "unsafe-text", f'"{value}" contains markup (HTML, links or code); use plain text.'
    if not newline_ok and ("\n" in value or "\r" in value):
        return "unsafe-text", f'"{one_line(value)}" contains a line break; keep it on one line.'
    return None


def one_line(value: str) -> str:
    return " ".join(value.split())



def engineer_columns(table: Table) -> list[str]:
    """`Engineers` and/or `Engineer 1..N`, in slot order."""
    numbered = sorted((int(match.group(1)), name) for name in table.columns
                      if (match := ENGINEER_N.match(name)))
    names = ["engineers"] if "engineers" in table.columns else []
    return names + [name for _, name in numbered]


def oversized_cells(table: Table, read: Iterable[str], findings: Findings) -> None:
    """A cell of a column the sync ignores (Notes) beyond the CSV field limit: the file would
    not even load elsewhere. Columns the sync reads have the tighter cell rule."""
    skipped = {table.columns[name] for name in read if name in table.columns}
    for number, row in enumerate(table.tab.rows[1:], start=2):
        for index, cell in enumerate(row):
            if index not in skipped and len(text(cell)) > CSV_FIELD_LIMIT:
                header = table.tab.rows[0]
                title = text(header[index]) if index < len(header) else f"column {index + 1}"
                findings.error("cell-too-long", table.tab.name, number, title or None,
                               f"the cell holds {len(text(cell))} characters, more than a "
                               f"CSV file may hold ({CSV_FIELD_LIMIT}); shorten it.")


def read_readable(tab: RawTab, required: tuple[str, ...], findings: Findings) -> Table | None:
    """The tab's table, after what the source could not read (a file that is not UTF-8,
    a row with more cells than the header) is reported; None when the tab is unreadable."""
    for problem in tab.problems:
        findings.error(problem.code, tab.name, problem.row, None, problem.message)
    if any(problem.blocking for problem in tab.problems):
        return None
    return read_table(tab, required, findings)


# -- people ------------------------------------------------------------------------------
