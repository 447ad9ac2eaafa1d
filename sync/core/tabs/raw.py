"""The tabs as a source delivers them: raw cells, before any parsing. Sources build these;
validation reads them, so they live below both."""

from __future__ import annotations

from dataclasses import dataclass

Cell = str | int | float | None


@dataclass(frozen=True)
class TabProblem:
    """What a source could not read as cells (a file that is not UTF-8, a row with more
    cells than the header); validation reports it as a finding of `code`. A blocking
    problem means the tab's cells are not checked at all."""

    code: str
    row: int | None
    message: str
    blocking: bool = False


@dataclass(frozen=True)
class RawTab:
    """A tab as the manager sees it: rows[0] is the header (sheet row 1)."""

    name: str
    rows: list[list[Cell]]
    problems: tuple[TabProblem, ...] = ()


@dataclass(frozen=True)
class RawRoster:
    rotations: RawTab
    people: RawTab
    overrides: RawTab | None = None  # the optional Overrides tab; None when not configured
    time_off: RawTab | None = None  # [time_off] tab / file, when configured
