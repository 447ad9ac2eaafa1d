"""One contract suite for every target backend (vdirsyncer's StorageTests, for targets).

A backend's test module subclasses the family's suite and provides four fixtures-like
hooks: `make_target()`, `writes()` (how many write calls/rewrites it has seen),
`tamper(target)` (a hand-made edit to the backend, for drift repair) and
`failing_half_way(plan)` (while open, applying `plan` fails part-way through).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from sync.core.diff.plan import TargetPlan, mass_delete
from sync.core.lived.roster import Roster
from sync.targets.base import Target
from tests.helpers import make_clock, make_roster, with_overrides

ROSTER_A = [
    ("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
    ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
    ("2022-10-10", "2022-11-07", ["tbliu98", None, None]),
]
ROSTER_B = [  # A with the middle rotation re-staffed and the last one gone, one added
    ("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
    ("2022-09-07", "2022-10-09", ["kenji-sato", "valerybugakov", "sven-larsen"]),
    ("2022-11-08", "2022-12-05", ["priya-nair", None]),
]


OVERRIDE_KEY = "override-valerybugakov-20220912"


def covered(cover: str | None = "kenji-sato") -> Roster:
    """ROSTER_A with Valery away 2022-09-12 to 2022-09-16."""
    return with_overrides(make_roster(ROSTER_A),
                          ("2022-09-12", "2022-09-16", "valerybugakov", cover, "dentist"))


def broken(module: object, name: str = "write_atomically") -> Iterator[None]:
    """For file backends: the write itself fails (a full disk), so nothing of it lands."""
    def refuse(*args: object) -> None:
        raise OSError("No space left on device")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, name, refuse)
        yield


def sync(target: Target, roster: Roster, day: str = "2022-09-10") -> TargetPlan:
    plan = target.plan(roster, make_clock(day))
    if plan.changes:
        target.apply(plan)
    return plan


class TargetContract:
    """Behaviour every backend of every family owes the engine."""

    day = "2022-09-10"

    def make_target(self) -> Target:
        raise NotImplementedError

    def writes(self) -> int:
        raise NotImplementedError

    def tamper(self, target: Target) -> None:
        raise NotImplementedError

    def failing_half_way(self, plan: TargetPlan) -> AbstractContextManager[None]:
        raise NotImplementedError

    def test_first_sync_converges(self) -> None:
        target = self.make_target()
        first = sync(target, make_roster(ROSTER_A), self.day)
        assert first.changes, "a first sync against an empty backend changes something"
        assert sync(target, make_roster(ROSTER_A), self.day).changes == []

    def test_noop_sync_writes_nothing(self) -> None:
        target = self.make_target()
        sync(target, make_roster(ROSTER_A), self.day)
        before = self.writes()
        again = self.make_target().plan(make_roster(ROSTER_A), make_clock(self.day))
        assert again.changes == []
        assert self.writes() == before

    def test_roster_change_converges(self) -> None:
        target = self.make_target()
        sync(target, make_roster(ROSTER_A), self.day)
        changed = sync(self.make_target(), make_roster(ROSTER_B), "2022-09-10")
        assert {c.action for c in changed.changes} <= {"create", "update", "delete"}
        assert self.make_target().plan(make_roster(ROSTER_B), make_clock(self.day)).changes == []

    def test_drift_is_repaired(self) -> None:
        target = self.make_target()
        sync(target, make_roster(ROSTER_A), self.day)
        self.tamper(self.make_target())
        drift = self.make_target().plan(make_roster(ROSTER_A), make_clock(self.day))
        assert drift.changes, "plan shows a hand-made edit before repairing it"
        sync(self.make_target(), make_roster(ROSTER_A), self.day)
        assert self.make_target().plan(make_roster(ROSTER_A), make_clock(self.day)).changes == []

    def test_plan_on_one_instance_apply_on_a_fresh_one(self) -> None:
        plan = self.make_target().plan(make_roster(ROSTER_A), make_clock(self.day))
        assert plan.changes
        self.make_target().apply(plan)
        assert self.make_target().plan(make_roster(ROSTER_A), make_clock(self.day)).changes == []

    def test_apply_failing_half_way_then_the_next_plan_converges(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A), self.day)
        plan = self.make_target().plan(make_roster(ROSTER_B), make_clock(self.day))
        assert plan.changes
        with self.failing_half_way(plan), pytest.raises(Exception):  # noqa: B017
            self.make_target().apply(plan)
        sync(self.make_target(), make_roster(ROSTER_B), self.day)
        assert self.make_target().plan(make_roster(ROSTER_B), make_clock(self.day)).changes == []

    def test_plan_writes_nothing(self) -> None:
        target = self.make_target()
        before = self.writes()
        plan: Any = target.plan(make_roster(ROSTER_A), make_clock(self.day))
        assert plan.changes
        assert self.writes() == before


class CalendarContract(TargetContract):
    """Calendar backends: one event per rotation; foreign events untouched."""

    def add_foreign_event(self) -> None:
        raise NotImplementedError

    def foreign_events(self) -> int:
        raise NotImplementedError

    def test_one_event_per_rotation(self) -> None:
        target = self.make_target()
        sync(target, make_roster(ROSTER_A), self.day)
        actual = self.make_target().read()
        assert sorted(actual) == ["2022-08-10", "2022-09-07", "2022-10-10"]
        event = actual["2022-08-10"]
        assert event.end.isoformat() == "2022-09-07", "all-day end is exclusive"
        assert {a.email for a in event.attendees} == {"keegan@example.com",
                                                      "bolaji@example.com"}

    def test_removed_rotation_is_deleted(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A), self.day)
        plan = sync(self.make_target(), make_roster(ROSTER_B), self.day)
        assert [c.key for c in plan.changes if c.action == "delete"] == ["2022-10-10"]
        assert sorted(self.make_target().read()) == ["2022-08-10", "2022-09-07", "2022-11-08"]

    def test_foreign_events_untouched(self) -> None:
        self.add_foreign_event()
        sync(self.make_target(), make_roster(ROSTER_A), self.day)
        sync(self.make_target(), make_roster(ROSTER_B), self.day)
        assert self.foreign_events() == 1
        assert len(self.make_target().read()) == 3


    # -- overrides: one more owned event each ---------------------------------------------
    def tamper_override(self) -> None:
        """Edit the override event's title by hand."""
        raise NotImplementedError

    def test_an_override_gets_one_more_event(self) -> None:
        sync(self.make_target(), covered(), self.day)
        actual = self.make_target().read()
        assert sorted(actual) == ["2022-08-10", "2022-09-07", "2022-10-10", OVERRIDE_KEY]
        event = actual[OVERRIDE_KEY]
        assert (event.start.isoformat(), event.end.isoformat()) == ("2022-09-12", "2022-09-17")
        assert event.summary == "Kenji Sato covers Valery Bugakov: escalation engineer rotation"
        assert "Note: dentist" in event.description
        assert {a.email for a in event.attendees} == {"kenji@example.com", "valery@example.com"}
        assert {a.email for a in actual["2022-09-07"].attendees} == {
            "keegan@example.com", "valery@example.com"}, "the rotation's event stays as planned"
        assert self.make_target().plan(covered(), make_clock(self.day)).changes == []

    def test_an_override_without_cover_names_who_is_away(self) -> None:
        sync(self.make_target(), covered(None), self.day)
        event = self.make_target().read()[OVERRIDE_KEY]
        assert event.summary == "Valery Bugakov away: escalation engineer rotation"
        assert {a.email for a in event.attendees} == {"valery@example.com"}

    def test_removing_the_override_row_deletes_its_event(self) -> None:
        sync(self.make_target(), covered(), self.day)
        plan = sync(self.make_target(), make_roster(ROSTER_A), self.day)
        assert [(c.action, c.key) for c in plan.changes] == [("delete", OVERRIDE_KEY)]
        assert sorted(self.make_target().read()) == ["2022-08-10", "2022-09-07", "2022-10-10"]

    def test_drift_on_an_override_event_is_repaired(self) -> None:
        sync(self.make_target(), covered(), self.day)
        self.tamper_override()
        drift = self.make_target().plan(covered(), make_clock(self.day))
        assert [(c.action, c.key) for c in drift.changes] == [("update", OVERRIDE_KEY)]
        sync(self.make_target(), covered(), self.day)
        assert self.make_target().plan(covered(), make_clock(self.day)).changes == []

    def test_the_mass_delete_guard_counts_override_events(self) -> None:
        roster = with_overrides(make_roster(ROSTER_A[:2]),
                                ("2022-08-15", "2022-08-16", "BolajiOlajide", "kenji-sato", ""),
                                ("2022-09-12", "2022-09-16", "valerybugakov", None, ""))
        sync(self.make_target(), roster, self.day)
        plan = self.make_target().plan(make_roster(ROSTER_A[:1]), make_clock(self.day))
        assert len([c for c in plan.changes if c.action == "delete"]) == 3
        assert mass_delete(plan) is not None


class SlackContract(TargetContract):
    """Slack backends: the group holds exactly today's engineers."""

    def members(self) -> set[str]:
        raise NotImplementedError

    def test_group_holds_current_engineers(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A), "2022-09-10")
        assert self.members() == {"keegan@example.com", "valery@example.com"}

    def test_handoff_switches_members(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A), "2022-09-10")
        sync(self.make_target(), make_roster(ROSTER_A), "2022-10-10")
        assert self.members() == {"tammy@example.com"}


class HandbookContract(TargetContract):
    """Handbook backends: only the table's bytes ever change."""

    def page(self) -> str:
        raise NotImplementedError

    def test_only_the_table_changes(self) -> None:
        before = self.page()
        sync(self.make_target(), make_roster(ROSTER_B), self.day)
        after = self.page()
        assert after != before
        head, tail = before.split("## Rotations")[0], before.split("## Benefits")[1]
        assert after.startswith(head + "## Rotations")
        assert after.endswith("## Benefits" + tail)
        assert "2022-11-08 to 2022-12-05" in after


class TopicContract(TargetContract):
    """Topic backends: the channel names who is on rotation now and until when."""

    def topic(self) -> str:
        raise NotImplementedError

    def test_topic_names_the_engineers_on_rotation_now(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A), "2022-09-10")
        assert self.topic() == "On rotation: @keegancsmith @valerybugakov (until 2022-10-09)"

    def test_handoff_changes_the_topic(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A), "2022-09-10")
        sync(self.make_target(), make_roster(ROSTER_A), "2022-10-10")
        assert self.topic() == "On rotation: @tbliu98 (until 2022-11-07)"

    def test_an_unchanged_topic_is_not_set_again(self) -> None:
        sync(self.make_target(), make_roster(ROSTER_A), "2022-09-10")
        before = self.writes()
        assert sync(self.make_target(), make_roster(ROSTER_A), "2022-09-20").changes == []
        assert self.writes() == before
