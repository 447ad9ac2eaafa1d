"""Per-minute quotas as the real services enforce them: beyond the limit, 429.

Google answers 429 RESOURCE_EXHAUSTED per quota metric (Sheets read requests and write
requests apart, Drive, Calendar); Slack answers 429 `ratelimited` with Retry-After. The
window is configurable so tests do not wait real minutes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.wire.fakes.base import Request, Response
from tests.wire.fakes.google import google_error


@dataclass
class Quota:
    """At most `limit` requests in any `window` seconds; `refused` counts the 429s."""

    limit: int
    window: float
    seen: deque[float] = field(default_factory=deque)
    refused: int = 0
    served: int = 0

    def admit(self, now: float) -> bool:
        while self.seen and self.seen[0] <= now - self.window:
            self.seen.popleft()
        if len(self.seen) >= self.limit:
            self.refused += 1
            return False
        self.seen.append(now)
        self.served += 1
        return True


def google_metric(request: Request) -> str | None:
    if request.path.startswith("/drive/"):
        return "drive"
    if request.path.startswith("/v4/spreadsheets"):
        return "sheets-read" if request.method == "GET" else "sheets-write"
    if request.path.startswith(("/calendar/", "/batch")):
        return "calendar"
    return None  # the token endpoint has no such quota


def google_refusal(metric: str) -> Response:
    return google_error(429, "RESOURCE_EXHAUSTED",
                        f"Quota exceeded for quota metric '{metric}' and limit "
                        f"'{metric} per minute per user'.", reason="rateLimitExceeded",
                        domain="global")


def slack_refusal(metric: str) -> Response:
    return Response(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})


@dataclass
class Quotas:
    """The quotas of one fake server, checked before it dispatches a request."""

    limits: dict[str, Quota]
    metric: Callable[[Request], str | None]
    refusal: Callable[[str], Response]
    clock: Callable[[], float] = time.monotonic

    def check(self, request: Request) -> Response | None:
        name = self.metric(request)
        quota = self.limits.get(name) if name else None
        if quota is None or quota.admit(self.clock()):
            return None
        assert name is not None
        return self.refusal(name)

    @property
    def refused(self) -> int:
        return sum(quota.refused for quota in self.limits.values())
