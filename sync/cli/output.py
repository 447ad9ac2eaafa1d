"""What a manager reads: findings as a table, then each target's changes."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from sync.cli.health import local_time
from sync.cli.safe import markup_safe, plain, shown
from sync.core.findings import Finding
from sync.core.report.participation import Report
from sync.run.engine import RunResult, TargetResult
from sync.run.state import RunRecord

SYMBOLS = {"create": "+", "update": "~", "delete": "-"}


def print_findings(console: Console, findings: list[Finding]) -> None:
    if not findings:
        console.print("The roster is valid: no findings.")
        return
    table = Table(title="Roster findings", show_lines=False)
    for column in ("Severity", "Tab", "Row", "Column", "Message"):
        table.add_column(column, overflow="fold")
    for finding in findings:
        style = "red" if finding.severity == "error" else "yellow"
        table.add_row(f"[{style}]{finding.severity}[/]", shown(finding.tab),
                      str(finding.row) if finding.row is not None else "",
                      shown(finding.column or ""), shown(finding.message))
    console.print(table)
    errors = sum(1 for f in findings if f.severity == "error")
    console.print(f"{errors} error(s), {len(findings) - errors} warning(s).")


def print_run(console: Console, result: RunResult) -> None:
    print_findings(console, result.findings)
    if result.command == "validate":
        return
    if result.roster is None:
        console.print("[red]The roster is invalid: nothing was written anywhere.[/]")
        return
    verb = "pending" if result.command == "plan" else "made"
    for name, target in result.targets.items():
        print_target(console, name, target, verb)


def print_target(console: Console, name: str, target: TargetResult, verb: str) -> None:
    if target.status == "skipped" and not target.error:
        console.print(f"[dim]{name}: skipped[/]")
        return
    headline = (f"{name}: {len(target.changes)} change(s) {verb}" if target.changes
                else f"{name}: in sync, nothing to change")
    error = markup_safe(target.error or "")  # "[slack] …" is text, not Rich markup
    if target.status == "failed":
        headline = f"[red]{name}: FAILED[/] - {error}"
    elif target.error:
        headline = f"[yellow]{name}: {error}[/]"
    console.print(headline, markup=True, highlight=False)
    lines = [f"  {SYMBOLS[change.action]} {change.key}: {change.summary}"
             for change in target.changes] + [f"  note: {note}" for note in target.notes]
    if lines:  # one print, and the terminal wraps: a first sync of 10,000 events is 10,000
        console.print(plain("\n".join(lines)), markup=False, highlight=False, soft_wrap=True)


def print_report(console: Console, report: Report) -> None:
    console.print(f"Coverage on {report.today}")
    unfilled = Table(title="Upcoming unfilled TBD slots")
    for column in ("Rotation", "Row", "TBD slots"):
        unfilled.add_column(column)
    for item in report.unfilled:
        unfilled.add_row(shown(item.rotation), str(item.row or ""), str(item.tbd))
    console.print(unfilled if report.unfilled else "No upcoming TBD slots.")
    for gap in report.gaps:
        console.print(f"Gap: nobody on rotation from {gap.first} to {gap.last} "
                      f"({gap.days} days).")
    print_conflicts(console, report)
    spreads = Table(title="Timezone spread per rotation")
    for column in ("Rotation", "Engineers and their UTC offsets", "Spread (h)"):
        spreads.add_column(column)
    for spread in report.spreads:
        spreads.add_row(shown(spread.rotation), shown(spread.members()),
                        f"{spread.spread_hours:g}")
    console.print(spreads)
    people = Table(title="Who is due (first: nobody scheduled ahead, longest since last)")
    for column in ("GitHub", "Name", "Timezone", "Served", "Last served", "Upcoming",
                   "Days covering", "Days away"):
        people.add_column(column)
    for person in report.people:
        people.add_row(shown(f"@{person.github}"), shown(person.name), shown(person.timezone),
                       str(person.served), person.last_served_text(), str(person.upcoming),
                       str(person.days_covered), str(person.days_away))
    console.print(people)


def print_conflicts(console: Console, report: Report) -> None:
    """The report's "conflicts" section: time off during a rotation, no Overrides row."""
    if not report.conflicts:
        console.print("No time-off conflicts.")
        return
    table = Table(title="Time-off conflicts (add an Overrides row)")
    for column in ("Who", "Away", "Rotation", "Row"):
        table.add_column(column)
    for conflict in report.conflicts:
        table.add_row(shown(f"{conflict.person.name} (@{conflict.person.github})"),
                      conflict.days, shown(conflict.rotation.label),
                      str(conflict.rotation.row or ""))
    console.print(table)


def print_runs(console: Console, runs: list[RunRecord], tz: ZoneInfo) -> None:
    if not runs:
        console.print("No sync has run yet.")
        return
    table = Table(title="Last runs")
    notices = any(run.notice for run in runs)
    for column in (f"Started ({tz.key})", "Seconds", "Outcome", "Exit", "Changes", "Findings",
                   *(["Notice"] if notices else [])):
        table.add_column(column, overflow="fold")
    for run in runs:
        errors = sum(1 for f in run.findings if f.get("severity") == "error")
        table.add_row(local_time(run.started, tz),
                      f"{run.seconds:.1f}", run.outcome, str(run.exit_code),
                      shown(run_changes(run)),
                      f"{errors} error(s), {len(run.findings) - errors} warning(s)",
                      *([shown(run.notice or "")] if notices else []))
    console.print(table)


def run_changes(run: RunRecord) -> str:
    """Each target's change count, or `failed`; for a run that ended in an error, the error."""
    if isinstance(run.targets.get("error"), str):
        return str(run.targets["error"])
    shown = [f"{name} {run.changes[name]}" if name in run.changes else f"{name} failed"
             for name, target in run.targets.items()
             if name in run.changes or target.get("status") == "failed"]
    return ", ".join(shown) or "-"


def print_starter(console: Console, starter: dict[str, Any]) -> None:
    """What `init --from-handbook` wrote, and the manager's next step."""
    console.print(f"Wrote {starter['rotations']} rotation(s) and {len(starter['people'])} "
                  "People row(s) from the handbook page.", markup=False)
    console.print(plain("Next: fill in Name, Email and Timezone on the People tab for "
                        f"{', '.join('@' + h for h in starter['people'])}, then run "
                        "`rotation-sync plan`."), markup=False)
