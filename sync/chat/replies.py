"""`/rotation who` as one short text: who is on rotation now, until when, and next."""

from __future__ import annotations

from datetime import datetime

from sync.core.lived.roster import Roster
from sync.core.report.who import Shift, who


def who_text(roster: Roster, now: datetime) -> str:
    answer = who(roster, now, weeks=2)
    lines = [f"On rotation now: {names(answer.current)}{until(answer.current)}."]
    lines += [f"From {shift.at:%Y-%m-%d %H:%M}: {names(shift)}." for shift in answer.upcoming
              if shift.at is not None]
    return "\n".join(lines)


def names(shift: Shift) -> str:
    people = shift.on_call.people
    return ", ".join(f"{p.name} (@{p.github})" for p in people) or "nobody"


def until(shift: Shift) -> str:
    return f" until {shift.until:%Y-%m-%d %H:%M}" if shift.until else ""
