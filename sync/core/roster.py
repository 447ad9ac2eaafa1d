"""The roster as managers mean it: people and rotations. Pure data, no I/O."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

TBD = None  # an unfilled slot in a rotation


class Person(BaseModel):
    model_config = ConfigDict(frozen=True)

    github: str
    name: str
    email: str
    timezone: str
    slack_id: str | None = None
    row: int | None = None

    @property
    def key(self) -> str:
        """GitHub logins are case-insensitive, so lookups use the lower-cased handle."""
        return self.github.lower()


class Rotation(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date
    end: date  # inclusive, as in the handbook table
    slots: tuple[str | None, ...]  # handles in roster order; None is a TBD slot
    row: int | None = None

    @property
    def key(self) -> str:
        return self.start.isoformat()

    @property
    def engineers(self) -> tuple[str, ...]:
        return tuple(handle for handle in self.slots if handle is not None)

    @property
    def tbd_count(self) -> int:
        return sum(1 for handle in self.slots if handle is None)

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def begins(self, handoff: time, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.start, handoff, tz)

    def ends(self, handoff: time, tz: ZoneInfo) -> datetime:
        """A rotation ends at the handoff time on the day after its (inclusive) End day."""
        return datetime.combine(self.end + timedelta(days=1), handoff, tz)

    def is_current(self, now: datetime, handoff: time, tz: ZoneInfo) -> bool:
        return self.begins(handoff, tz) <= now < self.ends(handoff, tz)


class Roster(BaseModel):
    model_config = ConfigDict(frozen=True)

    rotations: tuple[Rotation, ...]
    people: dict[str, Person]  # keyed by Person.key

    def person(self, handle: str) -> Person:
        return self.people[handle.lower()]

    def current(self, now: datetime, handoff: time, tz: ZoneInfo) -> Rotation | None:
        return next((r for r in self.rotations if r.is_current(now, handoff, tz)), None)
