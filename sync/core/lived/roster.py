"""The roster as managers mean it: people, rotations, and who is on rotation when. No I/O.

`Roster.on_call` and `Roster.handoffs` are the one answer to "who is on rotation at this
instant" and "when does that answer change": the Slack group, the handoff announcement,
`schedule`'s one-off runs and the checks all ask them, so a rule that changes the answer
(overrides, time off) changes this module only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from itertools import accumulate
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from sync.core.lived.absence import Absence
from sync.core.lived.clock import zone

TBD = None  # an unfilled slot in a rotation


class Person(BaseModel):
    model_config = ConfigDict(frozen=True)

    github: str
    name: str
    email: str
    timezone: str
    slack_id: str | None = None
    country: str | None = None  # ISO 3166 code, for [time_off] holidays
    eligible: bool = True  # People `Eligible`: `no` keeps `propose` from choosing them
    team: str | None = None  # People `Team`, for [propose] max_per_team
    due_by: date | None = None  # People `Due by`: must have served by then (promotion)
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


class Override(BaseModel):
    """One Overrides row: from `start` to `end` (inclusive) `engineer` is away and `cover`
    (None: nobody) stands in on their rotation."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date  # inclusive
    engineer: str  # the People handle, as spelled there
    cover: str | None
    note: str = ""
    row: int | None = None

    @property
    def key(self) -> str:
        """Deterministic: one override per engineer and start day (conflicts are errors)."""
        return f"override-{self.engineer.lower()}-{self.start:%Y%m%d}"

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def holds(self, handle: str, day: date) -> bool:
        return self.engineer.lower() == handle.lower() and self.start <= day <= self.end


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
    overrides: tuple[Override, ...] = ()  # sorted by start; see `override_for`
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
        """Who is on rotation at the instant `at` (any timezone): the roster as lived."""
        day = self.day_of(at)
        rotation = self.holding(day)
        if rotation is None:
            return OnCall(None, ())
        return OnCall(rotation, tuple(self.person(h) for h in self.lived(rotation, day)))

    def lived(self, rotation: Rotation, day: date) -> tuple[str, ...]:
        """The rotation's engineers on `day`: each away engineer replaced by the cover, or
        left out when nobody covers; roster order, nobody twice."""
        handles: list[str] = []
        nearby = self.overrides_within(rotation.start, day)
        for handle in rotation.engineers:
            override = next((o for o in nearby if o.holds(handle, day)), None)
            stand_in = handle if override is None else override.cover
            if stand_in is not None and stand_in.lower() not in {h.lower() for h in handles}:
                handles.append(stand_in)
        return tuple(handles)

    def override_for(self, handle: str, day: date) -> Override | None:
        """The Overrides row that takes `handle` off rotation on `day`, if any.

        "Is this person's day covered by an override": `override_for(h, day) is not None`
        (time off asks exactly this; a row with no cover still counts as the manager's
        decision)."""
        rotation = self.holding(day)  # an override always lies within one rotation
        nearby = self.overrides_within(rotation.start, day) if rotation else ()
        return next((o for o in nearby if o.holds(handle, day)), None)

    def overrides_within(self, first: date, last: date) -> tuple[Override, ...]:
        """The overrides starting from `first` to `last` (they are sorted by start)."""
        low = bisect_left(self.overrides, first, key=start_of)
        return self.overrides[low:bisect_right(self.overrides, last, key=start_of)]

    def handoffs(self, start: datetime, end: datetime | None = None) -> list[datetime]:
        """The instants in (start, end] at which `on_call`'s answer changes, sorted, in the
        roster's timezone; `end=None` means every later one. An override's start and the
        day after its end are handoffs too, when they change the answer."""
        def wanted(m: datetime) -> bool:
            return start < m and (end is None or m <= end)

        moments = {m for r in self.rotations for m in (self.begins(r), self.ends(r))
                   if wanted(m)}
        lived = {m for o in self.overrides for m in self.override_moments(o)
                 if wanted(m) and m not in moments and self.changes_at(m)}
        return sorted(moments | lived)

    def override_moments(self, override: Override) -> tuple[datetime, datetime]:
        return self.handoff_on(override.start), self.handoff_on(override.end + timedelta(days=1))

    def changes_at(self, moment: datetime) -> bool:
        return self.on_call(moment) != self.on_call(moment - timedelta(microseconds=1))

    def running(self, at: datetime) -> Rotation | None:
        """The rotation holding the roster day of `at`; rotations never overlap."""
        return self.holding(self.day_of(at))

    def holding(self, day: date) -> Rotation | None:
        """The first rotation (by start) holding `day`. Bisection finds the last one starting
        by then; earlier ones are looked at only while one of them still reaches `day`
        (overlapping rotations, an error the roster may still show)."""
        found, index = None, bisect_right(self.rotations, day, key=rotation_start) - 1
        while index >= 0 and self.reach[index] >= day:
            if self.rotations[index].end >= day:
                found = self.rotations[index]
            index -= 1
        return found

    @cached_property
    def reach(self) -> list[date]:
        """The latest End among the rotations up to each one, in start order."""
        return list(accumulate((r.end for r in self.rotations), max))

    def day_of(self, at: datetime) -> date:
        """The roster day `at` falls in: it begins at that day's handoff instant."""
        local = at.astimezone(self.tz).date()
        return local if self.handoff_on(local) <= at else local - timedelta(days=1)

    def before(self, rotation: Rotation) -> Rotation | None:
        """The rotation that started last before `rotation`, if any."""
        earlier = [r for r in self.rotations if r.start < rotation.start]
        return max(earlier, key=lambda r: r.start) if earlier else None


def rotation_start(rotation: Rotation) -> date:
    return rotation.start


def start_of(override: Override) -> date:
    return override.start
