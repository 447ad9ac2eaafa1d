"""The [cover] section: where cover requests are posted, whether a manager approves, who
the managers are, and when an untaken request expires."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from sync.core.section import Section

EXPIRY = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")


def _expiry(value: str) -> str:
    match = EXPIRY.match(value)
    if not match or int(match[1]) == 0:
        raise ValueError(f"{value!r} is not a duration such as \"72h\", \"3d\" or \"90m\"")
    return value


class Cover(Section):
    channel: str | None = Field(None, description="Where requests are posted (default: "
                                "[slack] announce_channel).")
    approval: Literal["none", "manager"] = Field(
        "none", description="none: a take writes the Overrides row; manager: a manager "
        "approves first.")
    managers: tuple[str, ...] = Field((), description="People handles who may approve, and "
                                      "request cover for others.")
    expire_after: Annotated[str, AfterValidator(_expiry)] = Field(
        "72h", description="An untaken (or unapproved) request expires after this long.")

    @property
    def expiry(self) -> timedelta:
        match = EXPIRY.match(self.expire_after)
        assert match is not None
        return timedelta(minutes=int(match[1]) * {"m": 1, "h": 60, "d": 1440}[match[2]])

    @property
    def manager_handles(self) -> tuple[str, ...]:
        return tuple(m.removeprefix("@") for m in self.managers)
