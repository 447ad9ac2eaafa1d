"""The target interface: read a snapshot, plan against the roster, apply the plan.

A family (calendar, slack, handbook) knows what the roster asks of it (`desired`) and what
messages a sync entails (`messages`); a backend (ICS file, Google Calendar, …) only reads
and writes. `read()` returns a Snapshot: the owned records plus whatever `apply` will need,
so the plan carries everything and a backend instance holds only settings and a client.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from sync.core.diff.plan import Change, TargetPlan, diff
from sync.core.findings import Finding
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.core.messages.values import Addressbook, Message

S = TypeVar("S", bound="Snapshot")


@dataclass(frozen=True)
class Snapshot(Mapping[str, Any]):
    """What `read()` saw: the records the target owns, keyed like `desired` (a read-only
    mapping of them). Backends subclass it to carry what their writes need."""

    records: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.records[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


class Target(ABC):
    name: ClassVar[str]

    def plan(self, roster: Roster, clock: Clock) -> TargetPlan:
        return self.plan_from(self.read(), roster, clock)

    def plan_from(self, snapshot: Snapshot, roster: Roster, clock: Clock) -> TargetPlan:
        """The plan for what `read()` saw."""
        desired, notes = self.desired(roster, clock, snapshot)
        return TargetPlan(self.name, desired, snapshot, self.diff(desired, snapshot, clock),
                          tuple(notes), self.messages(roster, clock, snapshot),
                          self.addresses(snapshot), clock.today,
                          self.findings(roster, clock, snapshot))

    def diff(self, desired: Mapping[str, Any], snapshot: Snapshot,
             clock: Clock) -> list[Change]:
        return diff(desired, snapshot)

    @abstractmethod
    def read(self) -> Snapshot:
        """The actual state this target owns, and what applying a plan needs of it."""

    @abstractmethod
    def desired(self, roster: Roster, clock: Clock,
                snapshot: Snapshot) -> tuple[dict[str, Any], list[str]]:
        """What the roster asks for, and notes for the run's output."""

    @abstractmethod
    def apply(self, plan: TargetPlan) -> list[str]:
        """Make the changes of `plan` (only called when there are some); returns notes."""

    def messages(self, roster: Roster, clock: Clock,
                 snapshot: Snapshot) -> tuple[Message, ...]:
        """What this sync entails telling people; most targets tell nobody."""
        return ()

    def findings(self, roster: Roster, clock: Clock,
                 snapshot: Snapshot) -> tuple[Finding, ...]:
        """What reading the target found wrong with the roster (warnings only: errors belong
        to validation, before any target is read); most targets find nothing."""
        return ()

    def addresses(self, snapshot: Snapshot) -> Addressbook | None:
        """How this target's messages mention and reach people."""
        return None


def snapshot_of(plan: TargetPlan, kind: type[S]) -> S:
    """The plan's snapshot as the backend that read it made it."""
    snapshot = plan.actual
    if not isinstance(snapshot, kind):
        raise TypeError(f"a {plan.target} plan read by another backend cannot be applied here")
    return snapshot
