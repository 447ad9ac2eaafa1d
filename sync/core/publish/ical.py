"""The ICS conventions every calendar file of the tool shares (the ICS target, the feeds).

icalendar does RFC 5545's part (CRLF, lines folded at 75 octets, TEXT escaping); this module
holds ours: the calendar's header, how one all-day event is written, and how an event's
SEQUENCE and DTSTAMP follow from the file it replaces, so strict clients take new dates and
an unchanged event stays byte for byte the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import icalendar

PRODID = "-//rotation-sync//rotation-sync//EN"
UID_DOMAIN = "rotation-sync"
CALENDAR_NAME = "Escalation engineer rotation"


@dataclass(frozen=True)
class EventText:
    """One all-day event as a calendar shows it; `end` is exclusive, as ICS stores it."""

    uid: str
    start: date
    end: date
    summary: str
    description: str


@dataclass(frozen=True)
class Stamp:
    """What the previous file said of an event: its revision number and time."""

    sequence: int
    stamp: datetime


def new_calendar(name: str = CALENDAR_NAME) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("X-WR-CALNAME", icalendar.vText(name))  # TEXT: escaped like SUMMARY
    return calendar


def all_day_event(text: EventText, sequence: int, stamp: datetime) -> icalendar.Event:
    """Free time (TRANSP:TRANSPARENT): being on rotation does not block anyone's calendar."""
    event = icalendar.Event()
    event.add("UID", text.uid)
    event.add("DTSTAMP", stamp)
    event.add("SEQUENCE", sequence)
    event.add("DTSTART", text.start)
    event.add("DTEND", text.end)
    event.add("SUMMARY", text.summary)
    event.add("DESCRIPTION", text.description)
    event.add("TRANSP", "TRANSPARENT")
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


def revision(text: EventText, previous: Any, now: datetime) -> Stamp:
    """An event as it was keeps its SEQUENCE and DTSTAMP (a no-op rewrites nothing); new
    dates raise SEQUENCE; any change is stamped `now`."""
    if previous is None:
        return Stamp(0, now)
    sequence = next_sequence(previous) - 1
    if (as_date(previous.get("DTSTART")), as_date(previous.get("DTEND"))) != \
            (text.start, text.end):
        return Stamp(sequence + 1, now)
    same = str(previous.get("SUMMARY", "")) == text.summary and \
        str(previous.get("DESCRIPTION", "")) == text.description
    stamp = previous.get("DTSTAMP")
    if same and stamp is not None and isinstance(stamp.dt, datetime):
        return Stamp(sequence, stamp.dt)
    return Stamp(sequence, now)


def events_by_uid(text: str | None) -> dict[str, Any]:
    """The events of a calendar file we wrote before; an unreadable file counts as none
    (it is ours, and is written anew)."""
    if not text:
        return {}
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError:
        return {}
    return {str(event.get("UID", "")): event for event in calendar.walk("VEVENT")}


def as_date(prop: Any) -> date:
    value = prop.dt if prop is not None else date.min
    return value.date() if isinstance(value, datetime) else value


