"""Rotations as an RFC 5545 .ics file any calendar app can subscribe to (the local backend).

Events carry X-ROTATION-SYNC-NAMESPACE, the ICS twin of Google's private extended property:
events without it (added by someone else) are kept as they are, byte for byte: the file is
cut into its components as written (`sync.core.ics_text`) and only our events are rendered
anew, so another tool's folding, property order and time zones never change.

The file is parsed at most once per run: `read` parses our events (or, when the file is
byte for byte the one this tool last wrote or read, takes their states from the state
store without parsing), and `apply` re-cuts the file and parses only the pieces `read`
did not see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
from sync.targets.calendar.ics_memory import (
    digest,
    memory_key,
    recall_states,
    remember_states,
)
from sync.targets.calendar.model import Attendee, CalendarTarget, EventSettings, EventState
from sync.targets.memory import Memory

OWNER_PROPERTY = "X-ROTATION-SYNC-NAMESPACE"
OVERRIDE_PREFIX = "override-"


@dataclass(frozen=True, kw_only=True)
class IcsSnapshot(Snapshot):
    """The owned events as states, and the events `read` parsed, by their text as written,
    so `apply` does not parse them again."""

    parsed: Mapping[str, Any] = field(default_factory=dict)


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
        key, text_digest = memory_key(self.path, self.namespace), digest(text)
        states = recall_states(self.memory, key, text_digest)
        if states is not None:  # the very file last seen: no need to parse it
            return IcsSnapshot(states)
        parsed = self.parse_events(self.checked(text), {})
        events = [event for event in parsed.values() if event is not None]
        states = {self.key_of(event): to_state(event) for event in events}
        remember_states(self.memory, key, text_digest, states)
        return IcsSnapshot(states, parsed=parsed)

    def apply(self, plan: TargetPlan) -> list[str]:
        """Read the file again, so events added meanwhile by someone else are kept."""
        text = self.checked(read_text(self.path))
        seen = plan.actual.parsed if isinstance(plan.actual, IcsSnapshot) else {}
        parsed = self.parse_events(text, seen)
        touched = {change.key for change in plan.changes}
        before = {self.key_of(e): e for e in parsed.values() if e is not None}
        created = [self.to_event(plan.desired[key], key, next_sequence(before.get(key)))
                   for key in sorted(touched & plan.desired.keys())]
        written = self.rewritten(text, parsed, touched, created)
        write_atomically(self.path, written)
        kept = [event for key, event in before.items() if key not in touched]
        remember_states(self.memory, memory_key(self.path, self.namespace), digest(written),
                        {self.key_of(e): to_state(e) for e in kept + created})
        return []

    def rewritten(self, text: str, parsed: Mapping[str, Any], touched: set[str],
                  created: list[Any]) -> str:
        """Every piece that is not ours as it was; ours that stay as they were, then the
        new ones, by start (so diffs stay readable); then END:VCALENDAR."""
        foreign: list[str] = []
        ours: list[tuple[str, str]] = []
        for piece in pieces(text):
            event = parsed.get(piece.text)
            if event is None:
                foreign.append(piece.text)
            elif self.key_of(event) not in touched:
                ours.append((order_of(event), piece.text))
        ours += [(order_of(event), event.to_ical().decode("utf-8")) for event in created]
        tail = foreign.pop() if foreign and "END:VCALENDAR" in foreign[-1].upper() \
            else "END:VCALENDAR\r\n"
        return "".join(foreign) + "".join(text for _key, text in sorted(ours)) + tail

    def parse_events(self, text: str, seen: Mapping[str, Any]) -> dict[str, Any]:
        """Each piece of the file that may be ours, as an event (None when it is not ours);
        the pieces in `seen` were parsed already this run."""
        return {piece.text: seen[piece.text] if piece.text in seen else self.own_event(piece)
                for piece in pieces(text) if may_be_ours(piece)}

    def own_event(self, piece: Piece) -> Any:
        """The piece as an event when it is one of ours; None for anything else."""
        try:
            event = icalendar.Event.from_ical(piece.text)
        except ValueError:  # not readable, so not ours to rewrite
            return None
        return event if self.is_owned(event) else None

    # -- reading -------------------------------------------------------------------------
    def checked(self, text: str | None) -> str:
        """The file's text, or an empty calendar's when there is no file yet."""
        if text is None:
            return str(new_calendar().to_ical().decode("utf-8"))
        if not text.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCALENDAR"):
            raise TargetError(f"The calendar file {self.path} is not a valid .ics file (it "
                              "does not begin with BEGIN:VCALENDAR); it was left untouched.")
        return text

    def is_owned(self, component: Any) -> bool:
        return bool(component.name == "VEVENT"
                    and str(component.get(OWNER_PROPERTY, "")) == self.namespace)

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


def may_be_ours(piece: Piece) -> bool:
    return piece.name == "VEVENT" and piece.complete and OWNER_PROPERTY in piece.text


def order_of(event: Any) -> str:
    return as_date(event.get("DTSTART")).isoformat() + str(event.get("UID", ""))
