"""The Slack user group through the Slack Web API: the real Slack backend.

It behaves like the JSON-file backend (`file.py`) and passes the same contract suite; what
it adds is what a real workspace needs: people are matched to Slack accounts (the People
`Slack ID` column, otherwise their email, see `directory.py`), accounts a group cannot hold
are left out with a warning instead of blocking the whole update, and every call goes
through `sync.clients.slack`. It never creates a user group: a missing one is an error the
admin fixes in Slack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync.clients.slack import SlackApi
from sync.core.diff.plan import TargetPlan
from sync.core.findings import Finding
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Person, Roster
from sync.errors import TargetError
from sync.targets.base import Snapshot, snapshot_of
from sync.targets.memory import Memory
from sync.targets.slack.directory import Directory
from sync.targets.slack.model import GroupSettings, GroupState, SlackTarget, group_of
from sync.targets.slack.remembered import RememberedAccounts
from sync.targets.slack.unmatched import unmatched


@dataclass(frozen=True, kw_only=True)
class GroupSnapshot(Snapshot):
    """The group as read, its Slack id, and the directory of the accounts met so far
    (which also knows the Slack ids of the members the plan names)."""

    group_id: str
    accounts: Directory


class SlackUserGroup(SlackTarget):
    """The user group `@handle` holds the engineers on rotation now."""

    def __init__(self, settings: GroupSettings, api: SlackApi,
                 announce_channel: str | None = None, memory: Memory | None = None) -> None:
        """`memory` (the state store) keeps people's Slack accounts between runs."""
        super().__init__(settings, announce_channel)
        self.api = api
        self.memory = memory

    # -- reading and planning ------------------------------------------------------------
    def plan(self, roster: Roster, clock: Clock) -> TargetPlan:
        """Every plan starts a fresh directory, so each run sees Slack as it is now; the
        engineers on rotation are looked up first, so members need no users.info."""
        remembered = RememberedAccounts(self.memory) if self.memory is not None else None
        directory = Directory(self.api, roster, remembered)
        for person in roster.on_call(clock.now).people:
            directory.account(person)
        return self.plan_from(self.read_with(directory), roster, clock)

    def read(self) -> GroupSnapshot:
        return self.read_with(Directory(self.api, None))

    def read_with(self, directory: Directory) -> GroupSnapshot:
        group = self.find_group()
        members = tuple(sorted(directory.member(str(user_id))
                               for user_id in group.get("users") or []))
        enabled = not group.get("date_delete")
        state = GroupState(self.settings.handle, enabled, members)
        return GroupSnapshot({self.settings.handle: state}, group_id=str(group["id"]),
                             accounts=directory)

    def find_group(self) -> Mapping[str, Any]:
        answer = self.api.call("usergroups.list", include_users=True, include_disabled=True)
        wanted = self.settings.handle.lower().removeprefix("@")
        for group in answer.get("usergroups") or []:
            if str(group.get("handle", "")).lower() == wanted:
                return dict(group)
        raise TargetError(f"[slack] no user group with handle @{wanted} exists in this "
                          "workspace; create it in Slack (rotation-sync never creates groups).")

    def resolvable(self, people: list[Person],
                   snapshot: Snapshot) -> tuple[list[Person], list[str]]:
        """Accounts Slack would refuse are left out, so the others are still set."""
        directory = self.directory_of(snapshot)
        usable, notes = [], []
        for person in people:
            problem = directory.problem(person)
            if problem is None:
                usable.append(person)
            else:
                notes.append(f"{person.name} (@{person.github}, {person.email}) is left out "
                             f"of @{self.settings.handle}: {problem}. Fix their Email or "
                             "Slack ID on the People tab, or their Slack account.")
        return usable, notes

    def desired(self, roster: Roster, clock: Clock,
                snapshot: Snapshot) -> tuple[dict[str, Any], list[str]]:
        """The family's answer, with fallback engineers checked against Slack as well."""
        wanted, notes = super().desired(roster, clock, snapshot)
        group = self.group(wanted)
        if group is None or not group.enabled or group == self.group(snapshot):
            return wanted, notes  # kept as it is: nothing to resolve
        usable, problems = self.resolvable([roster.person(m.handle) for m in group.members],
                                           snapshot)
        if usable and not problems:
            return wanted, notes
        if usable:
            return {self.settings.handle: group_of(self.settings.handle, usable)}, \
                notes + problems
        kept = self.group(snapshot)
        return ({self.settings.handle: kept} if kept else {}), notes + problems + [
            "Nobody the group should hold can be found in Slack: the group keeps its members."]

    def findings(self, roster: Roster, clock: Clock,
                 snapshot: Snapshot) -> tuple[Finding, ...]:
        """`slack-unmatched` for each engineer on rotation now whom Slack cannot match."""
        return unmatched(roster.on_call(clock.now).people, self.directory_of(snapshot),
                         self.settings.handle)

    def addresses(self, snapshot: Snapshot) -> Directory:
        return self.directory_of(snapshot)

    @staticmethod
    def directory_of(snapshot: Snapshot) -> Directory:
        if not isinstance(snapshot, GroupSnapshot):
            raise TypeError("a Slack group plan needs the snapshot SlackUserGroup read")
        return snapshot.accounts

    # -- writing -------------------------------------------------------------------------
    def apply(self, plan: TargetPlan) -> list[str]:
        """Enable, set the members, disable: each only when needed. Never creates a group,
        never sends an empty member list (Slack refuses it; disabling is the way to empty)."""
        snapshot = snapshot_of(plan, GroupSnapshot)
        want, have = self.group(plan.desired), self.group(snapshot)
        if want is None or have is None:
            return []
        group_id = snapshot.group_id
        if want.enabled and not have.enabled:
            self.api.call("usergroups.enable", usergroup=group_id)
        if want.members and want.members != have.members:
            users = [snapshot.accounts.ids[member] for member in want.members]  # a list
            self.api.call("usergroups.users.update", usergroup=group_id, users=users)
        if have.enabled and not want.enabled:
            self.api.call("usergroups.disable", usergroup=group_id)
        return []
