"""What `rotation-sync who` prints for people: now, until when, the next handoffs."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.table import Table

from sync.core.findings import Finding
from sync.core.lived.clock import zone
from sync.core.report.who import Shift, Who


def print_who(console: Console, answer: Who, findings: list[Finding] | None = None) -> None:
    """The answer; on a bad day first the errors, and that it comes from the valid rows."""
    errors = [f for f in findings or [] if f.severity == "error"]
    if errors:
        console.print(f"The roster has {len(errors)} error(s); this answer comes from the "
                      "rows without errors:", markup=False)
        for finding in errors:
            console.print(f"  {finding.message}", markup=False)
    console.print(f"On rotation now ({moment(answer.now)}): {people(answer.current)}",
                  markup=False)
    console.print(f"Until {moment(answer.current.until)}"
                  + theirs(answer.current.until, answer.current)
                  + (f" (rotation {answer.current.on_call.rotation.label})"
                     if answer.current.on_call.rotation else ""), markup=False)
    if not answer.upcoming:
        console.print(f"No handoff in the next {answer.weeks} week(s).")
        return
    table = Table(title=f"Handoffs in the next {answer.weeks} week(s)")
    for column in ("From", "Rotation", "On rotation"):
        table.add_column(column, overflow="fold")
    for shift in answer.upcoming:
        rotation = shift.on_call.rotation
        table.add_row(moment(shift.at) + theirs(shift.at, shift),
                      rotation.label if rotation else "(no rotation)", people(shift))
    console.print(table)


def print_unanswered(console: Console, why: str | None) -> None:
    if why is not None:
        console.print(f"Who is on rotation today cannot be answered: {why}.", markup=False)


def people(shift: Shift) -> str:
    if shift.on_call.rotation is None:
        return "nobody (no rotation)"
    return ", ".join(f"{p.name} (@{p.github})" for p in shift.on_call.people) or \
        "nobody (no engineer assigned)"


def theirs(at: datetime | None, shift: Shift) -> str:
    """' (Tue 02:00 Asia/Tokyo for @kenji-sato)': the moment in each engineer's own time."""
    if at is None:
        return ""
    own = [f"{at.astimezone(zone(p.timezone)):%a %H:%M} {p.timezone} for @{p.github}"
           for p in shift.on_call.people
           if at.astimezone(zone(p.timezone)).strftime("%H:%M %a") != at.strftime("%H:%M %a")]
    return f" ({', '.join(own)})" if own else ""


def moment(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M %Z") if at else "no later rotation is planned"
