"""`propose`: an engineer for every TBD slot of the rotations that have not started, and new
rotations drafted back to back after the last End, each with the reason it was chosen.

Greedy and deterministic: rotations in date order, slots one at a time, each taking the
best-ranked free person (`fairness.preference`); a rotation whose offsets stay within 3 hours
gets one repair pass that swaps a proposed engineer for one who widens it. Everything chosen
is booked at once, so later rotations see it (min_gap, fewest rotations).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sync.core.findings import Finding, Findings
from sync.core.lived.absence import Absence
from sync.core.lived.roster import Person, Roster
from sync.core.planner.fairness import Load, Slot, best, preference, reason
from sync.core.planner.pool import Busy, Pool
from sync.core.record.days import ServedDay

TBD_TEXT = "TBD"


@dataclass(frozen=True)
class ProposeSettings:
    until: date  # drafts start on or before this day
    length_days: int = 28
    engineers: int = 3
    min_gap_days: int = 56
    max_per_team: int | None = None
    rotations_tab: str = "Rotations"
    people_tab: str = "People"
    proposed_tab: str = "Proposed"


@dataclass(frozen=True)
class Pick:
    handle: str  # as spelled on People; "TBD" for a slot no one can fill
    proposed: bool
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"handle": self.handle, "proposed": self.proposed, "reason": self.reason}


@dataclass(frozen=True)
class Proposal:
    start: date
    end: date
    fills_row: int | None  # the Rotations row whose TBD slots it fills; None: a new rotation
    engineers: tuple[Pick, ...]

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "fills_row": self.fills_row,
                "engineers": [pick.as_json() for pick in self.engineers]}


def propose(roster: Roster, today: date, settings: ProposeSettings,
            absences: Iterable[Absence] = (), served: Iterable[ServedDay] = (),
            busy: Busy | None = None) -> tuple[list[Proposal], list[Finding]]:
    """`busy`: other rosters' bookings per Person.key (the fleet); they count for min_gap."""
    pool = Pool(roster, absences, busy, settings.min_gap_days)
    load = Load(served, roster, today)
    findings = Findings()
    planner = Planner(roster, settings, pool, load, findings)
    proposals = [planner.fill(r.start, r.end, r.slots, r.row) for r in roster.rotations
                 if r.start > today and r.tbd_count]
    proposals += [planner.fill(start, end, (None,) * settings.engineers, None)
                  for start, end in drafts(roster, today, settings)]
    planner.check_due()
    return proposals, findings.items


def drafts(roster: Roster, today: date, settings: ProposeSettings) -> Iterator[tuple[date, date]]:
    """Back to back from the day after the last End (or tomorrow, when the roster ended)."""
    last_end = max((r.end for r in roster.rotations), default=today)
    start = max(last_end, today) + timedelta(days=1)
    length = timedelta(days=settings.length_days - 1)
    while start <= settings.until:
        yield start, start + length
        start += length + timedelta(days=1)


class Planner:
    def __init__(self, roster: Roster, settings: ProposeSettings, pool: Pool, load: Load,
                 findings: Findings) -> None:
        self.roster = roster
        self.settings = settings
        self.pool = pool
        self.load = load
        self.findings = findings

    def fill(self, start: date, end: date, slots: tuple[str | None, ...],
             row: int | None) -> Proposal:
        slot = Slot(start, end, self.roster, [self.roster.person(h) for h in slots if h],
                    self.settings.max_per_team)
        chosen: list[tuple[Person, str]] = []
        for _ in range(sum(1 for h in slots if h is None)):
            person = best(self.candidates(slot), slot, self.load)
            if person is None:
                break
            chosen.append((person, reason(person, slot, self.load)))
            slot.members.append(person)
        chosen = self.widen(slot, chosen)
        for person, _why in chosen:
            self.pool.book(person.key, start, end)
            self.load.add(person.key, start, end)
        missing = sum(1 for h in slots if h is None) - len(chosen)
        if missing:
            self.unfilled(start, end, row, missing, slot)
        return Proposal(start, end, row, self.picks(slots, chosen))

    def candidates(self, slot: Slot) -> list[Person]:
        return self.pool.free(slot.start, slot.end, (p.key for p in slot.members))

    def widen(self, slot: Slot, chosen: list[tuple[Person, str]]
              ) -> list[tuple[Person, str]]:
        """All offsets within 3 hours: swap the latest proposed engineer that someone free
        who widens the spread can replace (the best-ranked such person)."""
        if not chosen or len(slot.members) < 2 or slot.wide(slot.members):
            return chosen
        for index in reversed(range(len(chosen))):
            others = [p for p in slot.members if p.key != chosen[index][0].key]
            trial = Slot(slot.start, slot.end, self.roster, others, slot.max_per_team)
            wideners = [p for p in self.candidates(trial) if trial.adds_spread(p)]
            person = min(wideners, key=lambda p: preference(p, trial, self.load), default=None)
            if person is not None:
                chosen[index] = (person, reason(person, trial, self.load))
                slot.members[:] = [*others, person]
                return chosen
        return chosen

    def picks(self, slots: tuple[str | None, ...], chosen: list[tuple[Person, str]]
              ) -> tuple[Pick, ...]:
        """Named engineers stay where they are; TBD slots take the chosen, in order."""
        queue = list(chosen)
        picks = []
        for handle in slots:
            if handle is not None:
                picks.append(Pick(self.roster.person(handle).github, False, "on the roster"))
            elif queue:
                person, why = queue.pop(0)
                picks.append(Pick(person.github, True, why))
            else:
                picks.append(Pick(TBD_TEXT, False, "no eligible engineer is free"))
        return tuple(picks)

    def unfilled(self, start: date, end: date, row: int | None, missing: int,
                 slot: Slot) -> None:
        why = self.pool.why_nobody(start, end, (p.key for p in slot.members))
        tab = self.settings.rotations_tab if row is not None else self.settings.proposed_tab
        what = "" if row is not None else "the new rotation's "
        slots = "1 TBD slot stays" if missing == 1 else f"{missing} TBD slots stay"
        self.findings.warning(
            "propose-unfilled", tab, row, "Engineers",
            f"{what}{slots} unfilled: no eligible engineer is free {start} to {end}: {why}.")

    def check_due(self) -> None:
        for person in sorted(self.roster.people.values(), key=lambda p: p.key):
            if person.due_by is None or self.load.met(person.key, person.due_by):
                continue
            self.findings.warning(
                "propose-due-missed", self.settings.people_tab, person.row, "Due by",
                f"@{person.github} is due by {person.due_by} but no rotation ending by then "
                "has them, and none proposed can take them (away, within min_gap, not "
                "eligible, or no rotation left to fill before that day).")
