"""Desired state and actual state in, changes out. Pure: no I/O, so it is unit-testable.

Every target describes its world as records keyed by a stable key (a rotation's start date,
a group's handle). The planner compares two such maps; targets only read and write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from sync.core.diff.refusals import refusal
from sync.core.diff.wording import what_changed
from sync.core.findings import Finding
from sync.core.messages.values import Addressbook, Message

Action = Literal["create", "update", "delete"]


class Record(Protocol):
    """A target's unit of state; frozen dataclasses compare by value."""

    def describe(self) -> str: ...


@dataclass(frozen=True)
class Change:
    action: Action
    key: str
    summary: str
    before: Any = None
    after: Any = None

    def as_json(self) -> dict[str, str]:
        return {"action": self.action, "key": self.key, "summary": self.summary}


@dataclass(frozen=True)
class TargetPlan:
    """Everything `apply` needs, so any instance of the backend can apply it.

    `actual` is what `read()` saw: the owned records, as a Snapshot that also carries what
    the write needs (raw events, a group id, a blob sha). `messages` are what the sync
    entails besides the writes (an announcement, direct messages): the messenger sends them,
    and `addresses` says how to mention and reach people where they go. `findings` are what
    reading the target taught about the roster (an engineer Slack cannot match): they join
    the run's findings.
    """

    target: str
    desired: Mapping[str, Any]
    actual: Mapping[str, Any]
    changes: list[Change]
    notes: tuple[str, ...] = ()
    messages: tuple[Message, ...] = ()
    addresses: Addressbook | None = None
    today: date | None = None
    findings: tuple[Finding, ...] = ()

    def deletes(self) -> list[Change]:
        return [change for change in self.changes if change.action == "delete"]


def diff(desired: Mapping[str, Any], actual: Mapping[str, Any]) -> list[Change]:
    """Create what is missing, update what differs, delete what the roster no longer has."""
    changes = []
    for key in sorted(desired.keys() | actual.keys()):
        want: Any = desired.get(key)
        have: Any = actual.get(key)
        if have is None:
            changes.append(Change("create", key, f"add {want.describe()}", None, want))
        elif want is None:
            changes.append(Change("delete", key, f"remove {have.describe()}", have, None))
        elif want != have:
            changes.append(Change("update", key, describe_update(have, want), have, want))
    return changes


def describe_update(before: Any, after: Any) -> str:
    """'update 2022-08-10 to 2022-09-06 (…): engineers add @c; remove @b' (core/wording)."""
    label = getattr(after, "label", None)
    what = label if isinstance(label, str) else after.describe()
    return f"update {what}: " + "; ".join(what_changed(before, after))


def mass_delete(plan: TargetPlan) -> str | None:
    """vdirsyncer's rule: a roster that would wipe most of what we own is likely a mistake."""
    owned, deleting = len(plan.actual), len(plan.deletes())
    wipes_all = owned > 0 and not plan.desired  # nothing of ours would be left
    wipes_most = deleting >= 3 and deleting * 2 > owned
    if not (wipes_all or wipes_most):
        return None
    return refusal(plan)
