"""The target interface: read actual state, plan against the roster, apply the changes.

A target family (calendar, slack, handbook) knows what the roster asks of it (`desired`);
a backend (ICS file, Google Calendar, …) only reads and writes. Adding a target means one
class with `desired`, `read` and `apply`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar, Protocol

from sync.core.clock import Clock
from sync.core.notices import notices, snapshot
from sync.core.plan import (
    Change,
    EventSettings,
    GroupSettings,
    GroupState,
    Member,
    TargetPlan,
    desired_events,
    desired_group,
    diff,
    todays_engineers,
)
from sync.core.roster import Person, Roster
from sync.errors import TargetError


class Memory(Protocol):
    """What a target may remember between runs (the state store), e.g. the last handoff."""

    def remember(self, key: str, value: Any) -> None: ...

    def recall(self, key: str) -> Any: ...


class Target(ABC):
    name: ClassVar[str]

    def plan(self, roster: Roster, clock: Clock) -> TargetPlan:
        actual = self.read()
        desired, notes = self.desired(roster, clock, actual)
        return TargetPlan(self.name, desired, actual, self.diff(desired, actual), notes)

    def diff(self, desired: Mapping[str, Any], actual: Mapping[str, Any]) -> list[Any]:
        return diff(desired, actual)

    @abstractmethod
    def desired(self, roster: Roster, clock: Clock,
                actual: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """What the roster asks for, and notes for the run's output."""

    @abstractmethod
    def read(self) -> dict[str, Any]:
        """The actual state this target owns, keyed like `desired`."""

    @abstractmethod
    def apply(self, plan: TargetPlan) -> None:
        """Make the changes of `plan`; only called when there are some."""

    def follow_up(self, plan: TargetPlan, roster: Roster, clock: Clock, memory: Memory,
                  dry_run: bool) -> list[str]:
        """Messages that follow a sync (a handoff announcement, DMs); returns notes.

        Called after every successful plan: with dry_run=True it only says what it would
        send. Most targets send nothing.
        """
        return []


class CalendarTarget(Target):
    """One all-day event per rotation."""

    name = "calendar"

    def __init__(self, settings: EventSettings) -> None:
        self.settings = settings

    def desired(self, roster: Roster, clock: Clock,
                actual: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        return dict(desired_events(roster, self.settings)), []


class SlackTarget(Target):
    """The user group holds the engineers of the rotation current now."""

    name = "slack"

    def __init__(self, settings: GroupSettings) -> None:
        self.settings = settings
        self.roster: Roster | None = None

    def plan(self, roster: Roster, clock: Clock) -> TargetPlan:
        self.roster = roster  # to name people in the plan's summaries
        return super().plan(roster, clock)

    def desired(self, roster: Roster, clock: Clock,
                actual: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        self.check_fallback(roster)
        rotation = roster.current(clock.now, clock.handoff, clock.tz)
        members, notes = self.resolvable(todays_engineers(roster, rotation))
        group, note = desired_group(roster, members, actual.get(self.settings.handle),
                                    self.settings)
        notes += [note] if note else []
        return ({self.settings.handle: group} if group else {}), notes

    def resolvable(self, people: list[Person]) -> tuple[list[Person], list[str]]:
        """Backends that map people to accounts drop (and report) those they cannot find."""
        return people, []

    # -- messages after a sync ------------------------------------------------------------
    def follow_up(self, plan: TargetPlan, roster: Roster, clock: Clock, memory: Memory,
                  dry_run: bool) -> list[str]:
        return (self.announce(roster, clock, memory, dry_run)
                + self.tell_shift_changes(roster, clock, memory, dry_run))

    def announce(self, roster: Roster, clock: Clock, memory: Memory,
                 dry_run: bool) -> list[str]:
        """The handoff message in announce_channel; backends that can post override it."""
        return []

    def send_direct(self, person: Person, text: str) -> None:
        """A direct message to one engineer."""
        raise NotImplementedError

    def tell_shift_changes(self, roster: Roster, clock: Clock, memory: Memory,
                           dry_run: bool) -> list[str]:
        """With notify_changes, DM each engineer whose upcoming shift the roster changed.

        The roster as of the last sync is kept in the state store; the first sync only keeps
        it, so installing the tool messages nobody. Each notice is remembered as soon as it
        is sent, so a run that fails half-way never sends one twice.
        """
        if not self.settings.notify_changes:
            return []
        snapshot_key = f"slack.shift-snapshot.{self.settings.handle}"
        sent_key = f"slack.shift-notices-sent.{self.settings.handle}"
        before = memory.recall(snapshot_key)
        if before is None:
            if not dry_run:
                memory.remember(snapshot_key, snapshot(roster))
            return ["first sync of this roster: engineers are messaged about later changes "
                    "to their shifts (notify_changes)"]
        pending = notices(before, roster, clock.today)
        if dry_run:
            return [f"would message {n.person.name} (@{n.person.github}): {n.text}"
                    for n in pending]
        sent = set(memory.recall(sent_key) or [])
        for notice in pending:
            if notice.fingerprint not in sent:
                self.send_direct(notice.person, notice.text)
                sent.add(notice.fingerprint)
                memory.remember(sent_key, sorted(sent))
        memory.remember(snapshot_key, snapshot(roster))
        memory.remember(sent_key, [])
        return [f"messaged {n.person.name} (@{n.person.github}): {n.text}" for n in pending]

    def check_fallback(self, roster: Roster) -> None:
        unknown = [h for h in self.settings.fallback if h.lower() not in roster.people]
        if unknown and self.settings.empty_policy == "fallback":
            raise TargetError("[slack] fallback names " + ", ".join(f"@{h}" for h in unknown)
                              + ", not on the People tab; add them there or fix the config.")

    def group(self, actual: Mapping[str, Any]) -> GroupState | None:
        group = actual.get(self.settings.handle)
        return group if isinstance(group, GroupState) else None

    def diff(self, desired: Mapping[str, Any], actual: Mapping[str, Any]) -> list[Change]:
        return [self.named(change) for change in diff(desired, actual)]

    def named(self, change: Change) -> Change:
        """'add Valery Bugakov (@valerybugakov); remove @stranger (not on the People tab)'."""
        before, after = change.before, change.after
        if change.action != "update" or not isinstance(before, GroupState) \
                or not isinstance(after, GroupState):
            return change
        steps = ["enable the group"] if after.enabled and not before.enabled else []
        added = [self.who(m) for m in after.members if m not in before.members]
        removed = [self.who(m) for m in before.members if m not in after.members]
        steps += ["add " + ", ".join(added)] if added else []
        steps += ["remove " + ", ".join(removed)] if removed else []
        steps += ["disable the group"] if before.enabled and not after.enabled else []
        return replace(change, summary="; ".join(steps))

    def who(self, member: Member) -> str:
        person = self.roster.people.get(member.handle.lower()) if self.roster else None
        if person is not None and Member.of(person) == member:
            return f"{person.name} (@{person.github})"
        email = f", {member.email}" if member.email else ""
        return f"@{member.handle} (not on the People tab{email})"
