"""`propose --write` on Google Sheets: the whole Proposed tab replaced in one
`spreadsheets.batchUpdate` (an `addSheet` first when the tab is missing, then one
`updateCells` over the whole tab, which clears every cell the proposal does not fill).

One metadata read finds the tab; the write is a single request, within the contract's
"at most 2". Cells are written as text, so nothing a roster holds can become a formula.
"""

from __future__ import annotations

from typing import Any

from sync.config.model import Config
from sync.config.sections import SheetsSource as SheetsSection
from sync.run.factory import google_subject
from sync.sources.sheets import READ_WRITE_SCOPE, SheetsSource


def replace_proposed_tab(config: Config, rows: list[list[str]]) -> None:
    from sync.clients.google import credentials

    section = config.source
    assert isinstance(section, SheetsSection)
    creds = credentials([READ_WRITE_SCOPE], google_subject(config))
    source = SheetsSource.from_config(section, creds, google_subject(config))
    tab = config.propose.tab
    source.status_tab, source.written_for = tab, "rotation-sync propose --write"  # for errors
    sheets = source.send(lambda: source.http.fetch_sheet_metadata(
        source.spreadsheet_id, params={"includeGridData": "false",
                                       "fields": "sheets.properties(sheetId,title)"}),
        f"finding the '{tab}' tab")
    properties = [sheet.get("properties", {}) for sheet in sheets.get("sheets", [])]
    sheet_id = next((p.get("sheetId") for p in properties
                     if str(p.get("title", "")).lower() == tab.lower()), None)
    requests: list[dict[str, Any]] = []
    if sheet_id is None:  # created on first use, with an id we choose for the same request
        sheet_id = 1 + max((int(p.get("sheetId", 0)) for p in properties), default=0)
        requests.append({"addSheet": {"properties": {"title": tab, "sheetId": sheet_id}}})
    requests.append({"updateCells": {"range": {"sheetId": sheet_id},
                                     "rows": [{"values": [text_cell(v) for v in row]}
                                              for row in rows],
                                     "fields": "userEnteredValue"}})
    source.send(lambda: source.http.batch_update(source.spreadsheet_id,
                                                 {"requests": requests}),
                f"writing the '{tab}' tab", writing=True)


def text_cell(value: str) -> dict[str, Any]:
    return {"userEnteredValue": {"stringValue": value}}
