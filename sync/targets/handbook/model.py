"""The handbook page's Rotations table: render it as Prettier would, splice it in place.

Only the table's lines change: every byte before and after it (line endings, a missing
final newline, the rest of the page) is kept as it was.
"""

from __future__ import annotations

import re
import unicodedata
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.core.diff.plan import Change, TargetPlan, diff
from sync.core.diff.wording import changed, moved
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster, Rotation
from sync.errors import TargetError
from sync.targets.base import Snapshot, Target
from sync.targets.handbook.dates import Dates, Unreadable, read_ranges, read_slots

HEADER = ("Rotation", "Engineers")
BEGIN_MARKER = "<!-- rotation-sync:begin -->"
END_MARKER = "<!-- rotation-sync:end -->"
ROTATIONS_HEADING = re.compile(r"^\s{0,3}##\s+Rotations\s*#*\s*$", re.IGNORECASE)
ANY_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
TABLE_LINE = re.compile(r"^\s{0,3}\|")
DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
PROFILE_LINK = re.compile(r"\[(@[\w-]+)\]\(https://github\.com/[\w-]+\)")
LAYOUT_KEY = "table"
STAMP_KEY = "stamp"
STAMP_LINE = re.compile(r"^[_*]?Last synced from the roster on \d{4}-\d{2}-\d{2}\.?[_*]?\s*$")


@dataclass(frozen=True)
class RowState:
    rotation: str
    engineers: str
    dates: Dates | None = field(default=None, compare=False)  # None: the cell is unreadable

    def means(self, other: RowState) -> bool:
        """Whether both rows say the same dates and engineers, however each is written
        ("Sep 7 – Oct 9" or "2022-09-07 to 2022-10-09", a link or @login)."""
        return self.dates is not None and self.dates == other.dates and \
            slots_of(self.engineers) == slots_of(other.engineers) is not None

    def describe(self) -> str:
        """'row 2022-08-10 to 2022-09-06: @keegancsmith, TBD' (links shown as their text)."""
        return f"row {self.rotation}: " + PROFILE_LINK.sub(r"\1", self.engineers)

    def changes_from(self, before: RowState) -> list[str]:
        """'dates … → …; engineers add @c, remove @b' (TBD slots counted as such)."""
        words = moved(before.rotation, self.rotation)
        words += changed("engineers", before.handles, self.handles)
        if not words and before.engineers != self.engineers:
            words.append("engineers reordered or re-linked")
        return words

    @property
    def handles(self) -> list[str]:
        """'@a', 'TBD', 'TBD (2)': each slot once, so a second TBD counts."""
        cells = [PROFILE_LINK.sub(r"\1", cell).strip() for cell in self.engineers.split(",")]
        return [cell if cells[:i].count(cell) == 0 else f"{cell} ({cells[:i].count(cell) + 1})"
                for i, cell in enumerate(cells)]


@dataclass(frozen=True)
class Page:
    """A page cut around its table: before + table + after == the page, byte for byte."""

    before: str
    table: str
    after: str
    newline: str
    stamp: str = ""  # an earlier "Last synced" line under the table, with its blank line

    def with_table(self, table: str, stamp: str | None = None) -> str:
        return self.before + table + (self.stamp if stamp is None else stamp) + self.after


# -- rendering ---------------------------------------------------------------------------
def row_for(rotation: Rotation) -> RowState:
    engineers = ", ".join(f"[@{h}](https://github.com/{h})" if h else "TBD"
                          for h in rotation.slots)
    return RowState(rotation.label, engineers or "TBD", Dates(rotation.start, rotation.end))


def slots_of(engineers: str) -> tuple[str | None, ...] | None:
    try:
        return tuple(slot.lower() if slot else None for slot in read_slots(engineers))
    except Unreadable:
        return None


def desired_rows(roster: Roster) -> dict[str, RowState]:
    return {rotation.key: row_for(rotation) for rotation in roster.rotations}


def render_table(rows: list[RowState], newline: str = "\n") -> str:
    """Prettier's Markdown table: cells padded to the column width, at least 3 dashes."""
    cells = [list(HEADER)] + [[row.rotation, row.engineers] for row in rows]
    widths = [max(3, *(display_width(line[i]) for line in cells)) for i in range(len(HEADER))]
    lines = [format_row(cells[0], widths), format_row(["-" * w for w in widths], widths)]
    lines += [format_row(line, widths) for line in cells[1:]]
    return newline.join(lines) + newline


def format_row(cells: list[str], widths: list[int]) -> str:
    padded = [cell + " " * (width - display_width(cell)) for cell, width in zip(cells, widths,
                                                                               strict=True)]
    return "| " + " | ".join(padded) + " |"


def display_width(text: str) -> int:
    """Wide (East Asian) characters take two columns, as Prettier counts them."""
    if text.isascii():  # most cells: one column per character, no lookup per character
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


# -- splicing ----------------------------------------------------------------------------
def cut_page(text: str) -> Page:
    """Find the table: between the markers when present, else under `## Rotations`."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    start, stop = region(lines)
    block = find_table(lines, start, stop)
    if block is None and has_markers(lines):
        block = (start, stop)  # markers with no table yet: the table goes between them
    if block is None:
        raise TargetError("The handbook page has no table under a '## Rotations' heading "
                          f"(or between {BEGIN_MARKER} and {END_MARKER}); add one, the page "
                          "was left untouched.")
    first, last = block
    stamp_end = stamp_after(lines, last)
    return Page("".join(lines[:first]), "".join(lines[first:last]), "".join(lines[stamp_end:]),
                newline, "".join(lines[last:stamp_end]))


def stamp_after(lines: list[str], last: int) -> int:
    """Where a "Last synced" line (after one blank line) under the table ends, else `last`."""
    if last + 1 < len(lines) and not lines[last].strip() and STAMP_LINE.match(lines[last + 1]):
        return last + 2
    return last


def has_markers(lines: list[str]) -> bool:
    return any(BEGIN_MARKER in line for line in lines)


def region(lines: list[str]) -> tuple[int, int]:
    if has_markers(lines):
        begin = next(i for i, line in enumerate(lines) if BEGIN_MARKER in line)
        end = next((i for i, line in enumerate(lines) if i > begin and END_MARKER in line), None)
        if end is None:
            raise TargetError(f"The handbook page has {BEGIN_MARKER} but no {END_MARKER}; "
                              "the page was left untouched.")
        return begin + 1, end
    heading = next((i for i, line in enumerate(lines) if ROTATIONS_HEADING.match(line)), None)
    if heading is None:
        return 0, 0
    stop = next((i for i in range(heading + 1, len(lines)) if ANY_HEADING.match(lines[i])),
                len(lines))
    return heading + 1, stop


def find_table(lines: list[str], start: int, stop: int) -> tuple[int, int] | None:
    """The first run of `|` lines whose second line is a delimiter row."""
    index = start
    while index < stop:
        if TABLE_LINE.match(lines[index]):
            end = index
            while end < stop and TABLE_LINE.match(lines[end]):
                end += 1
            if end - index >= 2 and DELIMITER_ROW.match(lines[index + 1]):
                return index, end
            index = end
        else:
            index += 1
    return None


def page_rows(table: str) -> list[RowState]:
    """The table's rows in page order, each with the dates it says (a year carried from
    the row above), or None where the Rotation cell cannot be read."""
    cells = [[*split_cells(line), "", ""][:2] for line in table.splitlines()[2:]]
    ranges = read_ranges([rotation for rotation, _ in cells])
    return [RowState(rotation, engineers, dates if isinstance(dates, Dates) else None)
            for (rotation, engineers), dates in zip(cells, ranges, strict=True)]


def parse_rows(table: str) -> dict[str, RowState]:
    """Rows keyed by their rotation's start; a row a human wrote oddly keeps its text as key."""
    return {row_key(row): row for row in page_rows(table)}


def row_key(row: RowState) -> str:
    return row.dates.start.isoformat() if row.dates else f"row '{row.rotation}'"


def split_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def splice(text: str, rows: list[RowState]) -> str:
    page = cut_page(text)
    return page.with_table(render_table(rows, page.newline))


# -- the target family -------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class PageSnapshot(Snapshot):
    """The table's rows as read, and the page cut around the table, to splice into."""

    page: Page


class HandbookTarget(Target):
    """The table's rows, plus a layout check so hand-made formatting drift is repaired too.

    With `stamp`, a "Last synced from the roster on <date>" line sits under the table; it
    changes only when the table does, so the page's history shows real changes only.
    """

    name = "handbook"

    def __init__(self, stamp: bool = False) -> None:
        self.stamp = stamp

    def desired(self, roster: Roster, clock: Clock,
                snapshot: Snapshot) -> tuple[dict[str, Any], list[str]]:
        wanted = desired_rows(roster)
        return {key: kept(row, snapshot.get(key)) for key, row in wanted.items()}, []

    def diff(self, desired: Mapping[str, Any], snapshot: Snapshot,
             clock: Clock) -> list[Change]:
        page = page_of(snapshot)
        changes = diff(desired, snapshot)
        if not changes and page_rows(page.table) != ordered(desired):
            changes.append(Change("update", LAYOUT_KEY,
                                  "re-format the Rotations table (its rows were reordered)"))
        if self.stamp and not page.stamp:
            changes.append(Change("create", STAMP_KEY,
                                  f"add the line 'Last synced from the roster on {clock.today}'"))
        return changes

    def apply(self, plan: TargetPlan) -> list[str]:
        return self.write_page(self.render_page(page_of(plan.actual), plan), plan)

    def render_page(self, page: Page, plan: TargetPlan) -> str:
        """`page` with the plan's table (and a fresh stamp when the rows changed)."""
        table = render_table(ordered(plan.desired), page.newline)
        if not self.stamp:
            return page.with_table(table)
        rows_changed = parse_rows(page.table) != dict(plan.desired)
        if page.stamp and not rows_changed:
            return page.with_table(table)
        line = f"Last synced from the roster on {plan.today}."
        return page.with_table(table, page.newline + line + page.newline)

    @abstractmethod
    def write_page(self, text: str, plan: TargetPlan) -> list[str]:
        """Store the page; `plan` says what changed, for commit messages. Returns notes."""


def kept(wanted: RowState, written: Any) -> RowState:
    """The page's own row while it says what the roster says: a page adopted as written
    ("Sep 7 – Oct 9", plain spacing) is not rewritten by the first sync."""
    return written if isinstance(written, RowState) and written.means(wanted) else wanted


def page_of(snapshot: Mapping[str, Any]) -> Page:
    if not isinstance(snapshot, PageSnapshot):
        raise TypeError("a handbook plan needs the snapshot a handbook backend read")
    return snapshot.page


def ordered(rows: Mapping[str, Any]) -> list[RowState]:
    return [rows[key] for key in sorted(rows)]
