"""The Slack family: the user group holds the engineers on rotation now; a handoff is
announced and changed shifts are told, as messages the messenger sends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Literal

from sync.core.diff.plan import Change, TargetPlan
from sync.core.lived.clock import Clock
from sync.core.lived.own_time import for_people
from sync.core.lived.roster import Person, Roster, Rotation
from sync.core.messages.reminders import Lead, Reminders, due
from sync.core.messages.values import Addressbook, Markup, Message, Once, Part, Post, ShiftChanges
from sync.errors import TargetError
from sync.targets.base import Snapshot, Target
from sync.targets.slack.announce import override_announcement, running_overrides

JUST_BEFORE = timedelta(microseconds=1)


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
    remind_before: tuple[Lead, ...] = ()


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


class SlackTarget(Target):
    """The user group holds the engineers on rotation now (`Roster.on_call`)."""

    name = "slack"

    def __init__(self, settings: GroupSettings, announce_channel: str | None = None) -> None:
        self.settings = settings
        self.announce_channel = announce_channel

    def plan_from(self, snapshot: Snapshot, roster: Roster, clock: Clock) -> TargetPlan:
        """The family's plan, its changes naming the people they concern."""
        plan = super().plan_from(snapshot, roster, clock)
        return replace(plan, changes=[named(change, roster) for change in plan.changes])

    def desired(self, roster: Roster, clock: Clock,
                snapshot: Snapshot) -> tuple[dict[str, Any], list[str]]:
        self.check_fallback(roster)
        members, notes = self.resolvable(list(roster.on_call(clock.now).people), snapshot)
        group, note = desired_group(roster, members, snapshot.get(self.settings.handle),
                                    self.settings)
        notes += [note] if note else []
        return ({self.settings.handle: group} if group else {}), notes

    def resolvable(self, people: list[Person],
                   snapshot: Snapshot) -> tuple[list[Person], list[str]]:
        """Backends that map people to accounts drop (and report) those they cannot find."""
        return people, []

    def addresses(self, snapshot: Snapshot) -> Addressbook:
        return LocalAddresses()

    def messages(self, roster: Roster, clock: Clock,
                 snapshot: Snapshot) -> tuple[Message, ...]:
        """The handoff announcement (with announce_channel) and, with notify_changes, the
        direct messages about changed shifts."""
        found: list[Message] = []
        on_call = roster.on_call(clock.now)
        if self.announce_channel and on_call.rotation is not None:
            found.append(announcement(roster, on_call.rotation, on_call.people,
                                      self.settings.handle, self.announce_channel))
        if self.announce_channel:
            found += [override_announcement(roster, o, self.settings.handle,
                                            self.announce_channel)
                      for o in running_overrides(roster, clock)]
        if self.settings.notify_changes:
            handle = self.settings.handle
            found.append(ShiftChanges(f"slack.shift-snapshot.{handle}",
                                      f"slack.shift-notices-sent.{handle}", roster,
                                      clock.today))
        reminders = due(roster, clock.now, self.settings.remind_before)
        if reminders:
            found.append(Reminders(f"slack.reminded.{self.settings.handle}",
                                   tuple(reminders), roster.day_of(clock.now)))
        return tuple(found)

    def check_fallback(self, roster: Roster) -> None:
        unknown = [h for h in self.settings.fallback if h.lower() not in roster.people]
        if unknown and self.settings.empty_policy == "fallback":
            raise TargetError("[slack] fallback names " + ", ".join(f"@{h}" for h in unknown)
                              + ", not on the People tab; add them there or fix the config.")

    def group(self, records: Mapping[str, Any]) -> GroupState | None:
        group = records.get(self.settings.handle)
        return group if isinstance(group, GroupState) else None


class LocalAddresses:
    """Messages in a file: people are named, a direct message is addressed to @handle."""

    def render(self, parts: Sequence[Part]) -> Markup:
        return Markup("".join(part.name if isinstance(part, Person) else part
                              for part in parts))

    def address(self, person: Person) -> str | None:
        return f"@{person.github}"


# -- the handoff announcement ---------------------------------------------------------------
def announcement(roster: Roster, rotation: Rotation, incoming: Sequence[Person], handle: str,
                 channel: str) -> Post:
    """One post per rotation in `channel`: who takes over, and thanks to who leaves."""
    parts: list[Part] = [f"Escalation engineer handoff: the rotation from {rotation.start} to "
                         f"{rotation.end} has begun, but no engineer is assigned yet."]
    if incoming:
        parts = ["Escalation engineer handoff: ", *listed(incoming),
                 f" {'is' if len(incoming) == 1 else 'are'} on rotation from {rotation.start} "
                 f"to {rotation.end} (@{handle})."]
    if incoming:
        parts.append(f"\nThe next handoff: {for_people(roster, roster.ends(rotation), incoming)}.")
    outgoing = leaving(roster, rotation)
    if outgoing:
        parts += ["\nThank you ", *listed(outgoing), " for the last rotation!"]
    names = ", ".join(person.name for person in incoming) or "nobody yet"
    return Post(channel, tuple(parts), "the handoff announcement",
                sent=f"announced the handoff to {names} ({rotation.label}) in {channel}",
                preview=f"would announce the handoff to {names} ({rotation.label}) in {channel}",
                once=Once(f"slack.announced.{handle}", rotation.key, roster.begins(rotation),
                          f"first run: the current rotation ({rotation.label}) began before it, "
                          "so it is not announced; handoffs from the next one on are announced "
                          f"in {channel}"))


def listed(people: Sequence[Person]) -> list[Part]:
    """[a, ", ", b]: people separated by commas, each a mention."""
    parts: list[Part] = []
    for index, person in enumerate(people):
        parts += [", ", person] if index else [person]
    return parts


def leaving(roster: Roster, rotation: Rotation) -> list[Person]:
    """Who was on the rotation before this one at its end, and is not staying on."""
    previous = roster.before(rotation)
    if previous is None:
        return []
    staying = {handle.lower() for handle in rotation.engineers}
    last = roster.on_call(roster.ends(previous) - JUST_BEFORE).people
    return [person for person in last if person.key not in staying]


# -- change summaries -----------------------------------------------------------------------
def named(change: Change, roster: Roster) -> Change:
    """'add Valery Bugakov (@valerybugakov); remove @stranger (not on the People tab)'."""
    before, after = change.before, change.after
    if change.action != "update" or not isinstance(before, GroupState) \
            or not isinstance(after, GroupState):
        return change
    steps = ["enable the group"] if after.enabled and not before.enabled else []
    added = [who(m, roster) for m in after.members if m not in before.members]
    removed = [who(m, roster) for m in before.members if m not in after.members]
    steps += ["add " + ", ".join(added)] if added else []
    steps += ["remove " + ", ".join(removed)] if removed else []
    steps += ["disable the group"] if before.enabled and not after.enabled else []
    return replace(change, summary="; ".join(steps))


def who(member: Member, roster: Roster) -> str:
    person = roster.people.get(member.handle.lower())
    if person is not None and Member.of(person) == member:
        return f"{person.name} (@{person.github})"
    email = f", {member.email}" if member.email else ""
    return f"@{member.handle} (not on the People tab{email})"
