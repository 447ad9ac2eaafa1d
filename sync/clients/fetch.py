"""Fetching a document from elsewhere (an HR system's feed): untrusted, so bounded every way.

A server that trickles bytes would hold the run, and its lock, for as long as it likes;
a gzip answer of a few kilobytes can inflate to gigabytes; a redirect can lead anywhere.
So each fetch has one overall deadline (a watchdog cuts the connection when it passes,
however slowly the bytes come), a size limit counted on the bytes after decompression,
at most a few redirects and only to the same host (or hosts the config names), and the
scheme is checked on the parsed URL of every hop: https, or http to a loopback address.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from sync.clients.retry import Retryable, RetryPolicy, parse_retry_after, with_retry
from sync.clients.secrets import shown_url
from sync.clients.urls import scheme_problem

CHUNK = 16_384  # compressed bytes per read: one read inflates to a few MB at most
CONNECT_SECONDS = 10.0


class FetchRefused(Exception):
    """The fetch broke a limit (too slow, too large, a redirect elsewhere, a bad scheme):
    trying again would only break it again."""


@dataclass(frozen=True)
class FetchLimits:
    deadline: float = 20.0  # seconds for the whole fetch, redirects and retries included
    max_bytes: int = 20_000_000  # after decompression
    max_redirects: int = 3
    redirect_hosts: Collection[str] = field(default_factory=frozenset)


def fetch(url: str, limits: FetchLimits, accept: str, what: str) -> bytes:
    """The body at `url`, within `limits`; transient failures are retried inside the
    deadline. Raises FetchRefused, requests' errors, or HTTPError for an error status."""
    ends = time.monotonic() + limits.deadline
    policy = RetryPolicy(max_total=limits.deadline)  # no backoff outlasts the deadline
    return with_retry(lambda: follow(url, limits, accept, ends), classify, what, policy)


def follow(url: str, limits: FetchLimits, accept: str, ends: float) -> bytes:
    """One attempt: the request and at most `max_redirects` redirects, each hop checked."""
    first_host = (urlsplit(url).hostname or "").lower()
    current = url
    for _hop in range(limits.max_redirects + 1):
        problem = scheme_problem(current)
        if problem:
            raise FetchRefused(f"{shown_url(current)} cannot be fetched: {problem}")
        with requests.Session() as session:
            response = session.get(current, stream=True, allow_redirects=False,
                                   timeout=(min(CONNECT_SECONDS, left(ends)), left(ends)),
                                   headers={"Accept": accept})
            with response:
                if not response.is_redirect:
                    response.raise_for_status()
                    return read_body(response, limits.max_bytes, ends)
                current = redirect_target(current, response, first_host, limits)
    raise FetchRefused(f"more than {limits.max_redirects} redirects")


def redirect_target(current: str, response: requests.Response, first_host: str,
                    limits: FetchLimits) -> str:
    target = urljoin(current, response.headers.get("Location", ""))
    host = (urlsplit(target).hostname or "").lower()
    allowed = {first_host, *(h.lower() for h in limits.redirect_hosts)}
    if host not in allowed:
        raise FetchRefused(f"it redirects to another host ({host or 'none'}); name that host "
                           "in [time_off] redirect_hosts if it is trusted")
    return target


def left(ends: float) -> float:
    remaining = ends - time.monotonic()
    if remaining <= 0:
        raise FetchRefused("it did not answer within the deadline")
    return remaining


def read_body(response: requests.Response, max_bytes: int, ends: float) -> bytes:
    """The decoded body; the watchdog cuts the connection at the deadline, so a server
    sending one byte at a time cannot hold the read open."""
    body = bytearray()
    with Watchdog(response, left(ends)) as watchdog:
        try:
            for chunk in response.raw.stream(CHUNK, decode_content=True):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchRefused(f"it is larger than {max_bytes // 1_000_000} MB")
                left(ends)
        except FetchRefused:
            raise
        except Exception:
            if watchdog.fired:
                raise FetchRefused("it did not finish within the deadline") from None
            raise
    if watchdog.fired:
        raise FetchRefused("it did not finish within the deadline")
    return bytes(body)


class Watchdog:
    """Shuts the response's socket down when `seconds` pass: a blocked read then ends."""

    def __init__(self, response: requests.Response, seconds: float) -> None:
        self.response = response
        self.fired = False
        self.timer = threading.Timer(seconds, self.cut)
        self.timer.daemon = True

    def __enter__(self) -> Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()

    def cut(self) -> None:
        self.fired = True
        connection = self.response.raw.connection
        sock = getattr(connection, "sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):  # already closed: the read has ended anyway
                sock.shutdown(socket.SHUT_RDWR)


def classify(error: Exception) -> Retryable:
    """The shared policy's transient failures: 408, 429, 5xx, a lost connection; a broken
    limit is final."""
    if isinstance(error, FetchRefused):
        return Retryable(False)
    if isinstance(error, requests.HTTPError) and error.response is not None:
        status = error.response.status_code
        retry = status in (408, 429) or status >= 500
        return Retryable(retry, parse_retry_after(error.response.headers.get("Retry-After")))
    return Retryable(isinstance(error, requests.ConnectionError | requests.Timeout))
