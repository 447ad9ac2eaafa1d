"""Duration keys of the config: read by `sync/core/durations.py`, checked when the file is
loaded so that an out-of-bounds value is exit 2 naming the key and its bounds."""

from __future__ import annotations

from pydantic import AfterValidator

from sync.core.durations import seconds_of


def bounded(key: str, low: str, high: str) -> AfterValidator:
    """The pydantic check that a duration key lies within [low, high], naming both."""
    def check(value: str) -> str:
        seconds_of(value, key, low, high)
        return value
    return AfterValidator(check)
