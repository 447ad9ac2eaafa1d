"""One request limiter per Google project and Slack workspace, under their per-minute quotas.

A process holds one set of credentials (GOOGLE_APPLICATION_CREDENTIALS, SLACK_BOT_TOKEN), so
it speaks for one Google project and one Slack workspace: one limiter per service per process
is one per project and workspace. Every API call already goes through
`sync.clients.retry.with_retry`, which names its service first ("Google Sheets: …"); that is
where `pace` is called, so every request is paced with no change to any client. A large fleet
is thereby slowed down to the quota instead of answered with 429s.

The window keeps `MARGIN` of the quota free: a request leaves here a moment before the server
counts it, and the quota is the server's clock, not ours.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MARGIN = 0.9
SERVICES = (("Google Sheets", "sheets"), ("Google Drive", "drive"),
            ("Google Calendar", "calendar"), ("Slack", "slack"))


@dataclass
class Limiter:
    """At most `limit` requests in any `window` seconds (a sliding window)."""

    limit: int
    window: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self.sent: deque[float] = deque()
        self.guard = threading.Lock()
        self.waited = 0.0

    def acquire(self) -> None:
        while True:
            with self.guard:
                now = self.clock()
                while self.sent and self.sent[0] <= now - self.window:
                    self.sent.popleft()
                if len(self.sent) < self.allowed:
                    self.sent.append(now)
                    return
                delay = self.sent[0] + self.window - now
            self.waited += delay
            self.sleep(delay)

    @property
    def allowed(self) -> int:
        return max(1, int(self.limit * MARGIN))


# Empty until a fleet configures it: one roster per process stays far below every quota.
LIMITERS: dict[str, Limiter] = {}


def configure_quotas(quotas: Any) -> None:
    """Quotas from a fleet file's `[fleet.quotas]` (a project granted more raises them);
    None turns pacing off again."""
    LIMITERS.clear()
    if quotas is None:
        return
    window = float(quotas.window_seconds)
    limits = {"sheets-read": quotas.sheets_reads_per_minute,
              "sheets-write": quotas.sheets_writes_per_minute,
              "drive": quotas.drive_per_minute, "calendar": quotas.calendar_per_minute,
              "slack": quotas.slack_per_minute}
    for name, limit in limits.items():
        LIMITERS[name] = Limiter(int(limit), window)


def service_of(what: str) -> str | None:
    """The limiter for a retried call, from the name `with_retry` is given."""
    for prefix, service in SERVICES:
        if what.startswith(prefix):
            if service == "sheets":  # Sheets counts reads and writes apart
                reading = what.startswith(("Google Sheets: reading", "Google Sheets: listing"))
                return "sheets-read" if reading else "sheets-write"
            return service
    return None


def pace(what: str) -> None:
    service = service_of(what)
    limiter = LIMITERS.get(service) if service is not None else None
    if limiter is not None:
        limiter.acquire()
