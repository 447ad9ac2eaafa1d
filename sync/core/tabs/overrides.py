"""The Overrides tab: who is away from their rotation on which days, and who covers.

Parsed after Rotations and People, because every rule here is about them: the Engineer must
be on a rotation holding every override day, the Cover on People and not on that rotation.
The tab is checked even when the others have errors, but a person whose People row is wrong
and a rotation whose row is wrong are those rows' errors, never one more here.
"""

from __future__ import annotations

from datetime import date, timedelta

from sync.core.findings import Findings
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Override, Person, Roster, Rotation
from sync.core.tabs.cells import Table, cells_are_clean, read_readable, text
from sync.core.tabs.dates import parse_date
from sync.core.tabs.handles import GITHUB_LOGIN, KnownPeople
from sync.core.tabs.raw import Cell, RawTab

OVERRIDE_HEADERS = ("start", "end", "engineer", "cover")
TEXT_COLUMNS = ("engineer", "cover", "note")


def parse_overrides(tab: RawTab | None, known: KnownPeople, rotations: list[Rotation],
                    findings: Findings, rotations_complete: bool = True,
                    ) -> tuple[Override, ...]:
    """The tab's valid rows, sorted by start; every problem becomes a finding.
    `rotations_complete` is False when some Rotations row has an error: an override that
    fits no valid rotation may fit that row, and its error is already reported."""
    if tab is None:
        return ()
    table = read_readable(tab, OVERRIDE_HEADERS, findings)
    if table is None:
        return ()
    found: list[Override] = []
    theirs = rotations_by_engineer(rotations)
    for row_number, row in table.body():
        override = parse_override(table, row_number, row, known, findings)
        if override is not None and fits(override, table, theirs, findings,
                                         rotations_complete):
            found.append(override)
    return tuple(sorted(without_conflicts(found, table, findings), key=lambda o: o.start))


def parse_override(table: Table, row_number: int, row: list[Cell],
                   known: KnownPeople, findings: Findings) -> Override | None:
    start = parse_date(table, row_number, row, "start", findings, "override")
    end = parse_date(table, row_number, row, "end", findings, "override")
    if not cells_are_clean(table, row_number, row, TEXT_COLUMNS, findings):
        return None
    engineer_ok, engineer = person_in(table, row_number, row, "engineer", known, findings)
    cover_ok, cover = person_in(table, row_number, row, "cover", known, findings)
    if start is None or end is None or engineer is None or not (engineer_ok and cover_ok):
        return None
    if end < start:
        findings.error("end-before-start", table.tab.name, row_number, table.title("end"),
                       f"End {end} is before Start {start}.")
        return None
    if cover is not None and cover.key == engineer.key:
        findings.error("override-conflict", table.tab.name, row_number, table.title("cover"),
                       f"@{cover.github} cannot cover themselves; name who stands in for them.")
        return None
    return Override(start=start, end=end, engineer=engineer.github,
                    cover=cover.github if cover else None,
                    note=text(table.cell(row, "note")), row=row_number)


def person_in(table: Table, row_number: int, row: list[Cell], column: str,
              known: KnownPeople, findings: Findings) -> tuple[bool, Person | None]:
    """(False, None) after reporting a problem (or when the person's People row carries
    it); (True, None) for an empty or TBD Cover (nobody covers); otherwise (True, the
    person the cell names)."""
    people = known.people
    tab, title, value = table.tab.name, table.title(column), text(table.cell(row, column))
    handle = value.removeprefix("@")
    if column == "cover" and handle.upper() in ("", "TBD"):
        return True, None
    if not handle:
        findings.error("missing-value", tab, row_number, title,
                       f"{title} is empty; name the engineer who is away.")
    elif not GITHUB_LOGIN.match(handle):
        findings.error("invalid-handle", tab, row_number, title,
                       f'"{value}" is not a valid GitHub username.')
    elif known.reported(handle):
        pass  # their People row's error is the cause; the override waits for its fix
    elif handle.lower() not in people:
        findings.error("unknown-handle", tab, row_number, title,
                       f"@{handle} is not on the People tab; add them there first.")
    else:
        return True, people[handle.lower()]
    return False, None


def fits(override: Override, table: Table, theirs: dict[str, list[Rotation]],
         findings: Findings, rotations_complete: bool = True) -> bool:
    """The Engineer is on a rotation holding every override day; the Cover is not on it."""
    tab, row = table.tab.name, override.row
    rotation = rotation_of(override, theirs)
    if rotation is None and not rotations_complete:
        return False  # it may belong to a Rotations row with an error: that is the cause
    if rotation is None:
        findings.error("override-not-on-rotation", tab, row, table.title("engineer"),
                       f"@{override.engineer} is not on a rotation that holds every day from "
                       f"{override.start} to {override.end}; check the dates, or split the "
                       "override at the handoff between two rotations.")
        return False
    cover = override.cover
    if cover is not None and cover.lower() in {h.lower() for h in rotation.engineers}:
        findings.error("override-conflict", tab, row, table.title("cover"),
                       f"@{cover} is already on the rotation {rotation.label}; name someone "
                       "who is not.")
        return False
    return True


def rotations_by_engineer(rotations: list[Rotation]) -> dict[str, list[Rotation]]:
    """Each engineer's rotations, in roster order: an override is looked for among its
    engineer's only, not in the whole roster (10,000 rotations) once per override."""
    theirs: dict[str, list[Rotation]] = {}
    for rotation in rotations:
        for handle in {h.lower() for h in rotation.engineers}:
            theirs.setdefault(handle, []).append(rotation)
    return theirs


def rotation_of(override: Override, theirs: dict[str, list[Rotation]]) -> Rotation | None:
    """The first rotation of the override's engineer holding every override day."""
    return next((r for r in theirs.get(override.engineer.lower(), ())
                 if r.start <= override.start and override.end <= r.end), None)


def without_conflicts(overrides: list[Override], table: Table,
                      findings: Findings) -> list[Override]:
    """Two overrides of one engineer sharing a day: the later row is the error."""
    kept: dict[str, list[Override]] = {}
    for override in sorted(overrides, key=lambda o: o.row or 0):
        theirs = kept.setdefault(override.engineer.lower(), [])
        clash = next((o for o in theirs if o.start <= override.end and
                      override.start <= o.end), None)
        if clash is None:
            theirs.append(override)
            continue
        findings.error("override-conflict", table.tab.name, override.row, table.title("start"),
                       f"@{override.engineer} is already away from {clash.start} to "
                       f"{clash.end} (row {clash.row}); one row per day away.")
    return [override for theirs in kept.values() for override in theirs]


def check_uncovered(roster: Roster, clock: Clock, tab: str, column: str,
                    findings: Findings) -> None:
    """A warning per override that has not ended and leaves its days without a cover."""
    for override in roster.overrides:
        if override.cover is not None or override.end < clock.today:
            continue
        rotation = roster.holding(override.start)
        remaining = min(len(roster.lived(rotation, day)) for day in
                        days_of(override.start, override.end)) if rotation else 0
        findings.warning("override-uncovered", tab, override.row, column,
                         f"nobody covers @{override.engineer} from {override.start} to "
                         f"{override.end}; {remaining} engineer{'s' * (remaining != 1)} "
                         f"remain{'s' * (remaining == 1)} on rotation on those days.")


def days_of(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
