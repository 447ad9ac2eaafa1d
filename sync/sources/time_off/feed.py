"""An HR system's time-off feed (ICS), from an https URL or a file.

An event belongs to the person whose Email is its ATTENDEE or ORGANIZER, or whose Name
leads its SUMMARY ("Bolaji Olajide - Vacation"). The summary is only matched, never kept.
All-day events are dates and stay dates (DTEND exclusive): they are never moved through
UTC, so a day off in Lagos is the same day everywhere. Timed events are the days they
touch in the person's own timezone.

The feed is someone else's data: it is fetched within limits (`sync.clients.fetch`) and
read one event at a time. Recurrence (RRULE, RDATE, EXDATE, RECURRENCE-ID) and DURATION
are expanded by `recurring-ical-events` within the days the rotations span; an event that
cannot be read is one warning naming the feed and where the event is, and the others are
used. A feed that cannot be fetched at all is one warning; never a failed run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import recurring_ical_events
import requests
from icalendar import Calendar

from sync.clients.fetch import FetchLimits, FetchRefused, fetch
from sync.clients.secrets import shown_url
from sync.core.ics_text import Piece, pieces
from sync.core.lived.absence import Absence
from sync.core.lived.clock import zone
from sync.core.lived.roster import Person
from sync.sources.time_off import Unreadable

SOURCE = "the HR feed"
ACCEPT = "text/calendar"
FeedResult = tuple[list[Absence], list[Unreadable]]


def read_feed(location: str, people: Iterable[Person], first: date, last: date,
              limits: FetchLimits | None = None) -> FeedResult:
    """The absences the feed holds between `first` and `last` (inclusive), and one
    problem per event (or for the whole feed) that could not be read."""
    name = f"The HR feed {shown(location)}"
    try:
        text = load(location, limits or FetchLimits())
    except Exception as error:  # a feed that cannot be read never fails a run
        return [], [Unreadable(None, f"{name} cannot be read ({reason(error)}); check "
                                     "[time_off] ics_url. The next run tries again.")]
    parts = pieces(text)
    if not any(piece.name == "VEVENT" for piece in parts) and not is_calendar(parts):
        return [], [Unreadable(None, f"{name} cannot be read (not an ICS calendar); check "
                                     "[time_off] ics_url. The next run tries again.")]
    return read_events(parts, Matcher(list(people)), first, last, name)


def load(location: str, limits: FetchLimits) -> str:
    if "://" not in location:
        return Path(location).read_text(encoding="utf-8-sig")
    body = fetch(location, limits, ACCEPT, f"the HR feed {shown(location)}")
    return body.decode("utf-8-sig", errors="replace")


def is_calendar(parts: list[Piece]) -> bool:
    return bool(parts) and parts[0].text.lstrip("\ufeff \r\n").upper().startswith(
        "BEGIN:VCALENDAR")


def read_events(parts: list[Piece], match: Matcher, first: date, last: date,
                name: str) -> FeedResult:
    """Each UID's events together (a recurrence and its changed instances), apart from the
    others: one that cannot be read is skipped with a warning naming its line."""
    zones = "".join(piece.text for piece in parts if piece.name == "VTIMEZONE")
    found: list[Absence] = []
    problems: list[Unreadable] = []
    for group in by_uid([piece for piece in parts if piece.name == "VEVENT"]):
        try:
            found += group_absences(group, zones, match, first, last)
        except Exception as error:  # one event's fault: the others are still read
            problems.append(Unreadable(None, f"{name}: the event at line {group[0].line} "
                                             f"cannot be read ({item_reason(error)}); it was "
                                             "skipped and the rest of the feed was used."))
    return found, problems


def by_uid(events: list[Piece]) -> list[list[Piece]]:
    groups: dict[str, list[Piece]] = {}
    for index, piece in enumerate(events):
        uid = re.search(r"^UID:(.*)$", piece.text, re.MULTILINE | re.IGNORECASE)
        key = uid[1].strip() if uid and piece.complete else f"#{index}"
        groups.setdefault(key, []).append(piece)
    return list(groups.values())


def group_absences(group: list[Piece], zones: str, match: Matcher, first: date,
                   last: date) -> list[Absence]:
    if not all(piece.complete for piece in group):
        raise ValueError("it has no END:VEVENT")
    calendar = Calendar.from_ical("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//feed//EN\r\n"
                                  + zones + "".join(p.text for p in group) + "END:VCALENDAR\r\n")
    for event in calendar.walk("VEVENT"):
        if event.errors:
            prop, why = event.errors[0]
            raise ValueError(f"{prop}: {why}")
    # a day's margin each side: a timed event's days are the person's, up to a day from UTC
    window = recurring_ical_events.of(calendar).between(first - timedelta(days=1),
                                                        last + timedelta(days=2))
    absences = (event_absence(event, match) for event in window)
    return [absence for absence in absences if absence is not None]


def shown(location: str) -> str:
    """The feed as it may be shown: no userinfo, no query (HR feed URLs carry secrets)."""
    return shown_url(location) if "://" in location else Path(location).name


def reason(error: Exception) -> str:
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"HTTP {error.response.status_code}"
    if isinstance(error, FetchRefused):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, requests.RequestException):
        return f"the connection failed: {type(error).__name__}"
    return f"{type(error).__name__}"


def item_reason(error: Exception) -> str:
    """What is wrong with one event, without its text (a summary is private)."""
    text = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
    return shown_url(text) if "://" in text else text


class Matcher:
    """Whose event it is: an attendee's or organizer's email, else the leading Name."""

    def __init__(self, people: list[Person]) -> None:
        self.by_email = {p.email.lower(): p for p in people}
        self.by_name = sorted(people, key=lambda p: -len(p.name))  # longest name first

    def __call__(self, event: Any) -> Person | None:
        for address in addresses(event):
            if address in self.by_email:
                return self.by_email[address]
        summary = str(event.get("SUMMARY") or "").strip().lower()
        return next((p for p in self.by_name if leads(p.name.lower(), summary)), None)


def leads(name: str, summary: str) -> bool:
    return summary.startswith(name) and not re.match(r"\w", summary[len(name):len(name) + 1])


def addresses(event: Any) -> list[str]:
    attendees = event.get("ATTENDEE") or []
    values = [*(attendees if isinstance(attendees, list) else [attendees]),
              event.get("ORGANIZER")]
    return [str(v).lower().removeprefix("mailto:").strip() for v in values if v]


def event_absence(event: Any, match: Matcher) -> Absence | None:
    """One occurrence (recurring-ical-events has set its DTEND, from DURATION too)."""
    if str(event.get("STATUS") or "").upper() == "CANCELLED" or event.get("DTSTART") is None:
        return None
    person = match(event)
    if person is None:
        return None
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if event.get("DTEND") is not None else None
    first, last = days_of(start, end, person.timezone)
    return Absence(person.key, first, max(first, last), SOURCE)


def days_of(start: date | datetime, end: date | datetime | None,
            timezone: str) -> tuple[date, date]:
    """The first and last day (inclusive) an event covers."""
    if not isinstance(start, datetime):  # all-day: the dates as written, DTEND exclusive
        stop = end if isinstance(end, date) and not isinstance(end, datetime) else None
        return start, (stop - timedelta(days=1)) if stop and stop > start else start
    begin = local(start, timezone)
    finish = local(end, timezone) if isinstance(end, datetime) else begin
    return begin.date(), (finish - timedelta(microseconds=1)).date() if finish > begin \
        else begin.date()


def local(moment: datetime, timezone: str) -> datetime:
    """In the person's zone; a floating time (no zone) is already their local time."""
    tz = zone(timezone)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
