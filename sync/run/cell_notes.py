"""Findings on the cells (`[source] cell_notes = true`) and the protected status tab.

A manager fixes what they see where they are looking: each finding that names a row and a
column becomes a note on that very cell, beginning with `rotation-sync: `. A note is ours
only when the state store records that we wrote that very text on that cell: those whose
finding is gone are cleared. Any other note is a person's (even one that begins with
"rotation-sync:", or ours once a person edited it) and is never changed: their cell gets no
note of ours.

The request budget: the notes a run wants are compared with the notes the last run left
(remembered in the state store), so a run whose findings did not change makes no request at
all. Otherwise one spreadsheets.get reads the tabs' current notes and ids, and one
spreadsheets.batchUpdate writes every change; none when the notes are already right.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from sync.clients.secrets import redact
from sync.config.model import Config
from sync.config.sections import SheetsSource as SheetsSection
from sync.core.findings import Finding
from sync.core.tabs.raw import RawRoster, RawTab
from sync.run.engine import Engine, RunResult
from sync.run.state import StateStore

if TYPE_CHECKING:  # gspread and google-auth load only for a Sheets source (after_run)
    from sync.sources.sheets import SheetsSource
    from sync.sources.sheets_cells import CellKey

log = logging.getLogger(__name__)

PREFIX = "rotation-sync: "


def roster_tabs(raw: RawRoster) -> list[RawTab]:
    """Every tab the source read (Rotations, People, and any tab added later)."""
    tabs = [getattr(raw, f.name) for f in dataclasses.fields(raw)]
    return [tab for tab in tabs if isinstance(tab, RawTab)]


def column_index(tab: RawTab, column: str) -> int | None:
    """Where the header the finding names is, matched as validation matches headers."""
    header = [str(cell or "").strip().lower() for cell in (tab.rows[0] if tab.rows else [])]
    wanted = column.strip().lower()
    return header.index(wanted) if wanted in header else None


def wanted_notes(findings: list[Finding], raw: RawRoster) -> dict[CellKey, str]:
    """One note per cell; several findings on one cell share it, one line each."""
    tabs = {tab.name: tab for tab in roster_tabs(raw)}
    notes: dict[CellKey, list[str]] = {}
    for finding in findings:
        tab = tabs.get(finding.tab)
        if tab is None or finding.row is None or finding.column is None:
            continue
        col = column_index(tab, finding.column)
        if col is not None:
            notes.setdefault((tab.name, finding.row, col), []).append(on_cell(finding))
    return {cell: PREFIX + "\n".join(lines) for cell, lines in notes.items()}


def on_cell(finding: Finding) -> str:
    """The message without "Rotations row 3: ": the note already sits on that cell."""
    return finding.message.removeprefix(f"{finding.tab} row {finding.row}: ")


def changes(wanted: dict[CellKey, str], found: dict[CellKey, str],
            written: dict[CellKey, str]) -> dict[CellKey, str | None]:
    """What to write: our notes that differ, ours to clear; a person's note is left alone.
    `written` is what the last run recorded writing: a found note is ours only if it is
    exactly that."""
    ours = {cell for cell, text in found.items() if written.get(cell) == text}
    cells = wanted.keys() | ours
    out: dict[CellKey, str | None] = {}
    for cell in sorted(cells):
        now = found.get(cell)
        if now is not None and cell not in ours:
            continue
        if now != wanted.get(cell):
            out[cell] = wanted.get(cell)
    return out


def memory_key(source: SheetsSource) -> str:
    return f"cell-notes:{source.spreadsheet_id}"


def as_memory(notes: dict[CellKey, str]) -> list[list[object]]:
    return [[tab, row, col, text] for (tab, row, col), text in sorted(notes.items())]


def from_memory(recorded: object) -> dict[CellKey, str]:
    """The notes the last run wrote; none when the state store has no record of them."""
    entries = recorded if isinstance(recorded, list) else []
    return {(str(e[0]), int(e[1]), int(e[2])): str(e[3]) for e in entries
            if isinstance(e, list) and len(e) == 4}


def update_cell_notes(source: SheetsSource, store: StateStore, findings: list[Finding],
                      raw: RawRoster) -> int:
    """Put the findings on their cells; the number of notes written or cleared."""
    wanted = wanted_notes(findings, raw)
    recorded = store.recall(memory_key(source))
    if recorded == as_memory(wanted):
        return 0  # as the last run left them: no request at all
    from sync.sources.sheets_cells import read_notes, write_notes

    current = read_notes(source, [tab.name for tab in roster_tabs(raw)])
    todo = changes(wanted, current.notes, from_memory(recorded))
    if todo:
        write_notes(source, current.sheet_ids, todo)
    store.remember(memory_key(source), as_memory(wanted))
    return len(todo)


def after_run(config: Config, engine: Engine, result: RunResult, store: StateStore) -> None:
    """The sheet-side feedback of a run; like the status tab, a failure here is a warning
    and never changes the run's outcome."""
    section, source = config.source, engine.source
    if not isinstance(section, SheetsSection):  # a CSV roster has no cells to annotate
        return
    from sync.sources.sheets import SheetsSource

    if not isinstance(source, SheetsSource):
        return
    try:
        if section.cell_notes and engine.raw is not None:
            update_cell_notes(source, store, result.findings, engine.raw)
        if section.protect_status_tab and section.status_tab:
            protect_status_tab(source, store, section.status_tab)
    except Exception as error:
        log.warning("The sheet's notes or protection could not be updated: %s",
                    redact(str(error)))


def protect_status_tab(source: SheetsSource, store: StateStore, tab: str) -> None:
    """Once per spreadsheet and tab: the state store remembers it was done."""
    from sync.sources.sheets_cells import protect_tab

    key = f"protected:{source.spreadsheet_id}:{tab}"
    if store.recall(key):
        return
    if protect_tab(source, tab):
        log.info("The '%s' tab is now protected: only %s may edit it.", tab, source.email)
    store.remember(key, True)
