"""Durations as people write them: a number and a unit (s, m, h, d, w), checked against the
bounds of the key they set, which the error names. One reading for every key, so "8760h"
and "365d" mean the same, and "999999999h" is refused instead of overflowing a date.
"""

from __future__ import annotations

import re
from datetime import timedelta

DURATION = re.compile(r"\s*(\d{1,15})\s*([smhdw])\s*", re.IGNORECASE)
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def split(text: str) -> tuple[int, str]:
    """The number and the (lower-case) unit; ValueError for anything else."""
    match = DURATION.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration such as \"90s\", \"5m\", \"1h\", "
                         "\"2d\" or \"1w\"")
    return int(match[1]), match[2].lower()


def parse(text: str) -> int:
    amount, unit = split(text)
    return amount * SECONDS[unit]


def seconds_of(text: str, key: str, low: str, high: str) -> int:
    """`text` as whole seconds within [low, high] (both written as durations); ValueError
    naming `key` and its bounds."""
    seconds = parse(text)
    if not parse(low) <= seconds <= parse(high):
        raise ValueError(f"{text.strip()} is outside the bounds of {key}: from {low} to {high}")
    return seconds


def span_of(text: str, key: str, low: str, high: str) -> timedelta:
    return timedelta(seconds=seconds_of(text, key, low, high))


def days_of(text: str, key: str, low: str, high: str) -> int:
    """`text` as whole days (rounded up) within [low, high]."""
    return -(-seconds_of(text, key, low, high) // 86_400)
