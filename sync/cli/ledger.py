"""`rotation-sync ledger`: who served what, from the served-time record (evidence for
promotions, on-call pay and fairness), and `--accept-edits` to re-record edited days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from sync.cli.commands import (
    ConfigOption,
    Invocation,
    JsonOption,
    LogFormatOption,
    TodayOption,
    app,
    configure_logging,
    guarded,
    parse_today,
)
from sync.cli.ledger_table import CSV_HEADER, csv_row, print_ledger
from sync.cli.output import print_findings
from sync.cli.safe import plain
from sync.clients.files import write_atomically
from sync.config.model import Config
from sync.core.lived.roster import Roster
from sync.core.record.ledger import RecordedDay
from sync.core.tabs.raw import RawRoster
from sync.errors import ConfigError
from sync.run.record import ServedRecord
from sync.run.served import ledger_lines, served_view, tabs_of
from sync.run.state import StateStore
from sync.sources.csv import to_csv

DayOption = Annotated[str | None, typer.Option(show_default=False, metavar="YYYY-MM-DD")]


@app.command("ledger")
@guarded
def ledger_command(config: ConfigOption = None, today: TodayOption = None,
                   first: Annotated[str | None, typer.Option(
                       "--from", help="First day counted (default: the first recorded).",
                       show_default=False, metavar="YYYY-MM-DD")] = None,
                   last: Annotated[str | None, typer.Option(
                       "--to", help="Last day counted (default: the last served).",
                       show_default=False, metavar="YYYY-MM-DD")] = None,
                   csv_path: Annotated[Path | None, typer.Option(
                       "--csv", help="Also write the per-person totals to this CSV file.",
                       show_default=False)] = None,
                   accept_edits: Annotated[bool, typer.Option(
                       "--accept-edits", help="Re-record the days from --from to --to from "
                       "the roster as it stands (after a `past-edited` warning).")] = False,
                   as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Per person: rotations, days served, cover days, days away, weekends, holidays."""
    configure_logging(log_format)
    invocation = Invocation(config, today, None, as_json)
    span = day_option(first, "--from"), day_option(last, "--to")
    check_options(csv_path, as_json, accept_edits, span)
    settings = invocation.load()
    result = invocation.validate(settings)
    if result.roster is None:
        print_findings(invocation.console, result.findings)
        invocation.emit({"exit_code": int(result.exit_code), "command": "ledger",
                         "findings": [f.as_json() for f in result.findings], "people": []},
                        result.exit_code)
    assert result.roster is not None
    now = invocation.clock(settings).now
    if accept_edits:
        accept(settings, result.roster, invocation.raw, span, invocation.console)
    days = [d for d in served_view(settings, result.roster, now) if inside(d, span)]
    lines = ledger_lines(settings, result.roster, days)
    print_ledger(invocation.console, lines)
    if csv_path is not None:
        write_atomically(csv_path, to_csv([CSV_HEADER, *(csv_row(line) for line in lines)]))
        invocation.console.print(plain(f"Wrote {csv_path}"), markup=False)
    invocation.emit({"exit_code": 0, "command": "ledger",
                     "from": span[0].isoformat() if span[0] else None,
                     "to": span[1].isoformat() if span[1] else None,
                     "findings": [f.as_json() for f in result.findings],
                     "people": [line.as_json() for line in lines],
                     "days": [day_json(d) for d in days]}, 0)


def day_option(value: str | None, flag: str) -> date | None:
    try:
        return parse_today(value)
    except typer.BadParameter as error:
        raise typer.BadParameter(str(error.message), param_hint=flag) from None


def check_options(csv_path: Path | None, as_json: bool, accept_edits: bool,
                  span: tuple[date | None, date | None]) -> None:
    if csv_path is not None and as_json:
        raise typer.BadParameter("choose one of --json and --csv.", param_hint="--csv")
    if csv_path is not None and csv_path.is_dir():
        raise ConfigError(f"--csv {csv_path} is a folder; give the path of a file, such as "
                          f"{csv_path / 'ledger.csv'}.")
    if accept_edits and (span[0] is None or span[1] is None):
        raise typer.BadParameter("say which days to re-record: --from D --to D.",
                                 param_hint="--accept-edits")
    if span[0] and span[1] and span[1] < span[0]:
        raise typer.BadParameter(f"--to {span[1]} is before --from {span[0]}.",
                                 param_hint="--to")


def accept(config: Config, roster: Roster, raw: RawRoster | None,
           span: tuple[date | None, date | None], console: Console) -> None:
    """Re-record the days under the run lock, and keep in the run history that it did."""
    assert span[0] is not None and span[1] is not None
    store = StateStore(config.state_dir)
    store.check()
    with store.lock():
        started = datetime.now(UTC)
        done = ServedRecord(store, tabs=tabs_of(raw)).accept(roster, span[0], span[1])
        said = (f"re-recorded {done[0]} to {done[1]} from the roster (ledger --accept-edits)"
                if done else f"nothing re-recorded: the record holds no day from {span[0]} "
                f"to {span[1]}")
        store.record(started, "ledger", 0, "ok", {}, [], {}, keep=config.history.keep_runs,
                     notice=said)
    console.print(plain(said[0].upper() + said[1:] + "."), markup=False)


def inside(day: RecordedDay, span: tuple[date | None, date | None]) -> bool:
    return (span[0] is None or day.entry.day >= span[0]) and \
        (span[1] is None or day.entry.day <= span[1])


def day_json(day: RecordedDay) -> dict[str, Any]:
    return {"day": day.entry.day.isoformat(), "handle": day.entry.handle,
            "role": day.entry.role, "rotation": day.entry.rotation.isoformat(),
            "origin": day.origin, "roster": day.roster}
