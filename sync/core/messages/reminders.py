"""Reminders before a shift (`[slack] remind_before`): who is due one, and when. Pure.

A lead time in days is counted in the roster's days: "7d" is the handoff time seven days
before the Start day, in the roster's timezone, whatever DST does in between; "12h" is
twelve hours before the Start's handoff instant. The one messenger sends each reminder
once (`sync.run.messenger`), keyed by person, Start and lead, so a moved rotation (a new
Start) is reminded anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sync.core.durations import SECONDS, seconds_of, split
from sync.core.lived.own_time import for_person
from sync.core.lived.roster import Override, Person, Roster, Rotation

LEAD_BOUNDS = ("remind_before", "1s", "365d")


@dataclass(frozen=True)
class Lead:
    """One `remind_before` entry: so many days (or hours) before a Start's handoff."""

    amount: int
    unit: Literal["d", "h", "m", "s"]

    @classmethod
    def parse(cls, text: str) -> Lead:
        """Any unit ("8760h" is "365d"); the bounds are checked on whole seconds first, so
        no number can overflow a date."""
        seconds_of(text, *LEAD_BOUNDS)
        amount, unit = split(text)
        return cls(amount * 7, "d") if unit == "w" else cls(amount, unit)  # type: ignore[arg-type]

    @property
    def span(self) -> timedelta:
        return timedelta(seconds=self.amount * SECONDS[self.unit])

    @property
    def key(self) -> str:
        return f"{self.amount}{self.unit}"

    def moment(self, roster: Roster, rotation: Rotation) -> datetime:
        return self.before(roster, rotation.start)

    def before(self, roster: Roster, start: date) -> datetime:
        """When a reminder of a shift beginning on `start` becomes due (a real local time,
        also across DST changes)."""
        if self.unit == "d":
            return roster.handoff_on(start - self.span)
        return (roster.handoff_on(start) - self.span).astimezone(roster.tz)


@dataclass(frozen=True)
class Reminder:
    """One direct message to `person` about `rotation`; `covers` are the memory keys it
    settles (the lead it is for, and longer leads that came due at the same run); `due_at`
    is when it became due (the messenger sends nothing due more than a day ago)."""

    person: Person
    rotation: Rotation
    lead: Lead
    text: str
    covers: tuple[str, ...]
    due_at: datetime


@dataclass(frozen=True)
class Reminders:
    """The message value: the reminders due now; `sent_key` names the messenger's memory
    of those already sent."""

    sent_key: str
    due: tuple[Reminder, ...]
    today: date


def fingerprint(person: Person, rotation: Rotation, lead: Lead) -> str:
    return f"{person.key} {rotation.start.isoformat()} {lead.key}"


def due(roster: Roster, now: datetime, leads: Sequence[Lead]) -> list[Reminder]:
    """Reminders due at `now`: for each engineer of a rotation that has not begun, the
    shortest lead whose moment has come (a late first run sends one message, not two)."""
    found = []
    for rotation in upcoming(roster, now):
        come = sorted((lead for lead in leads if lead.moment(roster, rotation) <= now),
                      key=lambda lead: lead.span)
        if not come:
            continue
        for person in (roster.person(handle) for handle in rotation.engineers):
            covers = tuple(fingerprint(person, rotation, lead) for lead in come)
            found.append(Reminder(person, rotation, come[0],
                                  reminder_text(roster, rotation, person, now), covers,
                                  come[0].moment(roster, rotation)))
    return found + cover_reminders(roster, now, leads)


def cover_reminders(roster: Roster, now: datetime, leads: Sequence[Lead]) -> list[Reminder]:
    """The same rule for each Cover of an override that has not begun: one message per
    lead, keyed by the override (a moved override, a new Start, is reminded anew)."""
    found = []
    for override in upcoming_overrides(roster, now):
        rotation = roster.holding(override.start)  # an override lies within one rotation
        come = sorted((lead for lead in leads if lead.before(roster, override.start) <= now),
                      key=lambda lead: lead.span)
        if not come or rotation is None or override.cover is None:
            continue
        person = roster.person(override.cover)
        covers = tuple(f"{person.key} {override.key} {lead.key}" for lead in come)
        found.append(Reminder(person, rotation, come[0],
                              cover_text(roster, override, now), covers,
                              come[0].before(roster, override.start)))
    return found


def upcoming_overrides(roster: Roster, now: datetime) -> list[Override]:
    return [o for o in roster.overrides
            if o.cover is not None and roster.handoff_on(o.start) > now]


def cover_text(roster: Roster, override: Override, now: datetime) -> str:
    """'You cover @b on the escalation engineer rotation 2026-11-16 to 2026-11-18, starting
    in 7 days.'"""
    return (f"You cover @{override.engineer} on the escalation engineer rotation "
            f"{override.start.isoformat()} to {override.end.isoformat()}, starting "
            f"{time_until(roster, override.start, now)}."
            + for_person(roster, roster.person(override.cover or override.engineer),
                         override.start, override.end))


def moments(roster: Roster, now: datetime, leads: Sequence[Lead]) -> list[datetime]:
    """The reminder moments after `now`, for `schedule`'s one-off runs."""
    starts = [r.start for r in upcoming(roster, now)] + \
        [o.start for o in upcoming_overrides(roster, now)]
    return sorted({lead.before(roster, start) for start in starts for lead in leads
                   if lead.before(roster, start) > now})


def upcoming(roster: Roster, now: datetime) -> list[Rotation]:
    return [rotation for rotation in roster.rotations if roster.begins(rotation) > now]


def reminder_text(roster: Roster, rotation: Rotation, person: Person, now: datetime) -> str:
    """'Your escalation engineer rotation 2026-12-07 to 2027-01-03 starts in 7 days, with
    @a and @b.' The time left is counted from now, so a late run does not say 7 days."""
    others = [f"@{handle}" for handle in rotation.engineers if handle.lower() != person.key]
    company = f", with {joined(others)}" if others else ""
    return (f"Your escalation engineer rotation {rotation.label} starts "
            f"{time_left(roster, rotation, now)}{company}."
            + for_person(roster, person, rotation.start, rotation.end))


def time_left(roster: Roster, rotation: Rotation, now: datetime) -> str:
    return time_until(roster, rotation.start, now)


def time_until(roster: Roster, start: date, now: datetime) -> str:
    begins = roster.handoff_on(start)
    days = (start - roster.day_of(now)).days
    if days >= 1:
        return f"in {days} day{'s' if days != 1 else ''}"
    hours = max(1, round((begins - now).total_seconds() / 3600))
    return f"in {hours} hour{'s' if hours != 1 else ''} ({begins:%H:%M %Z})"


def joined(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
