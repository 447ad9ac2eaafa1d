"""The roster as managers mean it: people, rotations, and who is on rotation when. No I/O.

`Roster.on_call` and `Roster.handoffs` are the one answer to "who is on rotation at this
instant" and "when does that answer change": the Slack group, the handoff announcement,
`schedule`'s one-off runs and the checks all ask them, so a rule that changes the answer
(overrides, time off) changes this module only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from sync.core.absence import Absence
from sync.core.clock import zone

TBD = None  # an unfilled slot in a rotation


class Person(BaseModel):
    model_config = ConfigDict(frozen=True)

    github: str
    name: str
    email: str
    timezone: str
    slack_id: str | None = None
    country: str | None = None  # ISO 3166 code, for [time_off] holidays
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


@dataclass(frozen=True)
class OnCall:
    """Who is on rotation at one instant: the rotation running then (None in a gap or
    outside the roster) and the people on it, in roster order."""

    rotation: Rotation | None
    people: tuple[Person, ...]


class Roster(BaseModel):
    """Rotations sorted by start, People keyed by Person.key, and the clock rules that say
    when a rotation runs: from `handoff_time` in `timezone` on its Start day until
    `handoff_time` on the day after its End day."""

    model_config = ConfigDict(frozen=True)

    rotations: tuple[Rotation, ...]
    people: dict[str, Person]  # keyed by Person.key
    timezone: str
    handoff_time: time
    time_off: tuple[Absence, ...] = ()  # from the Time off tab; other sources come per run

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    def person(self, handle: str) -> Person:
        return self.people[handle.lower()]

    # -- when rotations run ------------------------------------------------------------
    def handoff_on(self, day: date) -> datetime:
        """The handoff instant of `day`, as a real local time: a handoff time that a DST
        change skips (02:30 in spring) is the instant one hour later, when it happens."""
        local = datetime.combine(day, self.handoff_time, self.tz)
        return local.astimezone(UTC).astimezone(self.tz)

    def begins(self, rotation: Rotation) -> datetime:
        return self.handoff_on(rotation.start)

    def ends(self, rotation: Rotation) -> datetime:
        """A rotation ends at the handoff on the day after its (inclusive) End day."""
        return self.handoff_on(rotation.end + timedelta(days=1))

    # -- who is on rotation --------------------------------------------------------------
    def on_call(self, at: datetime) -> OnCall:
        """Who is on rotation at the instant `at` (any timezone)."""
        rotation = self.running(at)
        if rotation is None:
            return OnCall(None, ())
        return OnCall(rotation, tuple(self.person(handle) for handle in rotation.engineers))

    def handoffs(self, start: datetime, end: datetime | None = None) -> list[datetime]:
        """The instants in (start, end] at which `on_call`'s answer changes, sorted, in the
        roster's timezone; `end=None` means every later one."""
        moments = {self.begins(r) for r in self.rotations} | {self.ends(r) for r in
                                                             self.rotations}
        return sorted(m for m in moments if start < m and (end is None or m <= end))

    def running(self, at: datetime) -> Rotation | None:
        """The rotation holding the roster day of `at`; rotations never overlap."""
        day = self.day_of(at)
        return next((r for r in self.rotations if r.start <= day <= r.end), None)

    def day_of(self, at: datetime) -> date:
        """The roster day `at` falls in: it begins at that day's handoff instant."""
        local = at.astimezone(self.tz).date()
        return local if self.handoff_on(local) <= at else local - timedelta(days=1)

    def before(self, rotation: Rotation) -> Rotation | None:
        """The rotation that started last before `rotation`, if any."""
        earlier = [r for r in self.rotations if r.start < rotation.start]
        return max(earlier, key=lambda r: r.start) if earlier else None
