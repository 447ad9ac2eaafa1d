"""An HR system's time-off feed (ICS), from an https URL or a file.

An event belongs to the person whose Email is its ATTENDEE or ORGANIZER, or whose Name
leads its SUMMARY ("Bolaji Olajide - Vacation"). The summary is only matched, never kept.
All-day events are dates and stay dates (DTEND exclusive): they are never moved through
UTC, so a day off in Lagos is the same day everywhere. Timed events are the days they
touch in the person's own timezone. A feed that cannot be read is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from icalendar import Calendar

from sync.clients.retry import Retryable, parse_retry_after, with_retry
from sync.core.lived.absence import Absence
from sync.core.lived.clock import zone
from sync.core.lived.roster import Person
from sync.sources.time_off import Unreadable

SOURCE = "the HR feed"
TIMEOUT = (10.0, 30.0)  # (connect, read) seconds
MAX_BYTES = 20_000_000  # a feed larger than this is not a time-off feed


def read_feed(location: str, people: Iterable[Person]) -> list[Absence] | Unreadable:
    try:
        text = fetch(location)
        events = Calendar.from_ical(text).walk("VEVENT")
    except Exception as error:  # a feed that cannot be read never fails a run
        return Unreadable(None, f"The HR feed {shown(location)} cannot be read "
                                f"({reason(error)}); check [time_off] ics_url. The next run "
                                "tries again.")
    match = Matcher(list(people))
    found = (event_absence(event, match) for event in events)
    return [absence for absence in found if absence is not None]


def fetch(location: str) -> str:
    if not location.startswith(("https://", "http://")):
        return Path(location).read_text(encoding="utf-8-sig")
    response = with_retry(lambda: get(location), classify, f"the HR feed {shown(location)}")
    return response.text


def get(url: str) -> requests.Response:
    response = requests.get(url, timeout=TIMEOUT, headers={"Accept": "text/calendar"})
    response.raise_for_status()
    if len(response.content) > MAX_BYTES:
        raise ValueError(f"the feed is larger than {MAX_BYTES // 1_000_000} MB")
    return response


def classify(error: Exception) -> Retryable:
    """The shared policy's transient failures: 408, 429, 5xx, a lost connection."""
    if isinstance(error, requests.HTTPError) and error.response is not None:
        status = error.response.status_code
        retry = status in (408, 429) or status >= 500
        return Retryable(retry, parse_retry_after(error.response.headers.get("Retry-After")))
    return Retryable(isinstance(error, requests.ConnectionError | requests.Timeout))


def shown(location: str) -> str:
    """The feed without its query: HR feed URLs often carry a secret token there."""
    parts = urlsplit(location)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else \
        Path(location).name


def reason(error: Exception) -> str:
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"HTTP {error.response.status_code}"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, requests.RequestException):
        return f"the connection failed: {type(error).__name__}"
    return f"not an ICS calendar: {type(error).__name__}"


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
