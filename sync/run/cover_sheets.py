"""The Overrides tab of a Google Sheet, for cover requests: read it, append one row with
`values.append` (RAW, so a note is never a formula). Needs the read-write spreadsheets
scope; the service account must be an Editor of the sheet."""

from __future__ import annotations

from typing import Any

from sync.clients.google import classify
from sync.clients.retry import Retryable
from sync.config.model import Config
from sync.config.sections import SheetsSource as SheetsSection
from sync.core.tabs.raw import Cell
from sync.errors import SourceError
from sync.sources.sheets import SheetsSource, quote_tab


class SheetsRows:
    def __init__(self, config: Config) -> None:
        section = config.source
        assert isinstance(section, SheetsSection) and section.overrides_tab is not None
        self.tab = section.overrides_tab
        self.source = SheetsSource(section.spreadsheet_id, section.rotations_tab,
                                   section.people_tab, endpoint=section.sheets_endpoint,
                                   writable=True, overrides_tab=self.tab)

    def rows(self) -> list[list[Cell]]:
        rows = self.source.tab_rows(self.tab)
        if rows is None:
            raise SourceError(f"The spreadsheet has no tab named '{self.tab}'; set [source] "
                              "overrides_tab.")
        return rows

    def append(self, row: list[str]) -> None:
        """One values.append attempt: the retry is around reading and appending together
        (sync.run.cover_rows.write_once), so an unconfirmed append is not repeated."""
        body: dict[str, Any] = {"majorDimension": "ROWS", "values": [row]}
        self.source.http.values_append(
            self.source.spreadsheet_id, f"{quote_tab(self.tab)}!A1",
            params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, body=body)

    def retryable(self, error: Exception) -> Retryable:
        return classify(error)

    def failure(self, error: Exception) -> SourceError:
        if isinstance(error, SourceError):
            return error
        return SourceError(f"Google Sheets did not take the Overrides row ({error}); the "
                           "request stays open and the row is written at the next try. The "
                           f"service account {self.source.email} must be an Editor of the "
                           "sheet.")
