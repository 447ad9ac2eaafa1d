"""Who is on rotation now, until when, and the next handoffs: `rotation-sync who`. Pure.

Every answer comes from `Roster.on_call` and `Roster.handoffs`, so `who` says what the Slack
group and the channel topic say (the roster as lived).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.core.lived.clock import zone
from sync.core.lived.roster import OnCall, Roster, Rotation

MAX_WEEKS = 104  # two years of handoffs is already a long page


@dataclass(frozen=True)
class Shift:
    """Who is on rotation from `at` (None: now) until `until` (None: nothing planned)."""

    at: datetime | None
    until: datetime | None
    on_call: OnCall

    def as_json(self) -> dict[str, Any]:
        return {"at": stamp(self.at), "until": stamp(self.until),
                "rotation": rotation_json(self.on_call.rotation),
                "engineers": [{"github": p.github, "name": p.name, "timezone": p.timezone,
                               "at_local": local(self.at, p.timezone),
                               "until_local": local(self.until, p.timezone)}
                              for p in self.on_call.people]}


@dataclass(frozen=True)
class Who:
    now: datetime
    current: Shift
    upcoming: tuple[Shift, ...]  # the handoffs within the window, in order
    weeks: int

    def as_json(self) -> dict[str, Any]:
        return {"now": self.now.isoformat(), "weeks": self.weeks,
                "on_call": self.current.as_json(),
                "handoffs": [shift.as_json() for shift in self.upcoming]}


def who(roster: Roster, now: datetime, weeks: int = 4) -> Who:
    """The shift running at `now` and every handoff in the next `weeks` weeks."""
    moments = roster.handoffs(now, now + timedelta(weeks=weeks))
    later = roster.handoffs(now)
    ends = {moment: next((m for m in later if m > moment), None) for moment in moments}
    current = Shift(None, later[0] if later else None, roster.on_call(now))
    upcoming = tuple(Shift(m, ends[m], roster.on_call(m)) for m in moments)
    return Who(now, current, upcoming, weeks)


def rotation_json(rotation: Rotation | None) -> dict[str, str] | None:
    if rotation is None:
        return None
    return {"start": rotation.start.isoformat(), "end": rotation.end.isoformat()}


def stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def local(moment: datetime | None, timezone: str) -> str | None:
    """The moment in an engineer's own timezone: when their shift begins or ends for them."""
    return moment.astimezone(zone(timezone)).isoformat() if moment else None
