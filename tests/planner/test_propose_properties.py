"""Hypothesis over random rosters and settings: `propose` always answers (no traceback, no
endless loop, under 5 s a call), never breaks a hard rule, and says why a slot stays TBD."""

from __future__ import annotations

import time
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.core.lived.absence import Absence
from sync.core.lived.roster import Person, Roster, Rotation
from sync.core.planner.propose import Proposal, ProposeSettings, propose
from tests.helpers import HANDOFF, TZ

TODAY = date(2027, 1, 4)
ZONES = ["Europe/Berlin", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "UTC"]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[Roster, ProposeSettings, dict[str, list[tuple[date, date]]]]:
    count = draw(st.integers(1, 12))
    people = {f"p{n}": Person(github=f"p{n}", name=f"P {n}", email=f"p{n}@example.com",
                              timezone=draw(st.sampled_from(ZONES)),
                              eligible=draw(st.booleans() | st.just(True)),
                              team=draw(st.sampled_from([None, "a", "b"])),
                              due_by=draw(st.none() | st.dates(TODAY, TODAY + timedelta(400))),
                              row=n + 2) for n in range(count)}
    rotations, start = [], TODAY - timedelta(days=draw(st.integers(0, 120)))
    for row in range(draw(st.integers(0, 6))):
        end = start + timedelta(days=draw(st.integers(6, 70)))
        names = draw(st.lists(st.sampled_from(sorted(people)), max_size=3, unique=True))
        slots = tuple([*names, *[None] * draw(st.integers(0, 3))])
        rotations.append(Rotation(start=start, end=end, slots=slots, row=row + 2))
        start = end + timedelta(days=draw(st.integers(1, 20)))
    away = tuple(Absence(key, first, first + timedelta(days=draw(st.integers(0, 40))), "HR")
                 for key in people if draw(st.booleans())
                 for first in [TODAY + timedelta(days=draw(st.integers(-30, 300)))])
    roster = Roster(rotations=tuple(rotations), people=people, timezone=TZ,
                    handoff_time=HANDOFF, time_off=away)
    plan = ProposeSettings(until=TODAY + timedelta(days=draw(st.integers(0, 500))),
                           length_days=draw(st.integers(28, 70)),
                           engineers=draw(st.integers(1, 5)),
                           min_gap_days=draw(st.integers(0, 120)),
                           max_per_team=draw(st.none() | st.integers(1, 2)))
    busy = {key: [(TODAY + timedelta(days=20), TODAY + timedelta(days=50))]
            for key in people if draw(st.booleans())}
    return roster, plan, busy


def bookings(roster: Roster, proposals: list[Proposal], busy: dict[str, list[tuple[date, date]]],
             key: str) -> list[tuple[date, date]]:
    planned = [(r.start, r.end) for r in roster.rotations
               if key in {h.lower() for h in r.engineers}]
    proposed = [(p.start, p.end) for p in proposals
                if any(x.proposed and x.handle.lower() == key for x in p.engineers)]
    return planned + proposed + busy.get(key, [])


@settings(max_examples=60)
@given(worlds())
def test_propose_never_breaks_a_hard_rule(world: tuple[Roster, ProposeSettings,
                                                       dict[str, list[tuple[date, date]]]]) -> None:
    roster, plan, busy = world
    began = time.monotonic()
    proposals, findings = propose(roster, TODAY, plan, busy=busy)
    assert time.monotonic() - began < 5
    unfilled = {(f.row, f.message.split("free ")[1][:10]) for f in findings
                if f.code == "propose-unfilled"}
    for proposal in proposals:
        handles = [x.handle.lower() for x in proposal.engineers if x.handle != "TBD"]
        assert len(handles) == len(set(handles)), "appears once per rotation"
        if any(x.handle == "TBD" for x in proposal.engineers):
            assert (proposal.fills_row, proposal.start.isoformat()) in unfilled
        for pick in (x for x in proposal.engineers if x.proposed):
            key = pick.handle.lower()
            person = roster.people[key]
            assert person.eligible and pick.reason
            assert not any(a.person == key and a.first <= proposal.end and
                           a.last >= proposal.start for a in roster.time_off)
            others = [b for b in bookings(roster, proposals, busy, key)
                      if b != (proposal.start, proposal.end)]
            gap = timedelta(days=plan.min_gap_days)
            assert all((end < proposal.start and proposal.start - end >= gap) or
                       (start > proposal.end and start - proposal.end >= gap)
                       for start, end in others), (pick, others)
    for rotation in roster.rotations:
        filled = next((p for p in proposals if p.fills_row == rotation.row), None)
        if filled is not None:
            assert [x.handle for x in filled.engineers if not x.proposed and x.handle != "TBD"] \
                == [roster.person(h).github for h in rotation.engineers]
