"""The one Overrides row a finished cover request writes: appended to the CSV file, or with
Sheets `values.append`. Before every attempt the tab is read again, so a row that is
already there (an earlier attempt that Google did not confirm, a restart after the append,
a manager who typed it) is never appended twice."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from sync.clients.retry import Retryable, with_retry
from sync.config.model import Config
from sync.config.sections import CsvSource
from sync.core.cover.request import CoverRequest, same
from sync.core.tabs.cells import normalise, text
from sync.core.tabs.dates import to_date
from sync.core.tabs.raw import Cell
from sync.errors import ConfigError, RotationSyncError, SourceError

COLUMNS = ("start", "end", "engineer", "cover", "note")


class OverridesRows(Protocol):
    def rows(self) -> list[list[Cell]]: ...

    def append(self, row: list[str]) -> None: ...

    def retryable(self, error: Exception) -> Retryable: ...

    def failure(self, error: Exception) -> RotationSyncError: ...


def overrides_rows(config: Config) -> OverridesRows:
    """Exit 2 naming the key when the roster has no Overrides tab or file."""
    source = config.source
    if isinstance(source, CsvSource):
        if source.overrides is None:
            raise ConfigError("Cover requests write an Overrides row: set [source] overrides "
                              "to the Overrides CSV file.")
        return CsvRows(source.overrides)
    if source.overrides_tab is None:
        raise ConfigError("Cover requests write an Overrides row: set [source] overrides_tab "
                          "to the Overrides tab.")
    from sync.run.cover_sheets import SheetsRows

    return SheetsRows(config)


def write_once(rows: OverridesRows, request: CoverRequest) -> bool:
    """Read, then append only if missing, retried as a whole like any write."""
    try:
        return with_retry(lambda: write_row(rows, request), rows.retryable,
                          f"appending the Overrides row of cover request {request.id}")
    except Exception as error:
        raise rows.failure(error) from error


def write_row(rows: OverridesRows, request: CoverRequest) -> bool:
    """Append the request's row unless the tab states it already; True when appended."""
    existing = rows.rows()
    if states(existing, request):
        return False
    rows.append(row_for(existing[0] if existing else [], request))
    return True


def states(rows: Sequence[Sequence[Cell]], request: CoverRequest) -> bool:
    """A row naming the request, or stating the same override (days, engineer, cover)."""
    if not rows:
        return False
    index = {normalise(title): n for n, title in enumerate(rows[0])}

    def cell(row: Sequence[Cell], name: str) -> Cell:
        n = index.get(name)
        return row[n] if n is not None and n < len(row) else None

    for row in rows[1:]:
        if text(cell(row, "note")).startswith(f"cover request {request.id}") and \
                same(text(cell(row, "engineer")).removeprefix("@"), request.engineer):
            return True
        if (to_date(cell(row, "start")), to_date(cell(row, "end"))) == (request.first,
                                                                          request.last) \
                and same(text(cell(row, "engineer")).removeprefix("@"), request.engineer) \
                and same(text(cell(row, "cover")).removeprefix("@"), request.taken_by):
            return True
    return False


def row_for(header: Sequence[Cell], request: CoverRequest) -> list[str]:
    """The row in the tab's own column order (a new tab gets the contract's)."""
    values = {"start": request.first.isoformat(), "end": request.last.isoformat(),
              "engineer": request.engineer, "cover": request.taken_by or "",
              "note": request.row_note()}
    titles = [normalise(title) for title in header] or list(COLUMNS)
    return [values.get(title, "") for title in titles]


class CsvRows:
    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self) -> list[list[Cell]]:
        if not self.path.exists():
            return []
        data = self.path.read_text(encoding="utf-8-sig")
        return [list(row) for row in csv.reader(io.StringIO(data))]

    def append(self, row: list[str]) -> None:
        """A new file gets the header; a last line without a line break gets one first."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if not self.path.exists():
            writer.writerow([title.title() for title in COLUMNS])
        elif not self.path.read_bytes().endswith(b"\n"):
            buffer.write("\n")
        writer.writerow(row)
        with self.path.open("a", encoding="utf-8") as stream:
            stream.write(buffer.getvalue())

    def retryable(self, error: Exception) -> Retryable:
        return Retryable(False)  # a local file: a failure is the admin's to fix

    def failure(self, error: Exception) -> RotationSyncError:
        if isinstance(error, RotationSyncError):
            return error
        return SourceError(f"The Overrides file {self.path} cannot be written: {error}")
