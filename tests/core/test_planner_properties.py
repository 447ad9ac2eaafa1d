"""Property tests: whatever the roster and whatever the targets held before, applying the plan
and planning again yields no changes. A state machine drives the whole engine the same way."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sync.core.diff.plan import diff
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster, Rotation
from sync.core.tabs.raw import Cell, RawRoster, RawTab
from sync.run.engine import Engine
from sync.targets.base import Target
from sync.targets.calendar.ics import IcsCalendar
from sync.targets.calendar.model import EventSettings
from sync.targets.slack.file import SlackFile
from sync.targets.slack.model import GroupSettings
from tests.helpers import HANDOFF, PEOPLE, TZ, make_clock, people, people_rows
from tests.wire.fakes.memory import MemoryCalendar, MemoryHandbook, MemorySlack, Store

HANDLES = list(PEOPLE)
EPOCH = date(2022, 1, 3)
POLICIES = st.sampled_from(["keep", "disable", "fallback"])


@st.composite
def rosters(draw: st.DrawFn, min_size: int = 0) -> Roster:
    lengths = draw(st.lists(st.integers(1, 80), min_size=min_size, max_size=7))
    gaps = draw(st.lists(st.integers(0, 20), min_size=len(lengths), max_size=len(lengths)))
    rotations, start = [], EPOCH + timedelta(days=draw(st.integers(0, 30)))
    for length, gap in zip(lengths, gaps, strict=True):
        start += timedelta(days=gap)
        slots = draw(st.lists(st.sampled_from([*HANDLES, None]), max_size=4))
        unique = tuple(dict.fromkeys(slots)) + tuple(None for s in slots if s is None)[1:]
        rotations.append(Rotation(start=start, end=start + timedelta(days=length - 1),
                                  slots=unique, row=len(rotations) + 2))
        start += timedelta(days=length)
    return Roster(rotations=tuple(rotations), people=people(), timezone=TZ,
                  handoff_time=HANDOFF)


days = st.integers(0, 500).map(lambda n: make_clock((EPOCH + timedelta(days=n)).isoformat()))


def converges(target: Target, roster: Roster, clock: Clock) -> None:
    plan = target.plan(roster, clock)
    if plan.changes:
        target.apply(plan)
    assert target.plan(roster, clock).changes == []


def settle(target: Target, roster: Roster, clock: Clock) -> None:
    plan = target.plan(roster, clock)
    if plan.changes:
        target.apply(plan)


@settings(max_examples=60, deadline=None)
@given(before=rosters(), after=rosters(), clock=days, policy=POLICIES, title=st.booleans())
def test_memory_targets_converge_from_any_state(before: Roster, after: Roster, clock: Clock,
                                                policy: str, title: bool) -> None:
    group = GroupSettings("escalation-engineers", policy, ("priya-nair",))  # type: ignore[arg-type]
    stores = [Store(), Store(), Store()]
    targets: list[Target] = [MemoryCalendar(stores[0]), MemorySlack(stores[1], group),
                             MemoryHandbook(stores[2])]
    for target in targets:
        settle(target, before, clock)
    if title:  # a hand edit on top of the earlier state
        stores[0].records = {k: replace(v, summary="edited") for k, v in stores[0].records.items()}
    for target in targets:
        converges(target, after, clock)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=rosters(), after=rosters(), clock=days, policy=POLICIES)
def test_file_targets_converge_from_any_state(before: Roster, after: Roster, clock: Clock,
                                              policy: str) -> None:
    group = GroupSettings("escalation-engineers", policy, ("priya-nair",))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as folder:
        events = EventSettings("{handles} {start}", True)
        targets: list[Target] = [IcsCalendar(Path(folder) / "c.ics", events, "ns"),
                                 SlackFile(Path(folder) / "g.json", group)]
        for target in targets:
            settle(target, before, clock)
            converges(target, after, clock)


@given(desired=st.dictionaries(st.text(max_size=3), st.integers()),
       actual=st.dictionaries(st.text(max_size=3), st.integers()))
def test_diff_touches_exactly_the_differing_keys(desired: dict[str, int],
                                                 actual: dict[str, int]) -> None:
    @dataclass(frozen=True)
    class Value:
        number: int

        def describe(self) -> str:
            return str(self.number)

    wanted = {k: Value(v) for k, v in desired.items()}
    have = {k: Value(v) for k, v in actual.items()}
    changes = diff(wanted, have)
    expected = {k for k in wanted.keys() | have.keys() if wanted.get(k) != have.get(k)}
    assert {c.key for c in changes} == expected
    assert len(changes) == len(expected)


# -- the whole engine, driven by a state machine -----------------------------------------
class MemorySource:
    """The roster's tabs as cells: Rotations, People and Overrides."""

    def __init__(self) -> None:
        self.raw = RawRoster(RawTab("Rotations", []), RawTab("People", people_rows()))
        self.rotations: tuple[Rotation, ...] = ()
        self.overrides: list[list[Cell]] = []

    def read(self) -> RawRoster:
        return self.raw

    def write_status(self, rows: list[list[str]]) -> None:
        pass

    def set(self, roster: Roster, broken: bool = False) -> None:
        """New rotations; the overrides of the old ones go with them."""
        rows: list[list[Cell]] = [["Start", "End", "Engineers"]]
        rows += [[r.start.isoformat(), r.end.isoformat(),
                  ", ".join(h or "TBD" for h in r.slots)] for r in roster.rotations]
        if broken:
            rows.append(["2022-13-01", "", "nobody-here"])
        self.rotations, self.overrides = roster.rotations, []
        self.raw = RawRoster(RawTab("Rotations", rows), self.raw.people, self.overrides_tab())

    def set_overrides(self, rows: list[list[Cell]]) -> None:
        self.overrides = rows
        self.raw = RawRoster(self.raw.rotations, self.raw.people, self.overrides_tab())

    def overrides_tab(self) -> RawTab:
        return RawTab("Overrides", [["Start", "End", "Engineer", "Cover", "Note"],
                                    *self.overrides])


class EngineMachine(RuleBasedStateMachine):
    @initialize(roster=rosters(min_size=1))
    def start(self, roster: Roster) -> None:
        self.source = MemorySource()
        self.source.set(roster)
        self.stores = {"calendar": Store(), "slack": Store(), "handbook": Store()}
        self.day = 0
        self.synced = False

    def engine(self) -> Engine:
        targets: dict[str, Target] = {
            "calendar": MemoryCalendar(self.stores["calendar"]),
            "slack": MemorySlack(self.stores["slack"]),
            "handbook": MemoryHandbook(self.stores["handbook"]),
        }
        clock = make_clock((EPOCH + timedelta(days=self.day)).isoformat())
        return Engine(self.source, targets, clock)

    @rule(roster=rosters(min_size=1))
    def edit_roster(self, roster: Roster) -> None:
        self.source.set(roster)
        self.synced = False

    @rule(days=st.integers(1, 60))
    def time_passes(self, days: int) -> None:
        self.day += days
        self.synced = False

    @rule(data=st.data())
    def add_override(self, data: st.DataObject) -> None:
        """A valid Overrides row: an engineer of a rotation away within it."""
        staffed = [r for r in self.source.rotations if r.engineers]
        if not staffed:
            return
        rotation = data.draw(st.sampled_from(staffed))
        engineer = data.draw(st.sampled_from(rotation.engineers))
        length = (rotation.end - rotation.start).days
        first = data.draw(st.integers(0, length))
        start = rotation.start + timedelta(days=first)
        end = rotation.start + timedelta(days=data.draw(st.integers(first, length)))
        if any(row[2] == engineer and str(row[0]) <= end.isoformat() and
               start.isoformat() <= str(row[1]) for row in self.source.overrides):
            return
        others = [h for h in HANDLES if h not in rotation.engineers]
        cover = data.draw(st.sampled_from(["", *others]))
        self.source.set_overrides([*self.source.overrides,
                                   [start.isoformat(), end.isoformat(), engineer, cover, ""]])
        self.synced = False

    @rule(data=st.data())
    def remove_override(self, data: st.DataObject) -> None:
        rows = self.source.overrides
        if rows:
            index = data.draw(st.integers(0, len(rows) - 1))
            self.source.set_overrides(rows[:index] + rows[index + 1:])
            self.synced = False

    @rule()
    def hand_edit_calendar(self) -> None:
        records = self.stores["calendar"].records
        if records:
            key = sorted(records)[0]
            records[key] = replace(records[key], summary="moved by hand")
            self.synced = False

    @rule(roster=rosters(min_size=1))
    def broken_roster_writes_nothing(self, roster: Roster) -> None:
        self.source.set(roster, broken=True)
        before = {name: (dict(s.records), s.page, s.writes) for name, s in self.stores.items()}
        result = self.engine().run(apply=True, force_delete=True)
        assert result.exit_code == 1
        after = {name: (dict(s.records), s.page, s.writes) for name, s in self.stores.items()}
        assert after == before
        self.source.set(roster)
        self.synced = False

    @rule()
    def sync(self) -> None:
        result = self.engine().run(apply=True, force_delete=True)
        assert result.exit_code == 0, result.findings
        self.synced = True

    @invariant()
    def a_synced_world_plans_nothing(self) -> None:
        if self.synced:
            result = self.engine().run(apply=False)
            assert all(not t.changes for t in result.targets.values())


TestEngineMachine = EngineMachine.TestCase
TestEngineMachine.settings = settings(max_examples=40, stateful_step_count=14, deadline=None)
