"""In-memory target backends: the engine's and the planner's tests run against these, and
they pass the same contract suite as the real backends."""

from __future__ import annotations

from typing import Any

from sync.core.plan import EventSettings, GroupSettings, TargetPlan
from sync.targets.base import CalendarTarget, SlackTarget
from sync.targets.handbook.model import HandbookTarget

PAGE = "# Rotation\n\n## Rotations\n\n| Rotation | Engineers |\n| --- | --- |\n\n## After\n"


class Store:
    """Shared between target instances, so a fresh target sees what an earlier one wrote."""

    def __init__(self) -> None:
        self.records: dict[str, Any] = {}
        self.page = PAGE
        self.writes = 0


class MemoryCalendar(CalendarTarget):
    def __init__(self, store: Store, settings: EventSettings | None = None) -> None:
        super().__init__(settings or EventSettings("Rotation: {engineers}", True))
        self.store = store

    def read(self) -> dict[str, Any]:
        return dict(self.store.records)

    def apply(self, plan: TargetPlan) -> None:
        apply_records(self.store, plan)


class MemorySlack(SlackTarget):
    def __init__(self, store: Store, settings: GroupSettings | None = None) -> None:
        super().__init__(settings or GroupSettings("escalation-engineers", "keep", ()))
        self.store = store

    def read(self) -> dict[str, Any]:
        return dict(self.store.records)

    def apply(self, plan: TargetPlan) -> None:
        apply_records(self.store, plan)


class MemoryHandbook(HandbookTarget):
    def __init__(self, store: Store, stamp: bool = False) -> None:
        super().__init__(stamp)
        self.store = store

    def read_page(self) -> str:
        return self.store.page

    def write_page(self, text: str, plan: TargetPlan) -> None:
        self.store.page = text
        self.store.writes += 1


def apply_records(store: Store, plan: TargetPlan) -> None:
    for change in plan.changes:
        if change.action == "delete":
            store.records.pop(change.key)
        else:
            store.records[change.key] = plan.desired[change.key]
        store.writes += 1
