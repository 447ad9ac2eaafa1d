"""Desired state and actual state in, changes out. Pure: no I/O, so it is unit-testable.

Every target describes its world as records keyed by a stable key (a rotation's start date,
a group's handle). The planner compares two such maps; targets only read and write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any, Literal, Protocol

from sync.core.roster import Person, Roster, Rotation

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
    target: str
    desired: Mapping[str, Any]
    actual: Mapping[str, Any]
    changes: list[Change]
    notes: list[str] = field(default_factory=list)

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
    """'2022-08-10 to 2022-09-06: attendees a@x.com → a@x.com, c@x.com'."""
    changed = [f"{item.name} {show(getattr(before, item.name))} → "
               f"{show(getattr(after, item.name))}"
               for item in fields(after) if getattr(before, item.name) != getattr(after, item.name)]
    return f"update {after.describe()}: " + "; ".join(changed)


def show(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(show(item) for item in value) + ")" if value else "(none)"
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57] + "...")
    return str(value) if not isinstance(value, str) else repr(value)


def mass_delete(plan: TargetPlan) -> str | None:
    """vdirsyncer's rule: a roster that would wipe most of what we own is likely a mistake."""
    owned, deleting = len(plan.actual), len(plan.deletes())
    wipes_all = owned > 0 and not plan.desired  # nothing of ours would be left
    wipes_most = deleting >= 3 and deleting * 2 > owned
    if not (wipes_all or wipes_most):
        return None
    return (f"this roster would delete {deleting} of the {owned} {plan.target} entries "
            "rotation-sync owns; if that is intended, run again with --force-delete "
            "(a renamed tab or a filtered sheet must not wipe the calendar).")


# -- calendar ----------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Attendee:
    email: str
    name: str

    def __str__(self) -> str:
        return self.email


@dataclass(frozen=True)
class EventState:
    start: date
    end: date  # exclusive, as calendars store all-day events
    summary: str
    description: str
    attendees: tuple[Attendee, ...]

    def describe(self) -> str:
        return f"{self.start} to {self.end - timedelta(days=1)} ({self.summary})"


@dataclass(frozen=True)
class EventSettings:
    title: str
    attendees: bool
    handbook_url: str | None = None


def desired_events(roster: Roster, settings: EventSettings) -> dict[str, EventState]:
    return {rotation.key: event_for(rotation, roster, settings) for rotation in roster.rotations}


def event_for(rotation: Rotation, roster: Roster, settings: EventSettings) -> EventState:
    people = [roster.person(handle) for handle in rotation.engineers]
    attendees = tuple(sorted(Attendee(p.email, p.name) for p in people)) if settings.attendees \
        else ()
    return EventState(
        start=rotation.start,
        end=rotation.end + timedelta(days=1),
        summary=render_title(settings.title, rotation, roster),
        description=event_description(rotation, settings.handbook_url),
        attendees=attendees,
    )


def render_title(template: str, rotation: Rotation, roster: Roster) -> str:
    names = [roster.person(h).name if h else "TBD" for h in rotation.slots]
    handles = [f"@{h}" if h else "TBD" for h in rotation.slots]
    return template.format_map({
        "engineers": ", ".join(names) or "TBD",
        "handles": ", ".join(handles) or "TBD",
        "start": rotation.start.isoformat(),
        "end": rotation.end.isoformat(),
    })


def event_description(rotation: Rotation, handbook_url: str | None) -> str:
    handles = ", ".join(f"@{h}" if h else "TBD" for h in rotation.slots) or "TBD"
    lines = [f"Escalation engineer rotation {rotation.label}: {handles}.",
             "Kept in sync with the rotation roster by rotation-sync; edit the roster, "
             "not this event."]
    if handbook_url:
        lines.append(f"Handbook: {handbook_url}")
    return "\n".join(lines)


# -- slack group -------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Member:
    handle: str
    email: str

    def __str__(self) -> str:
        return f"@{self.handle}"

    @classmethod
    def of(cls, person: Person) -> Member:
        return cls(person.github, person.email)


@dataclass(frozen=True)
class GroupState:
    handle: str
    enabled: bool
    members: tuple[Member, ...]  # sorted, so equal groups compare equal

    def describe(self) -> str:
        who = ", ".join(f"@{m.handle}" for m in self.members) or "nobody"
        return f"@{self.handle} ({'enabled' if self.enabled else 'disabled'}): {who}"


@dataclass(frozen=True)
class GroupSettings:
    handle: str
    empty_policy: Literal["keep", "disable", "fallback"]
    fallback: tuple[str, ...]
    notify_changes: bool = False


def desired_group(roster: Roster, members: list[Person], actual: GroupState | None,
                  settings: GroupSettings) -> tuple[GroupState | None, str | None]:
    """The group for `members` (today's resolvable engineers), or what empty_policy says.

    Returns the desired group (None: leave it alone) and a note saying which policy applied.
    """
    if members:
        return group_of(settings.handle, members), None
    if settings.empty_policy == "fallback":
        fallback = [roster.person(handle) for handle in settings.fallback]
        return group_of(settings.handle, fallback), ("Nobody is on rotation now: the group "
                                                     "holds the fallback engineers "
                                                     "(empty_policy = fallback).")
    if settings.empty_policy == "disable":
        kept = actual.members if actual else ()
        return GroupState(settings.handle, False, kept), \
            "Nobody is on rotation now: the group is disabled (empty_policy = disable)."
    return actual, "Nobody is on rotation now: the group keeps its members (empty_policy = keep)."


def group_of(handle: str, people: list[Person]) -> GroupState:
    return GroupState(handle, True, tuple(sorted(Member.of(person) for person in people)))


def todays_engineers(roster: Roster, rotation: Rotation | None) -> list[Person]:
    return [roster.person(handle) for handle in rotation.engineers] if rotation else []
