"""When a run happens: "now" in the roster's timezone, and the handoff time that makes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Clock:
    """When the run happens: "now" in the roster's timezone and its handoff time."""

    now: datetime
    handoff: time

    @property
    def tz(self) -> ZoneInfo:
        assert isinstance(self.now.tzinfo, ZoneInfo)
        return self.now.tzinfo

    @property
    def today(self) -> date:
        return self.now.date()

    @classmethod
    def at(cls, tz: ZoneInfo, handoff: time, today: date | None = None) -> Clock:
        """`--today D` means day D just after its handoff time; otherwise the real now."""
        if today is None:
            return cls(datetime.now(tz), handoff)
        return cls(datetime.combine(today, handoff, tz), handoff)


@cache
def zone(name: str) -> ZoneInfo:
    """ZoneInfo's own cache keeps only 8 zones: a roster's People have more."""
    return ZoneInfo(name)


def utc_offset(timezone: str, moment: datetime) -> timedelta:
    return moment.astimezone(zone(timezone)).utcoffset() or timedelta(0)


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
