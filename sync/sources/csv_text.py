"""CSV files as people make them: exported from Excel or Numbers, edited by hand.

A record ends only at `\\n`, `\\r\\n` or `\\r` (str.splitlines also splits at U+2028, form
feeds and friends, which would shift every row number). What cannot be read as the sheet's
cells becomes a TabProblem that validation reports with the row: a file that is not UTF-8,
a file separated by `;`, a row with more cells than the header (an unquoted comma, which
would silently drop the engineers after the first).
"""

from __future__ import annotations

import csv
import re

from sync.core.tabs.raw import Cell, RawTab, TabProblem

RECORD = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs"}
UNLIMITED = 2**31 - 1


def parse_tab(name: str, file_name: str, data: bytes) -> RawTab:
    """The tab's cells, or a blocking problem saying why the file cannot be read."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return RawTab(name, [], (not_utf8(file_name, data, error.start),))
    csv.field_size_limit(UNLIMITED)  # an oversized cell is a finding naming it, not a crash
    try:
        rows: list[list[Cell]] = [list(row) for row in csv.reader(records(content))]
    except csv.Error as error:
        return RawTab(name, [], (TabProblem("csv-format", None, f"the file {file_name} "
                                            f"cannot be read as CSV ({error}).", True),))
    separator = other_separator(rows[0] if rows else [])
    if separator is not None:
        return RawTab(name, [], (separated_by(file_name, separator),))
    extra = extra_cells(rows)  # such a row is reported, not checked: its cells are shifted
    kept = [[] if number in extra else row for number, row in enumerate(rows, start=1)]
    return RawTab(name, kept, tuple(extra.values()))


def records(content: str) -> list[str]:
    """The file's lines, each with its own line end, split only at real record ends."""
    return RECORD.findall(content)


def not_utf8(file_name: str, data: bytes, position: int) -> TabProblem:
    row = data.count(b"\n", 0, position) + 1
    return TabProblem("csv-encoding", None,
                      f"the file {file_name} is not UTF-8 text (the first unreadable "
                      f"character is on line {row}); save it as UTF-8 (in Excel: Save As, "
                      '"CSV UTF-8 (Comma delimited)").', True)


def other_separator(header: list[Cell]) -> str | None:
    """A header read as one cell holding `;` or tabs: the file uses another separator."""
    cells = [str(cell) for cell in header if cell]
    return next((sep for sep in OTHER_SEPARATORS if any(sep in cell for cell in cells)),
                None)


def separated_by(file_name: str, separator: str) -> TabProblem:
    return TabProblem("csv-separator", 1,
                      f'the file {file_name} is separated by {OTHER_SEPARATORS[separator]} '
                      f'("{separator.replace(chr(9), "<tab>")}"); save it with commas as the '
                      'separator (in Excel: "CSV UTF-8 (Comma delimited)").', True)


def extra_cells(rows: list[list[Cell]]) -> dict[int, TabProblem]:
    """Rows with more filled cells than the header has columns, by row number."""
    width = len(rows[0]) if rows else 0
    found = {}
    for row_number, row in enumerate(rows[1:], start=2):
        filled = len(row) - next((i for i, cell in enumerate(reversed(row)) if cell), len(row))
        if filled > width:
            found[row_number] = TabProblem(
                "extra-cells", row_number,
                f"this row has {filled} cells but the header has {width} columns, so "
                "cells would be lost; put a cell that holds commas in double quotes "
                '("alice, bob, carol") or separate its handles with new lines.')
    return found
