"""Who is booked when, across the rosters of a fleet (pure: rosters in, bookings out).

A booking is a run of days one person is on rotation in one roster, as lived: an override's
days belong to its Cover, not to the engineer who is away. `double_booked` turns the days a
person is booked on two rosters at once into a warning in each roster; `busy` is the form
`propose` and cover suggestions take (handle -> the (start, end) days they are taken
elsewhere), so neither books anyone twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sync.core.findings import Finding
from sync.core.lived.roster import Roster, Rotation
from sync.core.rules.time_off import spans

Busy = dict[str, list[tuple[date, date]]]


@dataclass(frozen=True, order=True)
class Booking:
    start: date
    end: date  # inclusive
    handle: str  # lower-cased GitHub login
    row: int | None  # the Rotations row
    roster: str = ""  # the fleet roster's name; empty within one roster


def bookings(roster: Roster, name: str = "", since: date | None = None) -> list[Booking]:
    """Every person's runs of days on rotation, as lived, ending on or after `since`."""
    found: list[Booking] = []
    for rotation in roster.rotations:
        if since is None or rotation.end >= since:
            found += rotation_bookings(roster, rotation, name)
    return found


def rotation_bookings(roster: Roster, rotation: Rotation, name: str) -> list[Booking]:
    overrides = roster.overrides_within(rotation.start, rotation.end)
    if not overrides:  # the common case: the rotation's engineers, every day of it
        return [Booking(rotation.start, rotation.end, handle.lower(), rotation.row, name)
                for handle in rotation.engineers]
    days: dict[str, list[date]] = defaultdict(list)
    day = rotation.start
    while day <= rotation.end:
        for handle in roster.lived(rotation, day):
            days[handle.lower()].append(day)
        day += timedelta(days=1)
    return [Booking(first, last, handle, rotation.row, name)
            for handle, lived in days.items() for first, last in spans(lived)]


def by_handle(found: Iterable[Booking]) -> dict[str, list[Booking]]:
    table: dict[str, list[Booking]] = defaultdict(list)
    for booking in sorted(found):
        table[booking.handle].append(booking)
    return dict(table)


def others_bookings(all_bookings: Mapping[str, list[Booking]],
                    name: str) -> dict[str, list[Booking]]:
    """For roster `name`: the other rosters' bookings per handle (roster, row, start, end)."""
    return by_handle(booking for roster, found in all_bookings.items() if roster != name
                     for booking in found)


def busy(others: Mapping[str, list[Booking]]) -> Busy:
    """handle -> [(start, end)] taken on other rosters: what `propose` and cover suggestions
    take so that they never book anyone on two rosters at once."""
    return {handle.lower(): [(b.start, b.end) for b in found]
            for handle, found in others.items()}


def double_booked(own: list[Booking], others: Mapping[str, list[Booking]],
                  roster: Roster) -> list[Finding]:
    """One warning per person, own row and other roster's row that share days."""
    findings = []
    for mine in own:
        for theirs in others.get(mine.handle, []):
            first, last = max(mine.start, theirs.start), min(mine.end, theirs.end)
            if first <= last:
                findings.append(warning(mine, theirs, first, last, roster))
    return findings


def warning(mine: Booking, theirs: Booking, first: date, last: date,
            roster: Roster) -> Finding:
    person = roster.people.get(mine.handle)
    handle = person.github if person else mine.handle
    days = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    count = (last - first).days + 1
    where = f"Rotations row {theirs.row}" if theirs.row else "its Rotations tab"
    prefix = f"Rotations row {mine.row}: " if mine.row else "Rotations: "
    return Finding("warning", "double-booked", "Rotations", mine.row, "Engineers",
                   f"{prefix}{handle} is also on rotation in roster {theirs.roster} "
                   f"({where}) on {days} ({count} day{'' if count == 1 else 's'}); one "
                   "person cannot cover both.")
