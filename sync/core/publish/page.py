"""The who's-on-call page's content: who is on rotation now (as lived) and until when, the
next handoff, and the coming 12 weeks; and `now.json`, the same for scripts. Pure.

Every answer comes from `Roster.on_call` and `Roster.handoffs`, so the page says what the
Slack group, the topic and `rotation-sync who` say.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.core.lived.roster import Roster
from sync.core.report.who import Shift

WEEKS = 12
LATER = (timedelta(weeks=26), timedelta(weeks=520))  # where to look for a far handoff first
# Characters a browser could read as markup or that reorder text, written as \uXXXX in JSON
# (still the same string to any JSON parser), so now.json is safe wherever it is pasted.
JSON_UNSAFE = re.compile("[<>&\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Board:
    """Everything the page shows. `now.at` is when the current shift began (None: before
    the first rotation), `until` when it ends (None: no later handoff planned)."""

    generated_at: datetime
    timezone: str
    now: Shift
    next: Shift | None
    upcoming: tuple[Shift, ...]

    def as_json(self) -> dict[str, Any]:
        return {"generated_at": stamp(self.generated_at), "timezone": self.timezone,
                "now": shift_json(self.now),
                "next": shift_json(self.next) if self.next else None,
                "upcoming": [shift_json(shift) for shift in self.upcoming]}


def board(roster: Roster, now: datetime, generated_at: datetime, weeks: int = WEEKS) -> Board:
    moments = roster.handoffs(now, now + timedelta(weeks=weeks))
    after = later_handoff(roster, moments[-1] if moments else now)
    ends = [*moments[1:], after]
    upcoming = tuple(Shift(m, end, roster.on_call(m)) for m, end in zip(moments, ends,
                                                                      strict=False))
    until = moments[0] if moments else after
    current = Shift(began(roster, now), until, roster.on_call(now))
    following = upcoming[0] if upcoming else \
        Shift(until, later_handoff(roster, until), roster.on_call(until)) if until else None
    return Board(generated_at.astimezone(roster.tz), roster.timezone, current, following,
                 upcoming)


def later_handoff(roster: Roster, after: datetime) -> datetime | None:
    """The first handoff after `after`, looking near first (a far-future roster is long)."""
    for span in LATER:
        found = roster.handoffs(after, after + span)
        if found:
            return found[0]
    found = roster.handoffs(after)
    return found[0] if found else None


def began(roster: Roster, now: datetime) -> datetime | None:
    """The last handoff at or before `now`: the current rotation's start, or a later
    override moment within it; in a gap, the end of the rotation before."""
    rotation = roster.running(now)
    if rotation is not None:
        start = roster.begins(rotation)
        moments = roster.handoffs(start - timedelta(microseconds=1), now)
        return moments[-1] if moments else start
    ended = [roster.ends(r) for r in roster.rotations if roster.ends(r) <= now]
    return max(ended) if ended else None


def shift_json(shift: Shift) -> dict[str, Any]:
    return {"engineers": [{"handle": p.github, "name": p.name, "timezone": p.timezone}
                          for p in shift.on_call.people],
            "since": stamp(shift.at), "until": stamp(shift.until)}


def stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def now_json(page: Board) -> str:
    text = json.dumps(page.as_json(), indent=2, ensure_ascii=False)
    return JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"
