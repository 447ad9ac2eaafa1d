"""The command line: `rotation-sync validate|plan|sync|schedule|status …` (typer)."""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, ParamSpec

import typer

from sync import package_version
from sync.cli import output
from sync.cli.console import fail, make_console
from sync.cli.fanout import FleetGroup
from sync.cli.guard import check_html_path, parse_age, unexpected
from sync.cli.health import verdict
from sync.cli.ledger_table import print_ledger
from sync.cli.logs import LogFormat, configure_logging, setup_logging
from sync.cli.report_html import render_html
from sync.cli.safe import plain
from sync.cli.who import print_unanswered, print_who
from sync.clients.files import write_atomically
from sync.clients.secrets import redact
from sync.config.model import Config, config_path, load_config
from sync.core.limits import MAX_LIMIT, date_range_text, in_range
from sync.core.lived.clock import Clock
from sync.core.report.bad_day import valid_rows
from sync.core.report.participation import build_report
from sync.core.report.who import MAX_WEEKS
from sync.core.report.who import who as who_is_on
from sync.core.tabs.raw import RawRoster
from sync.errors import RotationSyncError
from sync.run.config_checks import check_config
from sync.run.engine import Engine, RunResult
from sync.run.factory import make_source
from sync.run.publish import publish_after_run
from sync.run.runner import log_findings, log_result, make_engine, run_sync
from sync.run.served import ledger_lines, served_view
from sync.run.state import StateStore
from sync.run.time_off import time_off_check
from sync.targets.registry import NAMES

P = ParamSpec("P")
log = logging.getLogger("sync.cli")


def print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"rotation-sync {package_version()}")
        raise typer.Exit(0)


app = typer.Typer(cls=FleetGroup, add_completion=False, no_args_is_help=True,
                  rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Keep the on-call rotation consistent in the calendar, the Slack "
                       "group and the handbook page.")

ConfigOption = Annotated[Path | None, typer.Option(
    "-c", "--config", help="Config file (default: config/rotation-sync.toml or "
    "$ROTATION_SYNC_CONFIG).", show_default=False)]
TodayOption = Annotated[str | None, typer.Option(
    "--today", help="Evaluate as of this day (YYYY-MM-DD), just after its handoff time.",
    show_default=False, metavar="YYYY-MM-DD")]
OnlyOption = Annotated[str | None, typer.Option(
    "--only", help=f"Comma-separated targets: {','.join(NAMES)}.", show_default=False,
    metavar="TARGETS")]
JsonOption = Annotated[bool, typer.Option(
    "--json", help="One JSON document on stdout; human text goes to stderr.")]
LogFormatOption = Annotated[LogFormat, typer.Option(
    "--log-format", help="Log lines on stderr as text, or as one JSON object per line "
    "for log collectors (then stderr holds nothing else).")]


@app.callback()
def top(version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", is_eager=True,
        callback=print_version)] = False) -> None:
    """Keep the on-call rotation consistent in the calendar, the Slack group and the
    handbook page."""


class Invocation:
    """One command's common options, resolved once."""

    def __init__(self, config: Path | None, today: str | None, only: str | None,
                 as_json: bool) -> None:
        self.as_json = as_json
        self.started = datetime.now(UTC)
        self.console = make_console(stderr=as_json)
        self.config_file = config_path(config)
        self.today = parse_today(today)
        self.only = parse_only(only)
        self.raw: RawRoster | None = None  # what `validate` read: tab titles, `who` on a bad day

    def load(self) -> Config:
        return load_config(self.config_file)

    def clock(self, config: Config) -> Clock:
        return Clock.at(config.tz, config.handoff_time, self.today)

    def engine(self, config: Config) -> Engine:
        return make_engine(config, self.clock(config), self.only)

    def validate(self, config: Config) -> RunResult:
        """Only the roster: no target is built, so no secret is needed."""
        engine = Engine(make_source(config), {}, self.clock(config),
                        time_off=time_off_check(config), configured=config.configured())
        result = engine.validate()
        self.raw = engine.raw
        return result

    def finish(self, result: RunResult) -> None:
        output.print_run(self.console, result)
        if result.command != "sync":  # the runner logs a sync's own
            log_findings(result.findings)
        if result.command in ("validate", "plan"):  # `sync` logs its own, in the runner
            log_result(self.started, result, None, "command line")
        self.emit(result.as_json(), result.exit_code)

    def emit(self, document: dict[str, Any], exit_code: int) -> None:
        if self.as_json:
            sys.stdout.write(redact(json.dumps(document, indent=2, default=str)) + "\n")
        raise typer.Exit(exit_code)



def guarded(command: Callable[P, None]) -> Callable[P, None]:
    """The one error handler of every command: an error the user must fix is a message
    (and with --json still the one document) and its exit code, never a traceback. Anything
    unexpected is one line too; its traceback goes only to the debug log."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise
        except RotationSyncError as error:
            fail(error, as_json=bool(kwargs.get("as_json")))
        except Exception as error:  # the last guard: no traceback reaches a person
            fail(unexpected(error), as_json=bool(kwargs.get("as_json")))
    return run


def parse_today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else \
            date.fromisoformat("invalid")
    except ValueError:
        raise typer.BadParameter(f"{plain(value)!r} is not a date in the form YYYY-MM-DD.",
                                 param_hint="--today") from None
    if not in_range(day):
        raise typer.BadParameter(f"{value} is outside the dates rotation-sync handles "
                                 f"({date_range_text()}).", param_hint="--today")
    return day


def parse_only(value: str | None) -> set[str] | None:
    if value is None:
        return None
    names = {name.strip() for name in value.split(",") if name.strip()}
    unknown = names - set(NAMES)
    if unknown or not names:
        raise typer.BadParameter(f"choose among {', '.join(NAMES)}; got {value!r}.",
                                 param_hint="--only")
    return names


@app.command()
@guarded
def validate(config: ConfigOption = None, today: TodayOption = None, only: OnlyOption = None,
             as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Read and validate the roster, and print the findings."""
    configure_logging(log_format)
    invocation = Invocation(config, today, only, as_json)
    settings = invocation.load()
    check_config(settings)  # what only `plan` or the first night would find otherwise
    result = invocation.validate(settings)
    invocation.finish(result)


@app.command()
@guarded
def plan(config: ConfigOption = None, today: TodayOption = None, only: OnlyOption = None,
         as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Validate, read every target and print the changes a sync would make; writes nothing."""
    configure_logging(log_format)
    invocation = Invocation(config, today, only, as_json)
    settings = invocation.load()
    result = invocation.engine(settings).run(apply=False)
    publish_after_run(settings, result, invocation.clock(settings), apply=False)
    invocation.finish(result)


@app.command("sync")
@guarded
def sync_command(config: ConfigOption = None, today: TodayOption = None,
                 only: OnlyOption = None, as_json: JsonOption = False,
                 dry_run: Annotated[bool, typer.Option(
                     "--dry-run", help="Only show the changes (same as `plan`).")] = False,
                 force_delete: Annotated[bool, typer.Option(
                     "--force-delete", help="Allow a roster that deletes most of what "
                     "rotation-sync owns.")] = False,
                 log_format: LogFormatOption = "text") -> None:
    """Validate the roster, then make every enabled target agree with it."""
    configure_logging(log_format)
    invocation = Invocation(config, today, only, as_json)
    settings = invocation.load()
    if dry_run:
        result = invocation.engine(settings).run(apply=False, force_delete=force_delete)
        publish_after_run(settings, result, invocation.clock(settings), apply=False)
    else:
        result = run_sync(settings, invocation.clock(settings), invocation.only,
                          force_delete)
    invocation.finish(result)


@app.command()
@guarded
def schedule(config: ConfigOption = None, log_format: LogFormatOption = "text",
             run_now: Annotated[bool, typer.Option(
                 "--run-now", help="Also sync once right away, then follow the schedule.")]
             = False) -> None:
    """Run in the foreground: sync on [schedule] cron and at each handoff, until stopped."""
    from sync.chat.serve import serve_cover
    from sync.run.scheduler import NightlySync

    configure_logging(log_format, logging.INFO)
    invocation = Invocation(config, None, None, False)
    nightly = NightlySync(invocation.load(), services=[serve_cover])
    nightly.run_forever(run_now)


@app.command()
@guarded
def status(config: ConfigOption = None, as_json: JsonOption = False,
           limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=MAX_LIMIT,
                                              help="How many runs to show.")] = 10,
           max_age: Annotated[str | None, typer.Option(
               "--max-age", help="Exit 1 when no sync succeeded within this age "
               "(90m, 26h, 2d).", show_default=False)] = None,
           log_format: LogFormatOption = "text") -> None:
    """The last runs, their outcome and what they changed."""
    configure_logging(log_format)
    invocation = Invocation(config, None, None, as_json)
    age = parse_age(max_age) if max_age else None
    settings = invocation.load()
    store = StateStore(settings.state_dir)
    runs = store.runs(limit)
    last = store.last_success()
    output.print_runs(invocation.console, runs, settings.tz)
    healthy, said = True, None
    if age is not None and max_age is not None:
        healthy, said = verdict(last.finished if last else None, datetime.now(UTC), age,
                                max_age, settings.tz)
        invocation.console.print(said, style=None if healthy else "red", markup=False)
    invocation.emit({"exit_code": 0 if healthy else 1, "command": "status",
                     "healthy": healthy, "verdict": said,
                     "last_success": last.finished.isoformat() if last else None,
                     "runs": [run.as_json() for run in runs]}, 0 if healthy else 1)


@app.command()
@guarded
def report(config: ConfigOption = None, today: TodayOption = None, as_json: JsonOption = False,
           html: Annotated[Path | None, typer.Option(
               "--html", help="Also write a self-contained HTML page with a timeline.",
               show_default=False)] = None, log_format: LogFormatOption = "text") -> None:
    """Coverage and participation: TBD slots, gaps, timezone spread, who is due."""
    configure_logging(log_format)
    invocation = Invocation(config, today, None, as_json)
    if html is not None:
        check_html_path(html)
    settings = invocation.load()
    result = invocation.validate(settings)
    result.command = "report"
    if result.roster is None:
        invocation.finish(result)
    assert result.roster is not None
    coverage = build_report(result.roster, invocation.clock(settings), tuple(result.conflicts))
    output.print_report(invocation.console, coverage)
    served = ledger_lines(settings, result.roster, served_view(
        settings, result.roster, invocation.clock(settings).now))  # the ledger's totals too
    print_ledger(invocation.console, served)
    if html is not None:
        write_atomically(html, render_html(coverage, result.roster))
        invocation.console.print(plain(f"Wrote {html}"), markup=False)
    log_findings(result.findings)
    invocation.emit({"exit_code": 0, "command": "report", **coverage.as_json(),
                     "ledger": [line.as_json() for line in served],
                     "findings": [f.as_json() for f in result.findings]}, 0)


@app.command()
@guarded
def who(config: ConfigOption = None, today: TodayOption = None, as_json: JsonOption = False,
        weeks: Annotated[int, typer.Option("--weeks", min=1, max=MAX_WEEKS,
                                           help="How many weeks of handoffs to show.")] = 4,
        log_format: LogFormatOption = "text") -> None:
    """Who is on rotation now, until when, and the next handoffs (the roster as lived)."""
    configure_logging(log_format)
    invocation = Invocation(config, today, None, as_json)
    settings = invocation.load()
    result = invocation.validate(settings)
    result.command = "who"
    roster, why_not = result.roster, None
    if roster is None and invocation.raw is not None:  # a bad day: answer from valid rows
        roster, why_not = valid_rows(invocation.raw, invocation.clock(settings))
    if roster is None:
        print_unanswered(invocation.console, why_not)
        invocation.finish(result)
    assert roster is not None
    answer = who_is_on(roster, invocation.clock(settings).now, weeks)
    log_findings(result.findings)
    print_who(invocation.console, answer, result.findings)
    invocation.emit({"exit_code": 0, "command": "who", **answer.as_json(),
                     "findings": [f.as_json() for f in result.findings]}, 0)


@app.command()
@guarded
def init(config: ConfigOption = None, as_json: JsonOption = False,
         from_handbook: Annotated[bool, typer.Option(
             "--from-handbook", help="Write a starter roster from the handbook page's "
             "Rotations table (the CSV files, or the sheet's Rotations and People tabs).")]
         = False, log_format: LogFormatOption = "text") -> None:
    """Start a roster: from the handbook page's table, so the first sync keeps its rows."""
    from sync.run.adopt import adopt_handbook

    configure_logging(log_format)
    invocation = Invocation(config, None, None, as_json)
    if not from_handbook:
        raise typer.BadParameter("say where the roster comes from: --from-handbook.",
                                 param_hint="--from-handbook")
    starter = adopt_handbook(invocation.load())
    output.print_starter(invocation.console, starter.as_json())
    invocation.emit({"exit_code": 0, "command": "init", **starter.as_json()}, 0)


def main() -> None:
    setup_logging("text", logging.WARNING)
    app(prog_name="rotation-sync")
