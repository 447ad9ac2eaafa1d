"""`rotation-sync init --from-handbook`: a starter roster from the handbook page's table.

A team adopting the tool already has a page; its rows become the Rotations tab and its
handles the People tab (Name, Email and Timezone left for the manager), so the first sync
keeps every row instead of refusing a mass delete. A roster that has rows is never
overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync.clients.files import write_atomically
from sync.config.model import Config
from sync.config.sections import CsvSource
from sync.core.tabs.raw import Cell
from sync.errors import ConfigError, Outcome, RotationSyncError, SourceError
from sync.run.factory import Wiring
from sync.run.preflight import check_secrets
from sync.sources.csv import read_tab, to_csv
from sync.targets.handbook.dates import Unreadable, read_ranges, read_slots
from sync.targets.handbook.model import Page, page_of, page_rows

ROTATIONS_HEADER = ["Start", "End", "Engineers"]
PEOPLE_HEADER = ["GitHub", "Name", "Email", "Timezone", "Slack ID"]
FIRST_ROW = 3  # the header and the delimiter row come first


class UnreadableRows(RotationSyncError):
    """Rows of the page that would be lost: nothing is written (exit 1, like a bad roster)."""

    exit_code = Outcome.INVALID_ROSTER


@dataclass(frozen=True)
class Starter:
    """The roster the page implies: one Rotations row per table row, one People row per
    handle. `problems` name each page line that could not be read (then nothing is
    written)."""

    rotations: list[list[str]]
    people: list[list[str]]
    problems: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"rotations": len(self.rotations) - 1,
                "people": [row[0] for row in self.people[1:]]}


def starter_roster(page: Page) -> Starter:
    """Every row of the table becomes a Rotations row or a problem naming its page line."""
    rotations, handles, problems = [ROTATIONS_HEADER], {}, []
    rows = page_rows(page.table)
    first_line = page.before.count("\n") + FIRST_ROW
    for line, row, dates in zip(range(first_line, first_line + len(rows)), rows,
                                read_ranges([row.rotation for row in rows]), strict=True):
        try:
            if isinstance(dates, Unreadable):
                raise dates
            slots = [slot or "TBD" for slot in read_slots(row.engineers)]
        except Unreadable as problem:
            problems.append(f"page line {line}: {problem}.")
            continue
        rotations.append([dates.start.isoformat(), dates.end.isoformat(), ", ".join(slots)])
        handles.update({s.lower(): s for s in slots if s != "TBD"})
    people = [PEOPLE_HEADER] + [[handle, "", "", "", ""] for handle in handles.values()]
    return Starter(rotations, people, problems)


def adopt_handbook(config: Config) -> Starter:
    """Read the page's table, refuse a roster with rows, write the starter roster."""
    check_secrets(config, {"handbook"})
    handbook = Wiring(config).targets({"handbook"}).get("handbook")
    if handbook is None:
        raise ConfigError("init --from-handbook reads the handbook page: add a [handbook] "
                          "section to the config first.")
    starter = starter_roster(page_of(handbook.read()))
    if starter.problems:
        raise UnreadableRows(
            "The handbook page's Rotations table has rows rotation-sync cannot read, so "
            "nothing was written (no row of the page may be lost). Fix them on the page, "
            "then run init --from-handbook again:\n  " + "\n  ".join(starter.problems))
    if len(starter.rotations) == 1:
        raise ConfigError("The handbook page's Rotations table has no row: there is nothing "
                          "to start a roster from.")
    write_starter(config, starter)
    return starter


def write_starter(config: Config, starter: Starter) -> None:
    source = config.source
    if isinstance(source, CsvSource):
        files = {"Rotations": source.rotations, "People": source.people}
        refuse_rows({tab: csv_rows(tab, path) for tab, path in files.items()},
                    {tab: str(path) for tab, path in files.items()})
        write_atomically(source.rotations, to_csv(starter.rotations))
        write_atomically(source.people, to_csv(starter.people))
        return
    from sync.sources.sheets import SheetsSource

    sheet = SheetsSource(source.spreadsheet_id, source.rotations_tab, source.people_tab,
                         endpoint=source.sheets_endpoint, writable=True)
    tabs = {"Rotations": source.rotations_tab, "People": source.people_tab}
    refuse_rows({tab: sheet.tab_rows(name) or [] for tab, name in tabs.items()},
                {tab: f"the '{name}' tab" for tab, name in tabs.items()})
    sheet.replace_tab(source.rotations_tab, starter.rotations)
    sheet.replace_tab(source.people_tab, starter.people)


def csv_rows(tab: str, path: Any) -> list[list[Cell]]:
    try:
        return read_tab(tab, path).rows
    except SourceError:
        if path.exists():
            raise
        return []  # a file that does not exist yet is an empty roster


def refuse_rows(tabs: dict[str, list[list[Cell]]], where: dict[str, str]) -> None:
    """A roster with any row below its header is the manager's: never overwrite it."""
    full = [f"{where[tab]} has {count} row(s)" for tab, rows in tabs.items()
            if (count := sum(1 for row in rows[1:] if any(str(c or "").strip() for c in row)))]
    if full:
        raise ConfigError("The roster is not empty (" + "; ".join(full) + "): init "
                          "--from-handbook only writes a new roster and never overwrites "
                          "one. Empty it first, or add the page's rows by hand.")
