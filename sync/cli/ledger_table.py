"""The ledger's per-person table, as `ledger` and `report` print it and `--csv` writes it."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from sync.cli.safe import shown
from sync.core.record.ledger import LedgerLine

CSV_HEADER = ["GitHub", "Rotations", "Days served", "Cover days given", "Days away with cover",
              "Weekend days served", "Public holidays served", "First day", "Last day",
              "Days from roster"]


def csv_row(line: LedgerLine) -> list[str]:
    values: list[Any] = [line.handle, line.rotations, line.days, line.cover_days,
                         line.away_days, line.weekend_days,
                         "" if line.holidays is None else line.holidays,
                         line.first or "", line.last or "", line.from_roster]
    return [str(value) for value in values]


def print_ledger(console: Console, lines: list[LedgerLine]) -> None:
    table = Table(title="What was served (the served-time record, as lived)")
    for column in CSV_HEADER:
        table.add_column(column)
    for line in lines:
        table.add_row(shown(f"@{line.handle}"), *csv_row(line)[1:])
    console.print(table)
