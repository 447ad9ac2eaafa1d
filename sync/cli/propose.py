"""`rotation-sync propose`: fair engineers for TBD slots and the next rotations, as a proposal
a manager reviews (it never writes the Rotations tab)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

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
from sync.cli.output import print_findings
from sync.cli.safe import plain, shown
from sync.core.planner.propose import Proposal
from sync.run.propose import plan_proposals, write_proposals

MAX_AHEAD = timedelta(days=3650)  # ten years of drafts is more than anyone reviews


@app.command()
@guarded
def propose(config: ConfigOption = None, today: TodayOption = None,
            until: Annotated[str | None, typer.Option(
                "--until", help="Draft rotations up to this day (default: today + [propose] "
                "horizon).", show_default=False, metavar="YYYY-MM-DD")] = None,
            write: Annotated[bool, typer.Option(
                "--write", help="Replace the Proposed tab (Sheets) or [propose] file (CSV) "
                "with the proposal; the Rotations tab is never written.")] = False,
            as_json: JsonOption = False, log_format: LogFormatOption = "text") -> None:
    """Propose engineers for TBD slots and draft the next rotations, with reasons."""
    configure_logging(log_format)
    invocation = Invocation(config, today, None, as_json)
    last_day = parse_until(until)
    settings = invocation.load()
    result = invocation.validate(settings)
    if result.roster is None or invocation.raw is None:
        print_findings(invocation.console, result.findings)
        invocation.console.print("[red]The roster is invalid: nothing was proposed or "
                                 "written.[/]")
        invocation.emit({"exit_code": int(result.exit_code), "command": "propose",
                         "findings": [f.as_json() for f in result.findings],
                         "proposed": []}, result.exit_code)
    assert result.roster is not None and invocation.raw is not None
    now = invocation.clock(settings).now
    if last_day is not None and last_day > now.date() + MAX_AHEAD:
        raise typer.BadParameter("draft at most ten years ahead.", param_hint="--until")
    proposals, found = plan_proposals(settings, result.roster, invocation.raw, now,
                                      last_day)
    findings = result.findings + found
    print_findings(invocation.console, findings)
    print_proposals(invocation.console, proposals)
    if write:
        where = write_proposals(settings, proposals)
        invocation.console.print(plain(f"Wrote the proposal to {where}."), markup=False)
    invocation.emit({"exit_code": 0, "command": "propose",
                     "findings": [f.as_json() for f in findings],
                     "proposed": [p.as_json() for p in proposals]}, 0)


def parse_until(value: str | None) -> date | None:
    try:
        return parse_today(value)
    except typer.BadParameter as error:
        raise typer.BadParameter(str(error.message), param_hint="--until") from None


def print_proposals(console: Console, proposals: list[Proposal]) -> None:
    if not proposals:
        console.print("Nothing to propose: no TBD slot in a rotation that has not started, "
                      "and no rotation to draft before the horizon.")
        return
    table = Table(title="Proposed rotations (copy rows into Rotations to accept them)")
    for column in ("Start", "End", "Fills row", "Engineer", "", "Reason"):
        table.add_column(column, overflow="fold")
    for proposal in proposals:
        for index, pick in enumerate(proposal.engineers):
            first = index == 0
            table.add_row(str(proposal.start) if first else "", str(proposal.end) if first
                          else "", str(proposal.fills_row or "new") if first else "",
                          shown(pick.handle if pick.handle == "TBD" else f"@{pick.handle}"),
                          "proposed" if pick.proposed else "", shown(pick.reason),
                          end_section=index == len(proposal.engineers) - 1)
    console.print(table)
