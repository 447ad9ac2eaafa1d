"""The [cover] section: where cover requests are posted, whether a manager approves, who
the managers are, and when an untaken request expires."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field

from sync.config.durations import bounded
from sync.core.durations import span_of
from sync.core.section import Section

EXPIRY = ("expire_after", "1m", "30d")  # a request nobody answers in a month is stale


class Cover(Section):
    channel: str | None = Field(None, description="Where requests are posted (default: "
                                "[slack] announce_channel).")
    approval: Literal["none", "manager"] = Field(
        "none", description="none: a take writes the Overrides row; manager: a manager "
        "approves first.")
    managers: tuple[str, ...] = Field((), description="People handles who may approve, and "
                                      "request cover for others.")
    expire_after: Annotated[str, bounded(*EXPIRY)] = Field(
        "72h", description="An untaken (or unapproved) request expires after this long.")

    @property
    def expiry(self) -> timedelta:
        return span_of(self.expire_after, *EXPIRY)

    @property
    def manager_handles(self) -> tuple[str, ...]:
        return tuple(m.removeprefix("@") for m in self.managers)
