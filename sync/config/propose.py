"""The `[propose]` section: how `rotation-sync propose` drafts rotations. A value out of range
is exit 2 naming the key, like every config problem."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field

from sync.core.section import LocalPath, Section

SPAN = re.compile(r"^\s*(\d+)\s*([dw])\s*$")
MIN_LENGTH, MAX_LENGTH = 28, 70  # the 4 to 10 weeks rule of validation
MAX_HORIZON = 520 * 7  # ten years of drafts is already more than anyone reviews
MAX_GAP = 104 * 7


def days_of(value: str) -> int:
    match = SPAN.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a number of days or weeks, such as \"28d\" or "
                         "\"8w\"")
    return int(match[1]) * (7 if match[2] == "w" else 1)


def within(low: int, high: int, what: str) -> AfterValidator:
    def check(value: str) -> str:
        days = days_of(value)
        if not low <= days <= high:
            raise ValueError(f"{value!r} is out of range: {what}")
        return value
    return AfterValidator(check)


class Propose(Section):
    horizon: Annotated[str, within(1, MAX_HORIZON, "from 1d to 520w")] = Field(
        "26w", description="How far ahead `propose` drafts new rotations (or --until).")
    length: Annotated[str, within(MIN_LENGTH, MAX_LENGTH, "a rotation lasts 4 to 10 weeks "
                                  "(28d to 70d)")] = Field(
        "28d", description="A drafted rotation's length (\"28d\", \"5w\"; 4 to 10 weeks).")
    engineers: int = Field(3, ge=1, le=10, description="Engineer slots of a drafted rotation.")
    min_gap: Annotated[str, within(0, MAX_GAP, "from 0d to 104w")] = Field(
        "8w", description="Rest between two rotations of one engineer.")
    max_per_team: int | None = Field(
        None, ge=1, le=10, description="At most this many engineers of one People Team per "
        "rotation (a preference; unset = no limit).")
    tab: str = Field("Proposed", min_length=1, max_length=100,
                     description="Google Sheets: the tab `propose --write` replaces.")
    file: LocalPath = Field(Path("proposed.csv"), validate_default=True,
                            description="CSV source: the file `propose --write` replaces.")

    @property
    def horizon_days(self) -> int:
        return days_of(self.horizon)

    @property
    def length_days(self) -> int:
        return days_of(self.length)

    @property
    def min_gap_days(self) -> int:
        return days_of(self.min_gap)
