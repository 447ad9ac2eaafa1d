"""In-memory target backends: the engine's and the planner's tests run against these, and
they pass the same contract suite as the real backends."""

from __future__ import annotations

from typing import Any

from sync.core.diff.plan import TargetPlan
from sync.targets.base import Snapshot
from sync.targets.calendar.model import CalendarTarget, EventSettings
from sync.targets.handbook.model import HandbookTarget, PageSnapshot, cut_page, parse_rows
from sync.targets.slack.model import GroupSettings, SlackTarget

PAGE = "# Rotation\n\n## Rotations\n\n| Rotation | Engineers |\n| --- | --- |\n\n## After\n"


class Store:
    """Shared between target instances, so a fresh target sees what an earlier one wrote.
    `fail_after` makes the next apply fail after that many writes (a fault half-way)."""

    def __init__(self) -> None:
        self.records: dict[str, Any] = {}
        self.page = PAGE
        self.writes = 0
        self.fail_after: int | None = None

    def write(self) -> None:
        if self.fail_after is not None:
            if self.fail_after == 0:
                self.fail_after = None
                raise OSError("the store failed half-way")
            self.fail_after -= 1
        self.writes += 1


class MemoryCalendar(CalendarTarget):
    def __init__(self, store: Store, settings: EventSettings | None = None) -> None:
        super().__init__(settings or EventSettings("Rotation: {engineers}", True))
        self.store = store

    def read(self) -> Snapshot:
        return Snapshot(dict(self.store.records))

    def apply(self, plan: TargetPlan) -> list[str]:
        return apply_records(self.store, plan)


class MemorySlack(SlackTarget):
    def __init__(self, store: Store, settings: GroupSettings | None = None) -> None:
        super().__init__(settings or GroupSettings("escalation-engineers", "keep", ()))
        self.store = store

    def read(self) -> Snapshot:
        return Snapshot(dict(self.store.records))

    def apply(self, plan: TargetPlan) -> list[str]:
        return apply_records(self.store, plan)


class MemoryHandbook(HandbookTarget):
    def __init__(self, store: Store, stamp: bool = False) -> None:
        super().__init__(stamp)
        self.store = store

    def read(self) -> PageSnapshot:
        page = cut_page(self.store.page)
        return PageSnapshot(parse_rows(page.table), page=page)

    def write_page(self, text: str, plan: TargetPlan) -> list[str]:
        self.store.write()
        self.store.page = text
        return []


def apply_records(store: Store, plan: TargetPlan) -> list[str]:
    for change in plan.changes:
        store.write()
        if change.action == "delete":
            store.records.pop(change.key)
        else:
            store.records[change.key] = plan.desired[change.key]
    return []
