"""Rules that turn the raw tabs into a Roster, and everything wrong with them into Findings.

Row numbers are the sheet's (header = row 1) and column names are the manager's own header
text, so every message points at a cell the manager can click.
"""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.core.findings import Finding, Findings
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Person, Roster, Rotation
from sync.core.planner.people import PLANNING_COLUMNS, read_planning
from sync.core.rules.rotations import check_rotations, check_sequence
from sync.core.tabs.cells import (
    Table,
    cells_are_clean,
    engineer_columns,
    normalise,
    oversized_cells,
    read_readable,
    text,
)
from sync.core.tabs.dates import parse_date
from sync.core.tabs.emails import email_problem
from sync.core.tabs.handles import (
    GITHUB_LOGIN,
    KnownPeople,
    invalid_handle_message,
    split_handles,
    unknown_handle_message,
)
from sync.core.tabs.overrides import check_uncovered, parse_overrides
from sync.core.tabs.raw import Cell, RawRoster, RawTab
from sync.core.tabs.time_off_tab import parse_time_off

COUNTRY = re.compile(r"^[A-Za-z]{2}$")  # ISO 3166-1 alpha-2, for [time_off] holidays
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")

EMPTY_ROSTER = ("there is no rotation at all; refusing to sync an empty roster (was the tab "
                "cleared, renamed or filtered?).")
ROTATION_HEADERS = ("start", "end")
PEOPLE_HEADERS = ("github", "name", "email", "timezone")
PEOPLE_OPTIONAL = ("slack id", "country", *PLANNING_COLUMNS)


# -- entry point -------------------------------------------------------------------------
def validate(raw: RawRoster, clock: Clock) -> tuple[Roster | None, list[Finding]]:
    """Parse and check the roster; the Roster is None when any error was found."""
    roster, findings = check_roster(raw, clock)
    return (None if any(f.severity == "error" for f in findings) else roster), findings


def check_roster(raw: RawRoster, clock: Clock) -> tuple[Roster | None, list[Finding]]:
    """Every tab checked, whatever the others hold, and the roster of what could be read
    (None when the Rotations or People tab cannot be read at all). A cleared Rotations tab
    is `empty-roster` alone: every other finding would follow from it."""
    if is_empty(raw.rotations):
        return None, [Finding("error", "empty-roster", raw.rotations.name, None, None,
                              f"{raw.rotations.name}: {EMPTY_ROSTER}")]
    findings = Findings()
    rotations_table = rotations_of(raw.rotations, findings)
    people_table = read_readable(raw.people, PEOPLE_HEADERS, findings)
    known = KnownPeople({}, unreadable=True)
    if people_table is not None:
        oversized_cells(people_table, (*PEOPLE_HEADERS, "slack id"), findings)
        known = parse_people(people_table, findings)
    rotations: list[Rotation] = []
    partial: set[int] = set()
    if rotations_table is not None:
        oversized_cells(rotations_table,
                        (*ROTATION_HEADERS, *engineer_columns(rotations_table)), findings)
        rotations, partial = parse_rotations(rotations_table, known, findings)
        check_sequence(rotations, raw.rotations.name, findings, today=clock.today)
    complete = rotations_table is not None and not any(
        f.severity == "error" and f.tab == raw.rotations.name for f in findings.items)
    time_off = parse_time_off(raw.time_off, known, findings)
    overrides = parse_overrides(raw.overrides, known, rotations, findings, complete)
    roster = Roster(rotations=tuple(sorted(rotations, key=lambda r: r.start)),
                    people=known.people, timezone=clock.tz.key, handoff_time=clock.handoff,
                    overrides=overrides, time_off=time_off)
    readable = rotations_table is not None and people_table is not None
    if rotations_table is not None and people_table is not None:
        check_rotations(roster, clock, raw.rotations.name, rotations_table, findings,
                        skip=frozenset(partial))
        if raw.overrides is not None:
            check_uncovered(roster, clock, raw.overrides.name, cover_title(raw.overrides),
                            findings)
    return (roster if readable else None), in_order(findings.items, raw)


def is_empty(tab: RawTab) -> bool:
    """No cell below the header holds anything (a cleared, renamed or filtered tab)."""
    return not tab.problems and not any(text(cell) for row in tab.rows[1:] for cell in row)


def rotations_of(tab: RawTab, findings: Findings) -> Table | None:
    table = read_readable(tab, ROTATION_HEADERS, findings)
    if table is not None and not engineer_columns(table):
        findings.error("missing-header", tab.name, 1, "Engineers",
                       'the header row needs an "Engineers" column (or "Engineer 1", '
                       '"Engineer 2", …).')
        return None
    return table


def in_order(findings: list[Finding], raw: RawRoster) -> list[Finding]:
    """Errors first; People before Rotations (their errors are causes), then the rest."""
    tabs = [raw.people.name, raw.rotations.name]
    return sorted(findings, key=lambda f: (
        f.severity != "error", tabs.index(f.tab) if f.tab in tabs else len(tabs),
        f.row is None, f.row or 0))


def cover_title(tab: RawTab) -> str:
    """The Cover column's header as the manager typed it."""
    header = tab.rows[0] if tab.rows else []
    return next((text(cell) for cell in header if normalise(cell) == "cover"), "Cover")



def parse_people(table: Table, findings: Findings) -> KnownPeople:
    """The valid People rows, and the handles of rows that were reported as wrong."""
    people: dict[str, Person] = {}
    rejected: set[str] = set()
    for row_number, row in table.body():
        person = parse_person(table, row_number, row, findings)
        if person is None:
            rejected.add(text(table.cell(row, "github")).removeprefix("@").lower())
            continue
        if person.key in people:
            findings.error("duplicate-person", table.tab.name, row_number, table.title("github"),
                           f"@{person.github} is listed twice (also on row "
                           f"{people[person.key].row}).")
            continue
        if shared_email(person, people, table, findings):
            continue
        people[person.key] = person
    return KnownPeople(people, frozenset(rejected - people.keys()))


def parse_person(table: Table, row_number: int, row: list[Cell],
                 findings: Findings) -> Person | None:
    tab = table.tab.name
    values = {name: text(table.cell(row, name)) for name in (*PEOPLE_HEADERS, *PEOPLE_OPTIONAL)}
    if not cells_are_clean(table, row_number, row, (*PEOPLE_HEADERS, *PEOPLE_OPTIONAL),
                           findings):
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
    if (why := email_problem(values["email"]) if values["email"] else "is empty"):
        ok = False
        findings.error("bad-email", tab, row_number, table.title("email"),
                       f'the Email "{values["email"]}" {why}.' if values["email"]
                       else "the Email is empty.")
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
    country = values["country"].upper() or None
    if country is not None and not COUNTRY.match(country):  # one cause, one finding:
        country = None  # the person stays, so their rotations get no unknown-handle
        findings.error("bad-country", tab, row_number, table.title("country"),
                       f'"{values["country"]}" is not a two-letter country code (ISO 3166, '
                       "e.g. DE, NG, US).")
    planning = read_planning(table, row_number, row, findings)
    if not ok:
        return None
    return Person(github=handle, name=values["name"], email=values["email"],
                  timezone=values["timezone"], slack_id=slack_id, country=country,
                  eligible=planning.eligible, team=planning.team, due_by=planning.due_by,
                  row=row_number)


def shared_email(person: Person, people: dict[str, Person], table: Table,
                 findings: Findings) -> bool:
    """Two people with one email: Slack finds one account for both, so the group would
    change every run."""
    other = next((p for p in people.values() if p.email.lower() == person.email.lower()), None)
    if other is not None:
        findings.error("duplicate-email", table.tab.name, person.row, table.title("email"),
                       f"{person.email} is also the Email of @{other.github} (row "
                       f"{other.row}); each person needs their own address.")
    return other is not None


def known_timezone(name: str) -> bool:
    if not name or name != name.strip() or len(name) > 64 or not name.isascii():
        return False  # (a long or odd name would reach the file system: "name too long")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


# -- rotations ---------------------------------------------------------------------------
def parse_rotations(table: Table, known: KnownPeople,
                    findings: Findings) -> tuple[list[Rotation], set[int]]:
    """The rotations, and the rows whose engineers had an error (their slot count and
    coverage are not checked: the error says what is wrong)."""
    rotations, partial = [], set()
    for row_number, row in table.body():
        rotation, complete = parse_rotation(table, row_number, row, known, findings)
        if rotation is not None:
            rotations.append(rotation)
        if not complete:
            partial.add(row_number)
    return rotations, partial


def parse_rotation(table: Table, row_number: int, row: list[Cell], known: KnownPeople,
                   findings: Findings) -> tuple[Rotation | None, bool]:
    """The rotation (None when its dates are wrong), and whether all its people are known."""
    start = parse_date(table, row_number, row, "start", findings)
    end = parse_date(table, row_number, row, "end", findings)
    slots = parse_slots(table, row_number, row, known, findings)
    complete = slots is not None and all(h is None or h.lower() in known.people
                                         for h in slots)
    if start is None or end is None:
        return None, complete
    if end < start:
        findings.error("end-before-start", table.tab.name, row_number, table.title("end"),
                       f"End {end} is before Start {start}.")
        return None, complete
    return Rotation(start=start, end=end, slots=tuple(slots or ()), row=row_number), complete


def parse_slots(table: Table, row_number: int, row: list[Cell], known: KnownPeople,
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
            slot = check_handle(token, table, row_number, name, known, seen, findings)
            ok = ok and slot is not False
            if slot is not False:
                slots.append(slot)
    return slots if ok else None


def check_handle(token: str, table: Table, row_number: int, column: str,
                 known: KnownPeople, seen: dict[str, str],
                 findings: Findings) -> str | Literal[False] | None:
    """The handle, None for TBD, or False after reporting what is wrong with it. A person
    whose People row is wrong counts as named: their row's error says why."""
    tab, title = table.tab.name, table.title(column)
    if token.upper() == "TBD":
        return None
    handle = token.removeprefix("@")
    if not GITHUB_LOGIN.match(handle):
        findings.error("invalid-handle", tab, row_number, title,
                       invalid_handle_message(token, known))
        return False
    if not known.knows(handle):
        findings.error("unknown-handle", tab, row_number, title,
                       unknown_handle_message(handle, known))
        return False
    if handle.lower() in seen:
        findings.error("duplicate-engineer", tab, row_number, title,
                       f"@{handle} is listed twice in this rotation.")
        return False
    seen[handle.lower()] = handle
    person = known.people.get(handle.lower())
    return person.github if person else handle


