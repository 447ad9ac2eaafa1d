"""A loopback HTTP server for an HR system's time-off feed (an RFC 5545 `.ics` text).

Usage::

    with FakeFeed() as feed:
        url = feed.serve("/hr/time-off.ics", ics_feed([
            FeedEvent("Bolaji Olajide - Vacation", date(2026, 12, 3), date(2026, 12, 6),
                      attendees=["bolaji@example.com"]),
        ]))
        ...                                   # the code under test GETs `url`
        assert len(feed.fetches("/hr/time-off.ics")) == 1

Faults reuse `FakeServer.fail`: `feed.server_error(path)`, `feed.drop(path)`,
`feed.missing(path)` (a scripted 404), or `feed.remove(path)` for a feed that is gone.
Hostile servers: `feed.trickle(path, body)` sends one byte at a time until `stop()`;
`feed.serve(path, body, gzip=True)` sends it gzip-encoded (a bomb inflates far beyond its
size on the wire); `feed.redirect(path, location)` answers 302.
"""

from __future__ import annotations

import gzip as gzip_codec
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Any, Self

from .base import DROP, FakeServer, Request, Response

ICS_TYPE = "text/calendar; charset=utf-8"


@dataclass
class Document:
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    trickle: bool = False


class FakeFeed(FakeServer):
    """Serves documents at paths (GET); everything else is a plain-text 404."""

    def __init__(self) -> None:
        super().__init__()
        self.documents: dict[str, Document] = {}
        self.stopping = threading.Event()
        self.redirect_status = 302
        self.route("GET", r"(?P<path>/.*)", self._get)

    def start(self) -> Self:
        super().start()
        return self

    def __enter__(self) -> Self:
        return self.start()

    # -- content ---------------------------------------------------------------------
    def serve(self, path: str, body: str | bytes, content_type: str = ICS_TYPE,
              gzip: bool = False) -> str:
        """Serve `body` at `path` (replacing what was there); returns the full URL."""
        data = body.encode() if isinstance(body, str) else body
        headers = {"Content-Encoding": "gzip"} if gzip else {}
        with self.lock:
            self.documents[path] = Document(gzip_codec.compress(data) if gzip else data,
                                            content_type, headers)
        return self.url(path)

    def trickle(self, path: str, body: str) -> str:
        """Serve `body` one byte at a time, a byte every 50 ms, until `stop()`."""
        with self.lock:
            self.documents[path] = Document(body.encode(), ICS_TYPE, trickle=True)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        with self.lock:
            self.documents[path] = Document(b"", ICS_TYPE, {"Location": location})
            self.redirect_status = status
        return self.url(path)

    def stop(self) -> None:
        self.stopping.set()
        super().stop()

    def remove(self, path: str) -> None:
        with self.lock:
            self.documents.pop(path, None)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    # -- inspection and faults ---------------------------------------------------------
    def fetches(self, path: str | None = None) -> list[Request]:
        """Every GET received (faulted ones included), of one path or of all."""
        pattern = "" if path is None else rf"^{re.escape(path)}$"
        return self.calls("GET", pattern)

    def server_error(self, path: str, times: int = 1, status: int = 500) -> None:
        self.fail(rf"^{re.escape(path)}$", Response(status, HTTPStatus(status).phrase), times)

    def drop(self, path: str, times: int = 1) -> None:
        """Close the connection without an answer (clients see a reset / RemoteDisconnected)."""
        self.fail(rf"^{re.escape(path)}$", DROP, times)

    def missing(self, path: str, times: int = 1) -> None:
        self.fail(rf"^{re.escape(path)}$", Response(404, "Not Found"), times)

    # -- dispatch --------------------------------------------------------------------
    def _get(self, request: Request, match: re.Match[str]) -> Response:
        document = self.documents.get(match["path"])
        if document is None:
            return self.not_found(request)
        if "Location" in document.headers:
            return Response(self.redirect_status, b"", dict(document.headers))
        headers = {"Content-Type": document.content_type, **document.headers}
        if document.trickle:
            return Response(200, document.body, headers, stream=self._trickler(document.body))
        return Response(200, document.body, headers)

    def _trickler(self, body: bytes) -> Callable[[Any], None]:
        def send(out: Any) -> None:
            for index in range(len(body)):
                if self.stopping.wait(0.05):  # the server's pace, not the test's wait
                    return
                try:
                    out.write(body[index:index + 1])
                    out.flush()
                except OSError:  # the client hung up: the point of the test
                    return
        return send

    def not_found(self, request: Request) -> Response:
        return Response(404, "Not Found")


# ======================================================================================
# Building the ICS text
# ======================================================================================

@dataclass
class FeedEvent:
    """One VEVENT. Dates are all-day with an exclusive `end` (RFC 5545 DTEND); aware
    datetimes are written in UTC (`...Z`), naive ones as floating local time."""

    summary: str
    start: date | datetime
    end: date | datetime
    uid: str | None = None
    attendees: Sequence[str] = field(default_factory=tuple)
    organizer: str | None = None
    description: str | None = None
    status: str | None = None  # e.g. "CANCELLED"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _when(name: str, value: date | datetime) -> str:
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{value:%Y%m%d}"
    if value.tzinfo is None:
        return f"{name}:{value:%Y%m%dT%H%M%S}"
    return f"{name}:{value.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _fold(line: str) -> str:
    """Fold at 75 octets with CRLF + space, never inside a UTF-8 sequence."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not out else 74  # continuation lines start with a space
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def ics_feed(events: Iterable[FeedEvent], *, prodid: str = "-//Fake HR//Time off//EN",
             name: str = "Time off") -> str:
    """A VCALENDAR with one VEVENT per event, CRLF line ends and folded lines."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    for n, event in enumerate(events, start=1):
        lines += ["BEGIN:VEVENT", f"UID:{event.uid or f'time-off-{n}@hr.example.com'}",
                  "DTSTAMP:20261101T000000Z", _when("DTSTART", event.start),
                  _when("DTEND", event.end), f"SUMMARY:{_escape(event.summary)}"]
        if event.description:
            lines.append(f"DESCRIPTION:{_escape(event.description)}")
        if event.organizer:
            lines.append(f"ORGANIZER:mailto:{event.organizer}")
        lines += [f"ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:{a}" for a in event.attendees]
        if event.status:
            lines.append(f"STATUS:{event.status}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
