"""The roster from two CSV files laid out as the sheet's tabs (the local backend)."""

from __future__ import annotations

import csv
from pathlib import Path

from sync.clients.files import write_atomically
from sync.core.tabs.raw import RawRoster, RawTab
from sync.errors import SourceError
from sync.sources.csv_text import parse_tab

STATUS_FILE = "sync-status.csv"


class CsvSource:
    def __init__(self, rotations: Path, people: Path, overrides: Path | None = None,
                 time_off: Path | None = None) -> None:
        self.rotations = rotations
        self.people = people
        self.overrides = overrides
        self.time_off = time_off  # [time_off] file

    def read(self) -> RawRoster:
        overrides = read_tab("Overrides", self.overrides) if self.overrides else None
        time_off = read_tab("Time off", self.time_off) if self.time_off else None
        return RawRoster(read_tab("Rotations", self.rotations), read_tab("People", self.people),
                         overrides, time_off)

    def write_status(self, rows: list[list[str]]) -> None:
        write_atomically(self.rotations.parent / STATUS_FILE, to_csv(rows))


def read_tab(name: str, path: Path) -> RawTab:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"The {name} file {path} does not exist.") from None
    except OSError as error:
        raise SourceError(f"The {name} file {path} cannot be read: {error}") from None
    return parse_tab(name, path.name, data)


def to_csv(rows: list[list[str]]) -> str:
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
