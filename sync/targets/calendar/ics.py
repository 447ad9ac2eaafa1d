"""Rotations as an RFC 5545 .ics file any calendar app can subscribe to (the local backend).

Events carry X-ROTATION-SYNC-NAMESPACE, the ICS twin of Google's private extended property:
events without it (added by someone else) are kept as they are.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar

from sync.clients.files import read_text, write_atomically
from sync.core.diff.plan import TargetPlan
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.errors import TargetError
from sync.targets.base import Snapshot
from sync.targets.calendar.ics_memory import (
    States,
    digest,
    memory_key,
    recall_states,
    remember_states,
)
from sync.targets.calendar.model import Attendee, CalendarTarget, EventSettings, EventState
from sync.targets.memory import Memory

OWNER_PROPERTY = "X-ROTATION-SYNC-NAMESPACE"
PRODID = "-//rotation-sync//rotation-sync//EN"
UID_DOMAIN = "rotation-sync"
OVERRIDE_PREFIX = "override-"


@dataclass(frozen=True, kw_only=True)
class IcsSnapshot(Snapshot):
    """The owned events as states; the file's digest and, when it was parsed, the parsed
    calendar, so apply does not parse an unchanged file again."""

    digest: str
    calendar: icalendar.Calendar | None = None


class IcsCalendar(CalendarTarget):
    def __init__(self, path: Path, settings: EventSettings, namespace: str,
                 memory: Memory | None = None) -> None:
        super().__init__(settings)
        self.path = path
        self.namespace = namespace
        self.memory = memory  # the state store: the events of the file last seen

    def desired(self, roster: Roster, clock: Clock,
                snapshot: Snapshot) -> tuple[dict[str, Any], list[str]]:
        """Strict clients refuse ATTENDEEs without an ORGANIZER: with none configured, the
        engineers are named in the description instead."""
        events, notes = super().desired(roster, clock, snapshot)
        if self.settings.organizer is None:
            events = {key: without_attendees(event) for key, event in events.items()}
        return events, notes

    def read(self) -> IcsSnapshot:
        text = read_text(self.path)
        text_digest = digest(text)
        key = memory_key(self.path, self.namespace)
        states = recall_states(self.memory, key, text_digest)
        if states is not None:  # the very file last seen: no need to parse it
            return IcsSnapshot(states, digest=text_digest)
        calendar = self.parse(text)
        states = self.states(calendar)
        remember_states(self.memory, key, text_digest, states)
        return IcsSnapshot(states, digest=text_digest, calendar=calendar)

    def apply(self, plan: TargetPlan) -> list[str]:
        """Read the file again, so events added meanwhile by someone else are kept; it is
        parsed again only if it changed since `read` parsed it."""
        calendar = self.reread(plan.actual)
        touched = {change.key for change in plan.changes}
        before = {self.key_of(c): c for c in self.owned(calendar)}
        kept = [c for c in calendar.subcomponents if not self.is_owned(c)
                or self.key_of(c) not in touched]
        created = [self.to_event(plan.desired[key], key, next_sequence(before.get(key)))
                   for key in sorted(touched & plan.desired.keys())]
        calendar.subcomponents = sort_events(kept + created)
        text = calendar.to_ical().decode("utf-8")
        write_atomically(self.path, text)
        remember_states(self.memory, memory_key(self.path, self.namespace), digest(text),
                        self.states(calendar))
        return []

    # -- reading -------------------------------------------------------------------------
    def reread(self, snapshot: Mapping[str, Any]) -> icalendar.Calendar:
        """The file as it is now, as a calendar of our own (the snapshot's stays as read)."""
        text = read_text(self.path)
        if isinstance(snapshot, IcsSnapshot) and snapshot.calendar is not None \
                and snapshot.digest == digest(text):
            return copy.copy(snapshot.calendar)
        return self.parse(text)

    def states(self, calendar: icalendar.Calendar) -> States:
        return {self.key_of(event): to_state(event) for event in self.owned(calendar)}

    def parse(self, text: str | None) -> icalendar.Calendar:
        if text is None:
            return new_calendar()
        try:
            return icalendar.Calendar.from_ical(text)
        except ValueError as error:
            raise TargetError(f"The calendar file {self.path} is not a valid .ics file "
                              f"({error}); it was left untouched.") from None

    def is_owned(self, component: Any) -> bool:
        return bool(component.name == "VEVENT"
                    and str(component.get(OWNER_PROPERTY, "")) == self.namespace)

    def owned(self, calendar: icalendar.Calendar) -> list[Any]:
        return [c for c in calendar.subcomponents if self.is_owned(c)]

    def key_of(self, event: Any) -> str:
        """An override's key is in its UID; a rotation's is its start day (as before UIDs
        told them apart, so files written by older versions keep their events)."""
        uid = str(event.get("UID", ""))
        middle = uid.removeprefix(f"{self.namespace}-").removesuffix(f"@{UID_DOMAIN}")
        return middle if middle.startswith(OVERRIDE_PREFIX) else \
            as_date(event.get("DTSTART")).isoformat()

    def uid_for(self, key: str, state: EventState) -> str:
        """`<namespace>-<YYYYMMDD>@rotation-sync`, and for an override
        `<namespace>-override-<engineer>-<YYYYMMDD>@rotation-sync`."""
        middle = key if key.startswith(OVERRIDE_PREFIX) else f"{state.start:%Y%m%d}"
        return f"{self.namespace}-{middle}@{UID_DOMAIN}"

    # -- writing -------------------------------------------------------------------------
    def to_event(self, state: EventState, key: str, sequence: int = 0) -> icalendar.Event:
        event = icalendar.Event()
        event.add("UID", self.uid_for(key, state))
        event.add("DTSTAMP", datetime.now(UTC).replace(microsecond=0))
        event.add("SEQUENCE", sequence)
        event.add("DTSTART", state.start)
        event.add("DTEND", state.end)
        event.add("SUMMARY", state.summary)
        event.add("DESCRIPTION", state.description)
        event.add("TRANSP", "TRANSPARENT")
        if state.attendees and self.settings.organizer:
            event.add("ORGANIZER", f"mailto:{self.settings.organizer}")
        for attendee in state.attendees:
            event.add("ATTENDEE", f"mailto:{attendee.email}",
                      parameters={"CN": attendee.name, "ROLE": "REQ-PARTICIPANT"})
        event.add(OWNER_PROPERTY, self.namespace)
        return event


def next_sequence(previous: Any) -> int:
    """One more than the event this one replaces (kept in the file itself, so it persists
    across runs and machines): clients that trust SEQUENCE take the new dates."""
    if previous is None:
        return 0
    try:
        return max(0, int(str(previous.get("SEQUENCE", 0)))) + 1
    except ValueError:
        return 1


def without_attendees(event: EventState) -> EventState:
    if not event.attendees:
        return event
    names = ", ".join(f"{a.name} <{a.email}>" for a in event.attendees)
    return replace(event, attendees=(), description=f"{event.description}\nEngineers: {names}.")


def new_calendar() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("X-WR-CALNAME", "Escalation engineer rotation")
    return calendar


def to_state(event: Any) -> EventState:
    attendees = event.get("ATTENDEE", [])
    attendees = attendees if isinstance(attendees, list) else [attendees]
    return EventState(
        start=as_date(event.get("DTSTART")),
        end=as_date(event.get("DTEND")),
        summary=str(event.get("SUMMARY", "")),
        description=str(event.get("DESCRIPTION", "")),
        attendees=tuple(sorted(Attendee(str(a).removeprefix("mailto:"),
                                        str(a.params.get("CN", ""))) for a in attendees)),
    )


def as_date(prop: Any) -> date:
    value = prop.dt if prop is not None else date.min
    return value.date() if isinstance(value, datetime) else value


def sort_events(components: list[Any]) -> list[Any]:
    """Foreign components first in their order, then ours by start, so diffs stay readable."""
    def order(component: Any) -> tuple[int, str]:
        if component.name != "VEVENT" or OWNER_PROPERTY not in component:
            return 0, ""
        return 1, as_date(component.get("DTSTART")).isoformat() + str(component.get("UID", ""))
    return sorted(components, key=order)


