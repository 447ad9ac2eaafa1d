"""One retry policy for every API: exponential backoff with jitter, honouring Retry-After.

Client libraries each retry differently (gspread forever, googleapiclient ignoring
Retry-After, slack_sdk not at all on 429), so adapters classify their own errors and let
this helper decide when to try again. The total wait is bounded so a nightly job ends.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sync.clients.limits import pace
from sync.clients.secrets import shown_url

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Retryable:
    """What an adapter says about a failure: whether to retry and how long the API asked."""

    retry: bool
    retry_after: float | None = None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_total: float = 300.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        backoff = min(self.base_delay * 2 ** attempt, self.max_delay)
        return float(backoff / 2 + random.uniform(0, backoff / 2))


DEFAULT_POLICY = RetryPolicy()
sleep: Callable[[float], None] = time.sleep  # tests replace it to keep retries instant


def with_retry(call: Callable[[], T], classify: Callable[[Exception], Retryable],
               what: str, policy: RetryPolicy | None = None) -> T:
    """Run `call`, retrying failures that `classify` deems transient. Each retry is a
    warning naming the endpoint, so a slow failure is never silent."""
    policy = policy or DEFAULT_POLICY
    waited = 0.0
    for attempt in range(policy.attempts):
        pace(what)  # under the service's per-minute quota (a fleet's many rosters share it)
        try:
            return call()
        except Exception as error:
            verdict = classify(error)
            delay = policy.delay(attempt, verdict.retry_after)
            last = attempt == policy.attempts - 1 or waited + delay > policy.max_total
            if not verdict.retry or last:
                raise
            log.warning("%s failed%s (%s); retrying in %.1f s (attempt %d of %d)", what,
                        at_endpoint(error), type(error).__name__, delay, attempt + 2,
                        policy.attempts)
            sleep(delay)
            waited += delay
    raise AssertionError("unreachable: the loop returns or raises")


def failed_url(error: BaseException) -> str | None:
    """The URL a failed request went to (requests and the libraries built on it keep it on
    the exception or its cause), without its userinfo or query string, which may carry
    credentials."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        url = getattr(getattr(current, "request", None), "url", None)
        if isinstance(url, str) and url:
            return shown_url(url)
        current = current.__cause__ or current.__context__
    return None


def at_endpoint(error: BaseException) -> str:
    url = failed_url(error)
    return f" at {url}" if url else ""


def parse_retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
