"""What one roster's run learns from the other rosters of its fleet, without knowing fleets.

A fleet (`sync/fleet/scope.py`) installs a `Neighbours` around each roster's run; outside a
fleet there is none, and a run reads its own source and warns about nothing more. So every
command that validates a roster (validate, plan, sync, report, who, propose, cover) gets the
`double-booked` warnings and the other rosters' bookings with no change of its own.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Protocol

from sync.core.findings import Finding
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.core.tabs.raw import RawRoster
from sync.sources import RosterSource

Busy = Mapping[str, Sequence[tuple[date, date]]]  # handle -> days taken on other rosters


class Neighbours(Protocol):
    def read(self, source: RosterSource) -> RawRoster:
        """The roster's tabs (perhaps already read for the cross-roster check)."""
        ...

    def findings(self, roster: Roster, clock: Clock) -> list[Finding]:
        """`double-booked` warnings for this roster's rotations."""
        ...

    def busy(self, clock: Clock) -> Busy:
        """Days each person is taken on the other rosters."""
        ...


NEIGHBOURS: contextvars.ContextVar[Neighbours | None] = contextvars.ContextVar(
    "neighbours", default=None)


@contextmanager
def among(neighbours: Neighbours) -> Iterator[None]:
    token = NEIGHBOURS.set(neighbours)
    try:
        yield
    finally:
        NEIGHBOURS.reset(token)


def read_roster(source: RosterSource) -> RawRoster:
    neighbours = NEIGHBOURS.get()
    return source.read() if neighbours is None else neighbours.read(source)


def cross_roster_findings(roster: Roster, clock: Clock) -> list[Finding]:
    neighbours = NEIGHBOURS.get()
    return [] if neighbours is None else neighbours.findings(roster, clock)


def busy_elsewhere(clock: Clock) -> Busy | None:
    """For `propose` and cover suggestions; None outside a fleet."""
    neighbours = NEIGHBOURS.get()
    return None if neighbours is None else neighbours.busy(clock)
