"""The contract suite, run against the ICS file and the in-memory backends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest

from sync.core.diff.plan import TargetPlan
from sync.targets.base import Target
from sync.targets.calendar import ics as ics_module
from sync.targets.calendar.ics import OWNER_PROPERTY, IcsCalendar
from sync.targets.calendar.model import EventSettings
from tests.helpers import make_clock, make_roster
from tests.targets.contract import (
    OVERRIDE_KEY,
    ROSTER_A,
    CalendarContract,
    HandbookContract,
    SlackContract,
    broken,
    covered,
    sync,
)
from tests.wire.fakes.memory import MemoryCalendar, MemoryHandbook, MemorySlack, Store

SETTINGS = EventSettings("Escalation engineer rotation: {engineers}", True,
                         organizer="oncall-bot@example.com")
FOREIGN = """BEGIN:VEVENT
UID:team-offsite@example.com
DTSTAMP:20220801T000000Z
DTSTART;VALUE=DATE:20220915
DTEND;VALUE=DATE:20220916
SUMMARY:Team offsite
END:VEVENT
"""


class TestIcsCalendar(CalendarContract):
    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path: Path) -> None:
        self.path = tmp_path / "out" / "rotations.ics"

    def make_target(self) -> Target:
        return IcsCalendar(self.path, SETTINGS, "rotation-sync")

    def writes(self) -> int:
        return self.path.stat().st_mtime_ns if self.path.exists() else 0

    def tamper(self, target: Target) -> None:
        text = self.path.read_text()
        self.path.write_text(text.replace("SUMMARY:Escalation engineer rotation: Keegan",
                                          "SUMMARY:Moved by hand: Keegan", 1))

    def tamper_override(self) -> None:
        text = self.path.read_text()
        assert "SUMMARY:Kenji Sato covers" in text
        self.path.write_text(text.replace("SUMMARY:Kenji Sato covers", "SUMMARY:Edited", 1))

    def test_an_override_event_has_the_contract_uid(self) -> None:
        sync(self.make_target(), covered(), "2022-09-10")
        uids = sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(
            self.path.read_text()).walk("VEVENT"))
        assert uids == ["rotation-sync-20220810@rotation-sync",
                        "rotation-sync-20220907@rotation-sync",
                        "rotation-sync-20221010@rotation-sync",
                        "rotation-sync-override-valerybugakov-20220912@rotation-sync"]

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        yield from broken(ics_module)

    def add_foreign_event(self) -> None:
        self.path.parent.mkdir(parents=True)
        self.path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
                             + FOREIGN.replace("\n", "\r\n") + "END:VCALENDAR\r\n")

    def foreign_events(self) -> int:
        calendar = icalendar.Calendar.from_ical(self.path.read_text())
        return sum(1 for e in calendar.walk("VEVENT") if OWNER_PROPERTY not in e)

    def test_the_file_is_valid_rfc5545(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A))
        calendar = icalendar.Calendar.from_ical(self.path.read_bytes())
        events = list(calendar.walk("VEVENT"))
        assert len(events) == 3
        first = events[0]
        assert first["UID"] == "rotation-sync-20220810@rotation-sync"
        assert first["DTSTART"].params.get("VALUE") == "DATE"
        assert str(first["DTEND"].dt) == "2022-09-07"
        assert "DTSTAMP" in first
        assert sorted(str(a) for a in first["ATTENDEE"]) == ["mailto:bolaji@example.com",
                                                           "mailto:keegan@example.com"]
        assert str(first["SUMMARY"]) == ("Escalation engineer rotation: "
                                         "Keegan Carruthers-Smith, Bolaji Olajide")
        assert all(line.endswith(b"\r") for line in self.path.read_bytes().split(b"\n")[:-1])

    def test_attendees_can_be_left_out(self) -> None:
        target = IcsCalendar(self.path, replace(SETTINGS, attendees=False), "rotation-sync")
        sync(target, make_roster(ROSTER_A))
        assert "ATTENDEE" not in self.path.read_text()

    def test_another_namespace_is_foreign(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A))
        other = IcsCalendar(self.path, SETTINGS, "other-team")
        plan = other.plan(make_roster(ROSTER_A), make_clock())
        assert [c.action for c in plan.changes] == ["create"] * 3


class MemoryBacked:
    @pytest.fixture(autouse=True)
    def _store(self) -> None:
        self.store = Store()

    def writes(self) -> int:
        return self.store.writes

    writes_per_change = True

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        self.store.fail_after = len(plan.changes) // 2 if self.writes_per_change else 0
        yield
        self.store.fail_after = None


class TestMemoryCalendar(MemoryBacked, CalendarContract):
    def make_target(self) -> Target:
        return MemoryCalendar(self.store, SETTINGS)

    def tamper(self, target: Target) -> None:
        key = sorted(self.store.records)[0]
        self.store.records[key] = replace(self.store.records[key], summary="edited")

    def tamper_override(self) -> None:
        key = OVERRIDE_KEY
        self.store.records[key] = replace(self.store.records[key], summary="edited")

    def add_foreign_event(self) -> None:
        self.foreign = ["team offsite"]  # the memory calendar only ever holds owned events

    def foreign_events(self) -> int:
        return len(self.foreign)


class TestMemorySlack(MemoryBacked, SlackContract):
    def make_target(self) -> Target:
        return MemorySlack(self.store)

    def tamper(self, target: Target) -> None:
        group = self.store.records["escalation-engineers"]
        self.store.records["escalation-engineers"] = replace(group, members=group.members[1:])

    def members(self) -> set[str]:
        return {m.email for m in self.store.records["escalation-engineers"].members}


class TestMemoryHandbook(MemoryBacked, HandbookContract):
    writes_per_change = False  # the page is one write

    @pytest.fixture(autouse=True)
    def _page(self, _store: None) -> None:
        page = (Path(__file__).parent.parent / "data" / "escalation-engineer-rotation.md")
        # without its last row: a page that already says what the roster says is kept
        self.store.page = "".join(line for line in page.read_text().splitlines(keepends=True)
                                  if "tbliu98" not in line)

    def make_target(self) -> Target:
        return MemoryHandbook(self.store)

    def tamper(self, target: Target) -> None:
        self.store.page = self.store.page.replace(", TBD, TBD", "", 1)

    def page(self) -> str:
        return self.store.page
