"""`rotation-sync cover request|list|take|approve|cancel`: cover requests on the command
line, on every backend. A refusal is exit 1 naming the problem; nothing is written."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

import typer

from sync.cli.commands import (
    ConfigOption,
    Invocation,
    JsonOption,
    LogFormatOption,
    TodayOption,
    app,
    configure_logging,
    guarded,
)
from sync.cli.safe import plain
from sync.core.cover.request import CoverRequest
from sync.core.cover.wording import message
from sync.run.cover import CoverDesk

cover_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                        help="Ask for cover, take it, approve or cancel it: the Overrides "
                             "row is written for you.")
app.add_typer(cover_app, name="cover")

Handle = Annotated[str, typer.Option("--by", help="Who does it (a People handle).",
                                     show_default=False)]
Number = Annotated[int, typer.Argument(help="The request's number (see `cover list`).",
                                       min=1, show_default=False)]


def desk(invocation: Invocation) -> CoverDesk:
    settings = invocation.load()
    return CoverDesk(settings, lambda: invocation.clock(settings))


def parse_day(value: str, option: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise typer.BadParameter(f"{plain(value)!r} is not a date in the form YYYY-MM-DD.",
                             param_hint=option)


def show(invocation: Invocation, request: CoverRequest, text: str) -> None:
    invocation.console.print(plain(text), markup=False)
    invocation.emit({"exit_code": 0, "request": request.as_json()}, 0)


@cover_app.command("request")
@guarded
def request_cover(engineer: Annotated[str, typer.Option(
                      "--engineer", help="Who needs cover (a People handle).",
                      show_default=False)],
                  first: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).",
                                                     show_default=False)],
                  last: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD).",
                                                    show_default=False)],
                  note: Annotated[str, typer.Option("--note", help="Why, in a few words.")]
                  = "",
                  by: Annotated[str | None, typer.Option(
                      "--by", help="Who asks (default: the engineer; else a manager).",
                      show_default=False)] = None,
                  config: ConfigOption = None, today: TodayOption = None,
                  as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Ask for cover of some of an engineer's rotation days."""
    configure_logging(log_format)
    invocation = Invocation(config, today, None, as_json)
    days = parse_day(first, "--from"), parse_day(last, "--to")
    front = desk(invocation)
    made = front.request(engineer, *days, note, by or engineer)
    show(invocation, made, message(made, front.suggested, front.section.approval))


@cover_app.command("list")
@guarded
def list_requests(config: ConfigOption = None, today: TodayOption = None,
                  as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Every cover request and its state (requests due to expire expire first)."""
    configure_logging(log_format)
    invocation = Invocation(config, today, None, as_json)
    front = desk(invocation)
    requests = front.listing()
    for item in requests:
        taker = f", taken by @{item.taken_by}" if item.taken_by else ""
        invocation.console.print(plain(f"{item.id}  {item.state:<9}  @{item.engineer}  "
                                       f"{item.days}{taker}  {item.note}".rstrip()),
                                 markup=False)
    if not requests:
        invocation.console.print("No cover requests.", markup=False)
    invocation.emit({"exit_code": 0, "requests": [item.as_json() for item in requests]}, 0)


def decide(action: str, number: int, by: str, config: ConfigOption, today: TodayOption,
           as_json: bool, log_format: LogFormatOption) -> None:
    configure_logging(log_format)
    invocation = Invocation(config, today, None, as_json)
    front = desk(invocation)
    step = {"take": front.take, "approve": front.approve, "cancel": front.cancel}[action]
    after = step(number, by)
    show(invocation, after, message(after, (), front.section.approval))


@cover_app.command("take")
@guarded
def take(number: Number, by: Handle, config: ConfigOption = None, today: TodayOption = None,
         as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Take a request: you cover those days (once approved, with approval = "manager")."""
    decide("take", number, by, config, today, as_json, log_format)


@cover_app.command("approve")
@guarded
def approve(number: Number, by: Handle, config: ConfigOption = None, today: TodayOption = None,
            as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """A manager approves a taken request (with [cover] approval = "manager")."""
    decide("approve", number, by, config, today, as_json, log_format)


@cover_app.command("cancel")
@guarded
def cancel(number: Number, by: Handle, config: ConfigOption = None, today: TodayOption = None,
           as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Cancel a request that is not done yet (the engineer, the asker or a manager)."""
    decide("cancel", number, by, config, today, as_json, log_format)
