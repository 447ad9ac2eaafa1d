"""The Sheets calls behind cell notes and the protected status tab.

Both need to know the tabs' numeric ids, which the roster's one `values:batchGet` does not
return; so they cost a `spreadsheets.get`, asked only on runs that have something to change
(the callers remember what they did in the state store, so a no-op run asks nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sync.sources.sheets import SheetsSource, quote_tab

CellKey = tuple[str, int, int]  # tab title, sheet row (header = 1), column index (A = 0)
PROTECTION_NOTE = "rotation-sync rewrites this tab on every run"


@dataclass(frozen=True)
class TabNotes:
    """The tabs' ids by title and every note found on them."""

    sheet_ids: dict[str, int]
    notes: dict[CellKey, str]


def read_notes(source: SheetsSource, tabs: Iterable[str]) -> TabNotes:
    """One spreadsheets.get: the tabs' ids and their notes (no values)."""
    body = source.send(lambda: source.http.fetch_sheet_metadata(source.spreadsheet_id, params={
        "ranges": [quote_tab(tab) for tab in tabs],
        "fields": "sheets(properties(sheetId,title),data(rowData(values(note))))"}),
        "reading the cell notes")
    ids: dict[str, int] = {}
    notes: dict[CellKey, str] = {}
    for sheet in body.get("sheets") or []:
        title = str(sheet.get("properties", {}).get("title", ""))
        ids[title] = int(sheet.get("properties", {}).get("sheetId", 0))
        for grid in sheet.get("data") or []:
            notes.update(grid_notes(title, grid))
    return TabNotes(ids, notes)


def grid_notes(title: str, grid: Mapping[str, Any]) -> dict[CellKey, str]:
    row0, col0 = int(grid.get("startRow", 0)), int(grid.get("startColumn", 0))
    found: dict[CellKey, str] = {}
    for r, row in enumerate(grid.get("rowData") or []):
        for c, cell in enumerate((row or {}).get("values") or []):
            if (cell or {}).get("note"):
                found[(title, row0 + r + 1, col0 + c)] = str(cell["note"])
    return found


def write_notes(source: SheetsSource, sheet_ids: Mapping[str, int],
                notes: Mapping[CellKey, str | None]) -> None:
    """One spreadsheets.batchUpdate setting (text) or clearing (None) each cell's note."""
    requests = [{"updateCells": {
        "start": {"sheetId": sheet_ids[tab], "rowIndex": row - 1, "columnIndex": col},
        "rows": [{"values": [{"note": text} if text else {}]}], "fields": "note"}}
        for (tab, row, col), text in notes.items()]
    source.send(lambda: source.http.batch_update(source.spreadsheet_id, {"requests": requests}),
                "writing the cell notes", writing=True)


def protect_tab(source: SheetsSource, tab: str) -> bool:
    """Make `tab` editable only by the service account; False if it was already protected.
    One spreadsheets.get, and one batchUpdate only when the protection is missing.

    Only a protection of that tab's own whole range counts: a person's protection of its
    header row, or of another tab, leaves the status tab open to edits."""
    body = source.send(lambda: source.http.fetch_sheet_metadata(source.spreadsheet_id, params={
        "ranges": [quote_tab(tab)],
        "fields": "sheets(properties(sheetId,title),protectedRanges)"}),
        "reading the status tab's protection")
    sheets = body.get("sheets") or [{}]
    sheet = next((s for s in sheets if s.get("properties", {}).get("title") == tab), sheets[0])
    sheet_id = int(sheet.get("properties", {}).get("sheetId", 0))
    if any(guards_whole_tab(p, sheet_id) for p in sheet.get("protectedRanges") or []):
        return False
    protected = {"range": {"sheetId": sheet_id}, "description": PROTECTION_NOTE,
                 "warningOnly": False, "editors": {"users": [source.email]}}
    source.send(lambda: source.http.batch_update(source.spreadsheet_id, {"requests": [
        {"addProtectedRange": {"protectedRange": protected}}]}),
        "protecting the status tab", writing=True)
    return True


def guards_whole_tab(protection: Mapping[str, Any], sheet_id: int) -> bool:
    """An enforced protection whose range is the tab itself (no row or column bounds)."""
    where = protection.get("range") or {}
    bounded = any(key in where for key in ("startRowIndex", "endRowIndex",
                                           "startColumnIndex", "endColumnIndex"))
    return (not protection.get("warningOnly") and int(where.get("sheetId", 0)) == sheet_id
            and not bounded)
