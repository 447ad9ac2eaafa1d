"""Rules that turn the raw tabs into a Roster, and everything wrong with them into Findings.

Row numbers are the sheet's (header = row 1) and column names are the manager's own header
text, so every message points at a cell the manager can click.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.core.clock import Clock, format_offset, utc_offset
from sync.core.findings import Finding, Findings
from sync.core.roster import Person, Roster, Rotation
from sync.sources import Cell, RawRoster, RawTab

GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
EMAIL = re.compile(r"^[^@\s,;<>|]+@[^@\s,;<>|]+\.[^@\s,;<>|]+$")
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHEET_ERROR = re.compile(
    r"^#(REF!|N/A|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|ERROR!|SPILL!|CALC!|GETTING_DATA)$|^Loading\.\.\.$"
)
MARKUP = re.compile(r"<[A-Za-z/!?]|&#?[A-Za-z0-9]+;|`|\[|\]")
ENGINEER_N = re.compile(r"^engineer\s*(\d+)$")
SERIAL_EPOCH = date(1899, 12, 30)  # day 0 of a spreadsheet date serial number

MIN_DAYS, MAX_DAYS = 28, 70
TEAM_SIZE = 3
TBD_HORIZON = timedelta(days=14)
NARROW_SPREAD = timedelta(hours=3)

ROTATION_HEADERS = ("start", "end")
PEOPLE_HEADERS = ("github", "name", "email", "timezone")


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


# -- entry point -------------------------------------------------------------------------
def validate(raw: RawRoster, clock: Clock) -> tuple[Roster | None, list[Finding]]:
    """Parse and check the roster; the Roster is None when any error was found."""
    findings = Findings()
    rotations_table = read_table(raw.rotations, ROTATION_HEADERS, findings)
    people_table = read_table(raw.people, PEOPLE_HEADERS, findings)
    if rotations_table is not None and not engineer_columns(rotations_table):
        findings.error("missing-header", raw.rotations.name, 1, "Engineers",
                       'the header row needs an "Engineers" column (or "Engineer 1", '
                       '"Engineer 2", …).')
        rotations_table = None
    if rotations_table is None or people_table is None:
        return None, findings.items
    people = parse_people(people_table, findings)
    rotations = parse_rotations(rotations_table, people, findings)
    check_sequence(rotations, raw.rotations.name, findings)
    check_rotations(rotations, people, clock, raw.rotations.name, rotations_table, findings)
    ordered = sorted(findings.items, key=lambda f: (f.severity != "error",
                                                    f.tab != raw.rotations.name,
                                                    f.row is None, f.row or 0))
    if findings.has_errors:
        return None, ordered
    return Roster(rotations=tuple(sorted(rotations, key=lambda r: r.start)), people=people), \
        ordered


# -- people ------------------------------------------------------------------------------
def parse_people(table: Table, findings: Findings) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for row_number, row in table.body():
        person = parse_person(table, row_number, row, findings)
        if person is None:
            continue
        if person.key in people:
            findings.error("duplicate-person", table.tab.name, row_number, table.title("github"),
                           f"@{person.github} is listed twice (also on row "
                           f"{people[person.key].row}).")
            continue
        people[person.key] = person
    return people


def parse_person(table: Table, row_number: int, row: list[Cell],
                 findings: Findings) -> Person | None:
    tab = table.tab.name
    values = {name: text(table.cell(row, name))
              for name in (*PEOPLE_HEADERS, "slack id")}
    if not cells_are_clean(table, row_number, row, (*PEOPLE_HEADERS, "slack id"), findings):
        return None
    ok = True
    handle = values["github"].removeprefix("@")
    if not GITHUB_LOGIN.match(handle):
        ok = False
        findings.error("invalid-handle", tab, row_number, table.title("github"),
                       f'"{values["github"]}" is not a valid GitHub username.'
                       if handle else "the GitHub username is empty.")
    if not values["name"]:
        ok = False
        findings.error("missing-value", tab, row_number, table.title("name"),
                       "the Name is empty.")
    if not EMAIL.match(values["email"]):
        ok = False
        findings.error("bad-email", tab, row_number, table.title("email"),
                       f'"{values["email"]}" is not an email address.'
                       if values["email"] else "the Email is empty.")
    if not known_timezone(values["timezone"]):
        ok = False
        findings.error("unknown-timezone", tab, row_number, table.title("timezone"),
                       f'"{values["timezone"]}" is not a timezone name; use one such as '
                       "Europe/Berlin or America/Los_Angeles.")
    slack_id = values["slack id"] or None
    if slack_id is not None and not SLACK_ID.match(slack_id):
        ok = False
        findings.error("bad-slack-id", tab, row_number, table.title("slack id"),
                       f'"{slack_id}" is not a Slack member ID (it looks like U012AB3CD).')
    if not ok:
        return None
    return Person(github=handle, name=values["name"], email=values["email"],
                  timezone=values["timezone"], slack_id=slack_id, row=row_number)


def known_timezone(name: str) -> bool:
    if not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


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


# -- rotations ---------------------------------------------------------------------------
def engineer_columns(table: Table) -> list[str]:
    """`Engineers` and/or `Engineer 1..N`, in slot order."""
    numbered = sorted((int(match.group(1)), name) for name in table.columns
                      if (match := ENGINEER_N.match(name)))
    names = ["engineers"] if "engineers" in table.columns else []
    return names + [name for _, name in numbered]


def parse_rotations(table: Table, people: dict[str, Person],
                    findings: Findings) -> list[Rotation]:
    rotations = []
    for row_number, row in table.body():
        rotation = parse_rotation(table, row_number, row, people, findings)
        if rotation is not None:
            rotations.append(rotation)
    return rotations


def parse_rotation(table: Table, row_number: int, row: list[Cell],
                   people: dict[str, Person], findings: Findings) -> Rotation | None:
    start = parse_date(table, row_number, row, "start", findings)
    end = parse_date(table, row_number, row, "end", findings)
    slots = parse_slots(table, row_number, row, people, findings)
    if start is None or end is None:
        return None
    if end < start:
        findings.error("end-before-start", table.tab.name, row_number, table.title("end"),
                       f"End {end} is before Start {start}.")
        return None
    return Rotation(start=start, end=end, slots=tuple(slots or ()), row=row_number)


def parse_date(table: Table, row_number: int, row: list[Cell], name: str,
               findings: Findings) -> date | None:
    cell = table.cell(row, name)
    column = table.title(name)
    value = text(cell)
    problem = cell_problem(value, newline_ok=False) if isinstance(cell, str) else None
    if problem:
        findings.error(problem[0], table.tab.name, row_number, column, problem[1])
        return None
    parsed = to_date(cell)
    if parsed is None:
        if not value:
            findings.error("missing-date", table.tab.name, row_number, column,
                           f"{column} is empty; every rotation needs a Start and an End date.")
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


def parse_slots(table: Table, row_number: int, row: list[Cell], people: dict[str, Person],
                findings: Findings) -> list[str | None] | None:
    """The rotation's handles in order (None for TBD), or None when any is wrong."""
    columns = engineer_columns(table)
    if not cells_are_clean(table, row_number, row, columns, findings, newline_ok=("engineers",)):
        return None
    slots: list[str | None] = []
    ok = True
    seen: dict[str, str] = {}
    for name in columns:
        for token in split_handles(text(table.cell(row, name))):
            slot = check_handle(token, table, row_number, name, people, seen, findings)
            ok = ok and slot is not False
            if slot is not False:
                slots.append(slot)
    return slots if ok else None


def split_handles(value: str) -> list[str]:
    return [token.strip() for token in re.split(r"[,\n\r]", value) if token.strip()]


def check_handle(token: str, table: Table, row_number: int, column: str,
                 people: dict[str, Person], seen: dict[str, str],
                 findings: Findings) -> str | Literal[False] | None:
    """The handle, None for TBD, or False after reporting what is wrong with it."""
    tab, title = table.tab.name, table.title(column)
    if token.upper() == "TBD":
        return None
    handle = token.removeprefix("@")
    if not GITHUB_LOGIN.match(handle):
        findings.error("invalid-handle", tab, row_number, title,
                       f'"{token}" is not a valid GitHub username.')
        return False
    if handle.lower() not in people:
        findings.error("unknown-handle", tab, row_number, title,
                       f"@{handle} is not on the People tab; add them there first.")
        return False
    if handle.lower() in seen:
        findings.error("duplicate-engineer", tab, row_number, title,
                       f"@{handle} is listed twice in this rotation.")
        return False
    seen[handle.lower()] = handle
    return people[handle.lower()].github


# -- rules across rotations --------------------------------------------------------------
def check_sequence(rotations: list[Rotation], tab: str, findings: Findings) -> None:
    """Overlaps are errors; gaps between consecutive rotations are warnings."""
    previous: Rotation | None = None
    for rotation in sorted(rotations, key=lambda r: (r.start, r.row or 0)):
        if previous is not None and rotation.start <= previous.end:
            findings.error("overlap", tab, rotation.row, "Start",
                           f"{rotation.label} overlaps row {previous.row} ({previous.label}).")
        elif previous is not None and rotation.start > previous.end + timedelta(days=1):
            first_gap = previous.end + timedelta(days=1)
            last_gap = rotation.start - timedelta(days=1)
            findings.warning("gap", tab, rotation.row, "Start",
                             f"nobody is on rotation from {first_gap} to {last_gap} "
                             f"(between row {previous.row} and row {rotation.row}).")
        if previous is None or rotation.end > previous.end:
            previous = rotation


def check_rotations(rotations: list[Rotation], people: dict[str, Person], clock: Clock,
                    tab: str, table: Table, findings: Findings) -> None:
    if not rotations and not findings.has_errors:
        findings.error("empty-roster", tab, None, None,
                       "there is no rotation at all; refusing to sync an empty roster "
                       "(was the tab cleared, renamed or filtered?).")
        return
    engineers_title = table.title(engineer_columns(table)[0])
    for rotation in rotations:
        check_length(rotation, tab, table.title("end"), findings)
        check_team(rotation, clock, tab, engineers_title, findings)
        check_coverage(rotation, people, clock, tab, engineers_title, findings)
    if rotations and not any(r.is_current(clock.now, clock.handoff, clock.tz)
                             for r in rotations):
        findings.warning("no-current-rotation", tab, None, None,
                         f"no rotation covers today ({clock.today}), so nobody is on call.")


def check_length(rotation: Rotation, tab: str, column: str, findings: Findings) -> None:
    days = (rotation.end - rotation.start).days + 1
    if not MIN_DAYS <= days <= MAX_DAYS:
        findings.warning("rotation-length", tab, rotation.row, column,
                         f"{rotation.label} lasts {describe_days(days)}; rotations are "
                         "meant to last 4 to 10 weeks.")


def describe_days(days: int) -> str:
    weeks, rest = divmod(days, 7)
    parts = [f"{weeks} week{'s' * (weeks != 1)}"] if weeks else []
    parts += [f"{rest} day{'s' * (rest != 1)}"] if rest or not weeks else []
    return " and ".join(parts)


def check_team(rotation: Rotation, clock: Clock, tab: str, column: str,
               findings: Findings) -> None:
    if len(rotation.slots) != TEAM_SIZE:
        findings.warning("engineer-count", tab, rotation.row, column,
                         f"{rotation.label} has {len(rotation.slots)} engineer slot"
                         f"{'s' * (len(rotation.slots) != 1)}; {TEAM_SIZE} is the target.")
    starts_soon = rotation.start <= clock.today + TBD_HORIZON and rotation.end >= clock.today
    if rotation.tbd_count and starts_soon:
        findings.warning("unfilled-soon", tab, rotation.row, column,
                         f"{rotation.label} starts within 14 days and still has "
                         f"{rotation.tbd_count} TBD slot{'s' * (rotation.tbd_count != 1)}.")


def check_coverage(rotation: Rotation, people: dict[str, Person], clock: Clock, tab: str,
                   column: str, findings: Findings) -> None:
    """All engineers within 3 hours of each other leaves most of the day uncovered."""
    if len(rotation.engineers) < 2:
        return
    moment = rotation.begins(clock.handoff, clock.tz)
    offsets = sorted(utc_offset(people[h.lower()].timezone, moment) for h in rotation.engineers)
    if offsets[-1] - offsets[0] <= NARROW_SPREAD:
        spread = format_offset(offsets[0]) if offsets[0] == offsets[-1] else \
            f"between {format_offset(offsets[0])} and {format_offset(offsets[-1])}"
        findings.warning("timezone-coverage", tab, rotation.row, column,
                         f"all engineers of {rotation.label} are {spread}; broad timezone "
                         "coverage is preferred.")
