"""The `[propose]` section: how `rotation-sync propose` drafts rotations. A value out of range
is exit 2 naming the key, like every config problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from sync.config.durations import bounded
from sync.core.durations import days_of
from sync.core.section import LocalPath, Section

HORIZON = ("horizon", "1d", "730d")  # two years, the bound of every horizon
LENGTH = ("length", "28d", "70d")  # the 4 to 10 weeks rule of validation
MIN_GAP = ("min_gap", "0d", "104w")


class Propose(Section):
    horizon: Annotated[str, bounded(*HORIZON)] = Field(
        "26w", description="How far ahead `propose` drafts new rotations (or --until).")
    length: Annotated[str, bounded(*LENGTH)] = Field(
        "28d", description="A drafted rotation's length (\"28d\", \"5w\"; 4 to 10 weeks).")
    engineers: int = Field(3, ge=1, le=10, description="Engineer slots of a drafted rotation.")
    min_gap: Annotated[str, bounded(*MIN_GAP)] = Field(
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
        return days_of(self.horizon, *HORIZON)

    @property
    def length_days(self) -> int:
        return days_of(self.length, *LENGTH)

    @property
    def min_gap_days(self) -> int:
        return days_of(self.min_gap, *MIN_GAP)
