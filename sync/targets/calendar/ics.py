"""Rotations as an RFC 5545 .ics file any calendar app can subscribe to (the local backend).

Events carry X-ROTATION-SYNC-NAMESPACE, the ICS twin of Google's private extended property:
events without it (added by someone else) are kept as they are, byte for byte: the file is
cut into its components as written (`sync.core.ics_text`) and only our events are rendered
anew, so another tool's folding, property order and time zones never change.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar

from sync.clients.files import read_text, write_atomically
from sync.core.diff.plan import TargetPlan
from sync.core.ics_text import Piece, pieces
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.core.publish.ical import (
    UID_DOMAIN,
    EventText,
    all_day_event,
    as_date,
    new_calendar,
    next_sequence,
)
from sync.errors import TargetError
from sync.targets.base import Snapshot
from sync.targets.calendar.model import Attendee, CalendarTarget, EventSettings, EventState

OWNER_PROPERTY = "X-ROTATION-SYNC-NAMESPACE"
OVERRIDE_PREFIX = "override-"


class IcsCalendar(CalendarTarget):
    def __init__(self, path: Path, settings: EventSettings, namespace: str) -> None:
        super().__init__(settings)
        self.path = path
        self.namespace = namespace

    def desired(self, roster: Roster, clock: Clock,
                snapshot: Snapshot) -> tuple[dict[str, Any], list[str]]:
        """Strict clients refuse ATTENDEEs without an ORGANIZER: with none configured, the
        engineers are named in the description instead."""
        events, notes = super().desired(roster, clock, snapshot)
        if self.settings.organizer is None:
            events = {key: without_attendees(event) for key, event in events.items()}
        return events, notes

    def read(self) -> Snapshot:
        return Snapshot({self.key_of(event): to_state(event)
                         for event in self.owned(self.load())})

    def apply(self, plan: TargetPlan) -> list[str]:
        """Read the file again, so events added meanwhile by someone else are kept."""
        calendar = self.load()
        touched = {change.key for change in plan.changes}
        before = {self.key_of(c): c for c in self.owned(calendar)}
        created = [self.to_event(plan.desired[key], key, next_sequence(before.get(key)))
                   for key in sorted(touched & plan.desired.keys())]
        text = read_text(self.path) or new_calendar().to_ical().decode("utf-8")
        write_atomically(self.path, self.rewritten(text, touched, created))
        return []

    def rewritten(self, text: str, touched: set[str], created: list[Any]) -> str:
        """Every piece that is not ours as it was; ours that stay as they were, then the
        new ones, by start (so diffs stay readable); then END:VCALENDAR."""
        foreign: list[str] = []
        ours: list[tuple[str, str]] = []
        for piece in pieces(text):
            event = self.own_event(piece)
            if event is None:
                foreign.append(piece.text)
            elif self.key_of(event) not in touched:
                ours.append((order_of(event), piece.text))
        ours += [(order_of(event), event.to_ical().decode("utf-8")) for event in created]
        tail = foreign.pop() if foreign and "END:VCALENDAR" in foreign[-1].upper() \
            else "END:VCALENDAR\r\n"
        return "".join(foreign) + "".join(text for _key, text in sorted(ours)) + tail

    def own_event(self, piece: Piece) -> Any:
        """The piece as an event when it is one of ours; None for anything else."""
        if piece.name != "VEVENT" or not piece.complete or OWNER_PROPERTY not in piece.text:
            return None
        try:
            event = icalendar.Event.from_ical(piece.text)
        except ValueError:  # not readable, so not ours to rewrite
            return None
        return event if self.is_owned(event) else None

    # -- reading -------------------------------------------------------------------------
    def load(self) -> icalendar.Calendar:
        text = read_text(self.path)
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
        text = EventText(self.uid_for(key, state), state.start, state.end, state.summary,
                         state.description)
        event = all_day_event(text, sequence, datetime.now(UTC).replace(microsecond=0))
        if state.attendees and self.settings.organizer:
            event.add("ORGANIZER", f"mailto:{self.settings.organizer}")
        for attendee in state.attendees:
            event.add("ATTENDEE", f"mailto:{attendee.email}",
                      parameters={"CN": attendee.name, "ROLE": "REQ-PARTICIPANT"})
        event.add(OWNER_PROPERTY, self.namespace)
        return event


def without_attendees(event: EventState) -> EventState:
    if not event.attendees:
        return event
    names = ", ".join(f"{a.name} <{a.email}>" for a in event.attendees)
    return replace(event, attendees=(), description=f"{event.description}\nEngineers: {names}.")


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


def order_of(event: Any) -> str:
    return as_date(event.get("DTSTART")).isoformat() + str(event.get("UID", ""))
