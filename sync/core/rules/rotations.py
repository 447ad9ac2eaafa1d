"""Rules across rotations: overlaps and gaps, lengths, team size, timezone coverage, and
whether anyone is on rotation now. They read a Roster, so "now" means what on_call says.

Rotations that ended before today get no warnings: nobody can act on them any more.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sync.core.findings import Findings
from sync.core.lived.clock import Clock, format_offset, utc_offset
from sync.core.lived.roster import Roster, Rotation
from sync.core.tabs.cells import Table, engineer_columns

MIN_DAYS, MAX_DAYS = 28, 70
TEAM_SIZE = 3
TBD_HORIZON = timedelta(days=14)
NARROW_SPREAD = timedelta(hours=3)


def check_sequence(rotations: list[Rotation], tab: str, findings: Findings,
                   today: date | None = None) -> None:
    """Overlaps are errors; gaps between consecutive rotations are warnings, unless the
    gap ended before `today`."""
    previous: Rotation | None = None
    for rotation in sorted(rotations, key=lambda r: (r.start, r.row or 0)):
        if previous is not None and rotation.start <= previous.end:
            findings.error("overlap", tab, rotation.row, "Start",
                           f"{rotation.label} overlaps row {previous.row} ({previous.label}).")
        elif previous is not None:
            check_gap(previous, rotation, tab, findings, today)
        if previous is None or rotation.end > previous.end:
            previous = rotation


def check_gap(previous: Rotation, rotation: Rotation, tab: str, findings: Findings,
              today: date | None) -> None:
    first_gap = previous.end + timedelta(days=1)
    last_gap = rotation.start - timedelta(days=1)
    if last_gap < first_gap or (today is not None and last_gap < today):
        return
    findings.warning("gap", tab, rotation.row, "Start",
                     f"nobody is on rotation from {first_gap} to {last_gap} "
                     f"(between row {previous.row} and row {rotation.row}).")


def check_rotations(roster: Roster, clock: Clock, tab: str, table: Table,
                    findings: Findings, skip: frozenset[int] = frozenset()) -> None:
    """Warnings about each rotation that has not ended; `skip` holds the rows whose
    engineers already have an error (their slots are not all known)."""
    rotations = roster.rotations
    engineers_title = table.title(engineer_columns(table)[0])
    for rotation in rotations:
        if rotation.end < clock.today:
            continue
        check_length(rotation, tab, table.title("end"), findings)
        if rotation.row not in skip:
            check_team(rotation, clock, tab, engineers_title, findings)
            check_coverage(rotation, roster, tab, engineers_title, findings)
    if rotations and roster.running(clock.now) is None:
        findings.warning("no-current-rotation", tab, None, None,
                         f"no rotation covers today ({clock.today}), so nobody is on call.")


def check_length(rotation: Rotation, tab: str, column: str, findings: Findings) -> None:
    days = (rotation.end - rotation.start).days + 1
    if not MIN_DAYS <= days <= MAX_DAYS:
        findings.warning("rotation-length", tab, rotation.row, column,
                         f"{rotation.label} lasts {describe_days(days)}; rotations are "
                         "meant to last 4 to 10 weeks.")


def describe_days(days: int) -> str:
    weeks, rest = divmod(days, 7)
    parts = [f"{weeks} week{'s' * (weeks != 1)}"] if weeks else []
    parts += [f"{rest} day{'s' * (rest != 1)}"] if rest or not weeks else []
    return " and ".join(parts)


def check_team(rotation: Rotation, clock: Clock, tab: str, column: str,
               findings: Findings) -> None:
    if len(rotation.slots) != TEAM_SIZE:
        findings.warning("engineer-count", tab, rotation.row, column,
                         f"{rotation.label} has {len(rotation.slots)} engineer slot"
                         f"{'s' * (len(rotation.slots) != 1)}; {TEAM_SIZE} is the target.")
    starts_soon = rotation.start <= clock.today + TBD_HORIZON and rotation.end >= clock.today
    if rotation.tbd_count and starts_soon:
        findings.warning("unfilled-soon", tab, rotation.row, column,
                         f"{rotation.label} starts within 14 days and still has "
                         f"{rotation.tbd_count} TBD slot{'s' * (rotation.tbd_count != 1)}; "
                         "`rotation-sync propose` suggests engineers.")


def check_coverage(rotation: Rotation, roster: Roster, tab: str, column: str,
                   findings: Findings) -> None:
    """All engineers within 3 hours of each other leaves most of the day uncovered. Judged
    on the plan, then on the roster as lived: each stretch of days an override changes is
    judged too (one warning per rotation: the plan's, else the first narrow stretch)."""
    planned = (rotation.start, rotation.end, rotation.engineers)
    for first, last, handles in [planned, *stretches(rotation, roster)]:
        spread = narrow_spread(handles, roster, roster.handoff_on(first))
        if spread is None:
            continue
        whole = (first, last) == (rotation.start, rotation.end)
        when = "" if whole else f" from {first} to {last} (with the overrides)"
        findings.warning("timezone-coverage", tab, rotation.row, column,
                         f"all engineers of {rotation.label}{when} are {spread}; broad "
                         "timezone coverage is preferred.")
        return


def narrow_spread(handles: tuple[str, ...], roster: Roster, moment: datetime) -> str | None:
    """How the engineers' UTC offsets are described when they are too close, else None."""
    if len(handles) < 2:
        return None
    offsets = sorted(utc_offset(roster.person(h).timezone, moment) for h in handles)
    if offsets[-1] - offsets[0] > NARROW_SPREAD:
        return None
    return format_offset(offsets[0]) if offsets[0] == offsets[-1] else \
        f"between {format_offset(offsets[0])} and {format_offset(offsets[-1])}"


def stretches(rotation: Rotation, roster: Roster) -> list[tuple[date, date, tuple[str, ...]]]:
    """The rotation's days cut where an override changes who is on it: (first, last, who)."""
    cuts = {rotation.start} | {day for o in roster.overrides_within(rotation.start, rotation.end)
                               for day in (o.start, o.end + timedelta(days=1))
                               if rotation.start < day <= rotation.end}
    edges = sorted(cuts)
    ends = [day - timedelta(days=1) for day in edges[1:]] + [rotation.end]
    return [(first, last, roster.lived(rotation, first)) for first, last in zip(edges, ends,
                                                                                strict=True)]
