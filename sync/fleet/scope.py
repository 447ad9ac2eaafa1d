"""What one roster's run knows about the rest of its fleet, without being told.

The fan-out enters a roster's scope around each roster's command; the engine asks
`cross_roster_findings` after validating, so every command that validates a roster (validate,
plan, sync, report, who, and commands added later) warns about double bookings, with no
change of its own. The other rosters are read once per fleet run, lazily (a command that
never validates, such as `status`, reads nothing), and a roster read for that purpose is not
read again for its own run.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sync.clients.secrets import redact
from sync.config.model import load_config
from sync.core.findings import Finding
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.core.rules.validate import validate
from sync.core.tabs.raw import RawRoster
from sync.fleet.bookings import Booking, Busy, bookings, busy, double_booked, others_bookings
from sync.fleet.model import Fleet, check_roster_config
from sync.run.factory import make_source
from sync.sources import RosterSource

log = logging.getLogger(__name__)


@dataclass
class FleetScope:
    """One fleet run: the rosters read so far, and each roster's bookings."""

    fleet: Fleet
    raws: dict[str, RawRoster | None] = field(default_factory=dict)
    booked: dict[str, list[Booking]] | None = None
    # `schedule` learns each roster's bookings from its own runs instead of reading the
    # whole fleet again (its first runs read every roster anyway)
    incremental: bool = False

    def all_bookings(self, clock: Clock) -> dict[str, list[Booking]]:
        if self.booked is None:
            self.booked = {} if self.incremental else {
                roster.name: self.roster_bookings(roster.name, clock)
                for roster in self.fleet.rosters}
        return self.booked

    def refresh(self, name: str, roster: Roster) -> None:
        """What a roster's run just read replaces what was known of it."""
        if self.booked is not None:
            self.booked[name] = bookings(roster, name)

    def roster_bookings(self, name: str, clock: Clock) -> list[Booking]:
        roster = self.read_roster(name, clock)
        return bookings(roster, name) if roster is not None else []

    def read_roster(self, name: str, clock: Clock) -> Roster | None:
        """A roster that cannot be read or is invalid books nobody (its own run says why)."""
        if name not in self.raws:
            self.raws[name] = self.read_raw(name)
        raw = self.raws[name]
        return validate(raw, clock)[0] if raw is not None else None

    def read_raw(self, name: str) -> RawRoster | None:
        entry = self.fleet.named(name)
        try:
            check_roster_config(self.fleet, entry)
            return make_source(load_config(entry.config)).read()
        except Exception as error:
            log.info("Roster %s could not be read for the cross-roster check: %s", name,
                     redact(str(error)))
            return None


@dataclass(frozen=True)
class Current:
    scope: FleetScope
    name: str


CURRENT: contextvars.ContextVar[Current | None] = contextvars.ContextVar("fleet_roster",
                                                                         default=None)


@contextmanager
def roster_scope(scope: FleetScope, name: str) -> Iterator[None]:
    token = CURRENT.set(Current(scope, name))
    try:
        yield
    finally:
        CURRENT.reset(token)


def read_roster(source: RosterSource) -> RawRoster:
    """The roster's tabs: read from the source, or taken from the cross-roster check's read
    of it in this same fleet run."""
    current = CURRENT.get()
    if current is not None and current.scope.raws.get(current.name) is not None:
        raw = current.scope.raws.pop(current.name)
        assert raw is not None
        return raw
    raw = source.read()
    if current is not None:
        current.scope.raws.setdefault(current.name, raw)
    return raw


def cross_roster_findings(roster: Roster, clock: Clock) -> list[Finding]:
    """`double-booked` warnings for rotations from today on; none outside a fleet."""
    current = CURRENT.get()
    if current is None:
        return []
    known = current.scope.all_bookings(clock)
    current.scope.refresh(current.name, roster)
    others = others_bookings(known, current.name)
    own = bookings(roster, current.name, since=clock.now.date())
    return double_booked(own, others, roster)


def busy_elsewhere(clock: Clock) -> Busy | None:
    """For `propose` and cover suggestions: handle -> [(start, end)] days taken on the
    fleet's other rosters; None outside a fleet."""
    current = CURRENT.get()
    if current is None:
        return None
    return busy(others_bookings(current.scope.all_bookings(clock), current.name))
