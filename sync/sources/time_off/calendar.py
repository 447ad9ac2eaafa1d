"""Out-of-office events from each engineer's own Google Calendar.

The service account acts as each person (domain-wide delegation) with the narrow scope
`calendar.events.readonly`, and asks `events.list` for `eventTypes=outOfOffice` only, with a
`fields` mask of the times: an event's title and description are not even sent back, so
nothing private can be stored, logged or shown. One credential per person, cached for the
run: a token grant and one list call per person is the whole cost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import google.auth.exceptions
import google_auth_httplib2
import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from sync.clients.google import (
    CREDENTIALS_ENV,
    account_email,
    classify,
    credentials,
    is_service_account,
)
from sync.clients.retry import with_retry
from sync.core.lived.absence import Absence
from sync.core.lived.clock import zone
from sync.core.lived.roster import Person
from sync.errors import ConfigError
from sync.sources.time_off import Unreadable

SCOPE = "https://www.googleapis.com/auth/calendar.events.readonly"
FIELDS = "items(status,start,end),nextPageToken"  # times only: no title, no description
SOURCE = "Google Calendar"
TIMEOUT_SECONDS = 60


class OutOfOffice:
    """Reads people's out-of-office days; one instance per run (it caches credentials)."""

    def __init__(self, endpoint: str, base: Any = None,
                 endpoint_key: str = "[calendar] calendar_endpoint") -> None:
        """`endpoint_key` is the config key that moved `endpoint`, named in the advice."""
        self.endpoint = endpoint.rstrip("/") + "/"
        self.endpoint_key = endpoint_key
        self.base = base if base is not None else credentials([SCOPE])
        if not is_service_account(self.base):
            raise ConfigError("[time_off] google_calendar = true needs a service account with "
                              f"domain-wide delegation: set {CREDENTIALS_ENV} to its JSON key "
                              "file (see the README, \"Time off from Google Calendar\").")
        self.services: dict[str, Any] = {}

    def read(self, person: Person, first: date, last: date
             ) -> list[Absence | Unreadable] | Unreadable:
        """The days `person` is out of office between `first` and `last` (inclusive); an
        event that cannot be read is one warning, and the others are used."""
        try:
            events = self.list_events(person, first, last)
        except Exception as error:  # any failure is the admin's to fix, never a failed run
            return Unreadable(person, self.explain(person, error))
        found: list[Absence | Unreadable] = []
        for number, event in enumerate(events, start=1):
            try:
                absence = to_absence(person, event)
            except (ValueError, TypeError, AttributeError, OverflowError):  # Google's data
                found.append(Unreadable(person, unreadable_event(person, number, event)))
                continue
            found += [absence] if absence is not None else []
        return found

    def list_events(self, person: Person, first: date, last: date) -> list[dict[str, Any]]:
        service = self.service(person.email)
        window = {"calendarId": person.email, "eventTypes": "outOfOffice",
                  "singleEvents": True, "fields": FIELDS, "maxResults": 2500,
                  "timeMin": stamp(first - timedelta(days=1)),
                  "timeMax": stamp(last + timedelta(days=2))}  # any zone's day fits inside
        events: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = self.call(lambda t=token: service.events().list(  # type: ignore[misc]
                **window, **({"pageToken": t} if t else {})).execute(),
                f"Google Calendar: out-of-office events of {person.email}")
            events += page.get("items") or []
            token = page.get("nextPageToken")
            if not token:
                return events

    def service(self, email: str) -> Any:
        if email not in self.services:
            creds = self.base.with_subject(email)
            http = google_auth_httplib2.AuthorizedHttp(
                creds, http=httplib2.Http(timeout=TIMEOUT_SECONDS))
            self.services[email] = build("calendar", "v3", http=http, static_discovery=True,
                                         cache_discovery=False,
                                         client_options={"api_endpoint": self.endpoint})
        return self.services[email]

    @staticmethod
    def call(send: Callable[[], dict[str, Any]], what: str) -> dict[str, Any]:
        return with_retry(send, classify, what)

    def explain(self, person: Person, error: Exception) -> str:
        who = f"{person.name}'s calendar ({person.email})"
        client = account_email(self.base)
        if "unauthorized_client" in str(error):
            return (f"{who} cannot be read: domain-wide delegation is not granted. A "
                    f"Workspace admin adds the client ID of {client} with the scope {SCOPE} "
                    "(Admin console > Security > API controls > Domain-wide delegation).")
        if isinstance(error, HttpError) and error.status_code in (403, 404):
            return (f"{who} cannot be read (HTTP {error.status_code}): check that "
                    f"{person.email} is a user of the Workspace domain and that the Calendar "
                    "API is enabled in the service account's project.")
        if isinstance(error, google.auth.exceptions.RefreshError):
            return (f"{who} cannot be read: Google refused the token for {person.email} "
                    f"({type(error).__name__}); check that the address is a Workspace user.")
        return (f"{who} cannot be read right now ({type(error).__name__} at {self.endpoint}); "
                f"the next run tries again. Check {self.endpoint_key} and the network.")


def stamp(day: date) -> str:
    return datetime.combine(day, time(0), UTC).isoformat().replace("+00:00", "Z")


def unreadable_event(person: Person, number: int, event: Any) -> str:
    """Which event, by its start as Google sent it (never a title: none is asked for)."""
    start = event.get("start") if isinstance(event, dict) else None
    return (f"{person.name}'s calendar ({person.email}): out-of-office event {number} (start "
            f"{str(start)[:60]}) cannot be read; it was skipped and the others were used.")


def to_absence(person: Person, event: dict[str, Any]) -> Absence | None:
    """All-day events are dates (end exclusive); timed ones are the days they touch in the
    person's own timezone."""
    if event.get("status") == "cancelled":
        return None
    start, end = event.get("start") or {}, event.get("end") or {}
    if "date" in start:
        first = date.fromisoformat(start["date"])
        last = date.fromisoformat(end.get("date", start["date"])) - timedelta(days=1)
    elif "dateTime" in start:
        tz = zone(person.timezone)
        begin = datetime.fromisoformat(start["dateTime"]).astimezone(tz)
        finish = datetime.fromisoformat(end.get("dateTime", start["dateTime"])).astimezone(tz)
        first, last = begin.date(), (finish - timedelta(microseconds=1)).date()
    else:
        return None
    return Absence(person.key, first, max(first, last), SOURCE)
