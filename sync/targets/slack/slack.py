"""The Slack user group through the Slack Web API (slack_sdk): the real Slack backend.

It behaves like the JSON-file backend (`slack_file.py`) and passes the same contract suite;
what it adds is what a real workspace needs: people are matched to Slack accounts (the
People `Slack ID` column, otherwise their email), accounts a group cannot hold are left out
with a warning instead of blocking the whole update, every call goes through the one retry
policy of `sync.clients.retry`, and Slack's error codes become messages a workspace admin can act
on. It never creates a user group: a missing one is an error the admin fixes in Slack.

Scopes the Slack app needs: usergroups:read (find the group), usergroups:write (set its
members, enable and disable it), users:read (who a member is), users:read.email (find
people by email, and read members' emails), chat:write (the handoff announcement).
"""

from __future__ import annotations

import http.client
import logging
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sync.clients.retry import Retryable, parse_retry_after, with_retry
from sync.core.clock import Clock
from sync.core.plan import (
    GroupSettings,
    GroupState,
    Member,
    TargetPlan,
    group_of,
    todays_engineers,
)
from sync.core.roster import Person, Roster, Rotation
from sync.errors import TargetError
from sync.run.messenger import slack_escape
from sync.targets.base import Memory, SlackTarget

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30
FIRST_RUN_WINDOW = timedelta(days=1)
TOKEN_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired",
                "account_inactive"}
PLAN_ERRORS = {"paid_teams_only", "plan_upgrade_required"}
ADVICE = {
    "token": "the Slack token in SLACK_BOT_TOKEN was rejected ({code}); create or reinstall "
             "the Slack app's bot token and set SLACK_BOT_TOKEN to it.",
    "missing_scope": "the Slack app may not call {method}: add the {needed} scope to the "
                     "Slack app and reinstall it.",
    "plan": "this Slack workspace has no user groups ({code}): they need a paid Slack plan. "
            "Upgrade the workspace, or use [slack] kind = \"file\".",
    "permission_denied": "Slack refused to change @{handle} (permission_denied): a bot token "
                         "may manage user groups only when the workspace setting for who can "
                         "manage user groups is Everyone. Ask a workspace admin to change it, "
                         "or put an admin's user token (xoxp-) in SLACK_BOT_TOKEN.",
    "no_such_subteam": "the user group @{handle} no longer exists in this workspace; "
                       "create it in Slack (rotation-sync never creates groups).",
    "channel_not_found": "the channel {channel} does not exist or the Slack app cannot see "
                         "it; fix [slack] announce_channel (or [notify] channel), or invite "
                         "the app to the channel if it is private.",
    "not_in_channel": "the Slack app is not a member of {channel}; invite it to the channel "
                      "or add the chat:write.public scope to the app.",
    "is_archived": "the channel {channel} is archived; unarchive it or change "
                   "[slack] announce_channel (or [notify] channel).",
}


class SlackFailure(TargetError):
    """A Slack call that failed after retries; `unconfirmed` when Slack may have done it."""

    def __init__(self, message: str, code: str, unconfirmed: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.unconfirmed = unconfirmed


# -- the Web API, retried and translated ---------------------------------------------------
class SlackApi:
    """The few Web API methods the sync uses, each retried and translated for an admin."""

    def __init__(self, client: Any, api_url: str, handle: str, channel: str | None) -> None:
        self.client = client
        self.context = {"api_url": api_url, "handle": handle, "channel": channel or ""}

    def call(self, method: str, classify: Callable[[Exception], Retryable] | None = None,
             **params: Any) -> Mapping[str, Any]:
        send = getattr(self.client, method.replace(".", "_"))
        try:
            response = with_retry(lambda: send(**params), classify or transient,
                                  f"Slack {method}")
        except Exception as error:
            raise translate(error, method, self.context) from error
        return response.data if isinstance(response.data, Mapping) else {}

    def find(self, method: str, absent: str, **params: Any) -> Mapping[str, Any] | None:
        """A lookup where Slack's `absent` error code means "nobody": None, not a failure."""
        try:
            return self.call(method, **params)
        except SlackFailure as failure:
            if failure.code == absent:
                return None
            raise


def transient(error: Exception) -> Retryable:
    """Rate limits (after Retry-After), server errors and dropped connections are retried."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        if status == 429:
            return Retryable(True, parse_retry_after(header(error, "Retry-After")))
        return Retryable(status >= 500)
    return Retryable(isinstance(error, (URLError, ConnectionError, TimeoutError,
                                        http.client.HTTPException)))


def never_sent(error: Exception) -> Retryable:
    """For a message: retry only when Slack surely did not post it, so it is never posted
    twice. A 429 is refused before processing; a refused connection never reached Slack.
    A 5xx or a dropped connection may have posted it, so those are not retried."""
    if isinstance(error, SlackApiError):
        return transient(error) if error.response.status_code == 429 else Retryable(False)
    reason = error.reason if isinstance(error, URLError) else error
    return Retryable(isinstance(reason, (ConnectionRefusedError, socket.gaierror)))


def header(error: SlackApiError, name: str) -> str | None:
    headers = error.response.headers or {}
    return next((str(v) for k, v in headers.items() if k.lower() == name.lower()), None)


def translate(error: Exception, method: str, context: Mapping[str, str]) -> SlackFailure:
    """Slack's answer as a message a workspace admin can act on. Never includes the token."""
    if not isinstance(error, SlackApiError):
        sure = never_sent(error).retry
        return SlackFailure(f"[slack] could not reach Slack at {context['api_url']} for "
                            f"{method} ({type(error).__name__}), even after retrying; the "
                            "next run tries again.", "unreachable", unconfirmed=not sure)
    status, code = error.response.status_code, str(error.response.get("error") or "")
    if status == 429:
        return SlackFailure(f"[slack] Slack kept rate-limiting {method}, even after waiting "
                            "as asked; the next run tries again.", "ratelimited")
    if status >= 500:
        return SlackFailure(f"[slack] Slack answered HTTP {status} to {method}, even after "
                            "retrying; the next run tries again.", f"http_{status}",
                            unconfirmed=True)
    return SlackFailure("[slack] " + advice(code, method, error, context), code)


def advice(code: str, method: str, error: SlackApiError, context: Mapping[str, str]) -> str:
    key = "token" if code in TOKEN_ERRORS else "plan" if code in PLAN_ERRORS else code
    if key not in ADVICE:
        return f"Slack refused {method} with the error {code or 'unknown'}."
    needed = str(error.response.get("needed") or "the missing")
    return ADVICE[key].format(code=code, method=method, needed=needed, **context)


# -- people and accounts ---------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    """A Slack user, as far as the sync cares."""

    id: str
    name: str
    email: str
    deleted: bool = False
    bot: bool = False
    guest: bool = False

    @classmethod
    def of(cls, user: Mapping[str, Any]) -> Account:
        profile = user.get("profile") or {}
        return cls(id=str(user["id"]), name=str(user.get("name") or user["id"]),
                   email=str(profile.get("email") or ""), deleted=bool(user.get("deleted")),
                   bot=bool(user.get("is_bot")) or user["id"] == "USLACKBOT",
                   guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")))

    @property
    def problem(self) -> str | None:
        """Why a user group cannot hold this account (Slack would refuse the whole update)."""
        if self.deleted:
            return "their Slack account is deactivated"
        if self.bot:
            return "their Slack account is a bot"
        if self.guest:
            return "their Slack account is a guest, and user groups cannot hold guests"
        return None


class Directory:
    """People ↔ Slack accounts for one run: each person and each member id is looked up at
    most once, however many times planning, applying and announcing ask."""

    def __init__(self, api: SlackApi, roster: Roster | None) -> None:
        self.api = api
        self.people = list(roster.people.values()) if roster else []
        self.by_person: dict[str, Account | None] = {}
        self.by_id: dict[str, Account | None] = {}
        self.ids: dict[Member, str] = {}  # the Slack id behind every member the plan names

    def account(self, person: Person) -> Account | None:
        """The People `Slack ID` when given, otherwise whoever has the person's email."""
        if person.key not in self.by_person:
            found = self.user(person.slack_id) if person.slack_id else self.lookup(person.email)
            self.by_person[person.key] = found
            if found is not None:
                self.by_id[found.id] = found
                self.ids[Member.of(person)] = found.id
        return self.by_person[person.key]

    def problem(self, person: Person) -> str | None:
        account = self.account(person)
        if account is None:
            how = f"Slack ID {person.slack_id}" if person.slack_id else "email"
            return f"no Slack account was found by {how}"
        return account.problem

    def mention(self, person: Person) -> str:
        account = self.account(person)
        if account and not account.problem:
            return f"<@{account.id}>"
        return slack_escape(person.name)

    def member(self, user_id: str) -> Member:
        """A group member as the plan shows it: their People row, or their Slack name."""
        person = self.person_with_id(user_id)
        if person is not None:
            member = Member.of(person)
        else:
            account = self.user(user_id)
            member = Member(account.name, account.email) if account else Member(user_id, "")
        self.ids[member] = user_id
        return member

    def person_with_id(self, user_id: str) -> Person | None:
        """By Slack ID or an account already resolved, else by the account's email, unless
        People gives that person a different Slack ID."""
        for person in self.people:
            known = self.by_person.get(person.key)
            if person.slack_id == user_id or (known is not None and known.id == user_id):
                return person
        account = self.user(user_id)
        email = account.email.lower() if account else ""
        return next((p for p in self.people if email and p.email.lower() == email
                     and p.slack_id in (None, user_id)), None)

    def user(self, user_id: str) -> Account | None:
        if user_id not in self.by_id:
            found = self.api.find("users.info", "user_not_found", user=user_id)
            self.by_id[user_id] = Account.of(found["user"]) if found else None
        return self.by_id[user_id]

    def lookup(self, email: str) -> Account | None:
        found = self.api.find("users.lookupByEmail", "users_not_found", email=email)
        return Account.of(found["user"]) if found else None


# -- the target ------------------------------------------------------------------------------
class SlackUserGroup(SlackTarget):
    """The user group `@handle` holds today's engineers; handoffs are announced."""

    def __init__(self, token: str, settings: GroupSettings, api_url: str,
                 announce_channel: str | None = None) -> None:
        super().__init__(settings)
        client = WebClient(token=token, base_url=api_url, timeout=TIMEOUT_SECONDS,
                           retry_handlers=[])  # sync.clients.retry is the one retry policy
        self.api = SlackApi(client, api_url, settings.handle, announce_channel)
        self.announce_channel = announce_channel
        self.directory = Directory(self.api, None)
        self.group_id = ""

    # -- reading and planning ------------------------------------------------------------
    def plan(self, roster: Roster, clock: Clock) -> TargetPlan:
        """Every plan starts a fresh directory, so each run sees Slack as it is now."""
        self.directory = Directory(self.api, roster)
        rotation = roster.current(clock.now, clock.handoff, clock.tz)
        for person in todays_engineers(roster, rotation):
            self.directory.account(person)  # today's members then need no users.info
        return super().plan(roster, clock)

    def read(self) -> dict[str, Any]:
        group = self.find_group()
        self.group_id = str(group["id"])
        members = tuple(sorted(self.directory.member(str(user_id))
                               for user_id in group.get("users") or []))
        enabled = not group.get("date_delete")
        return {self.settings.handle: GroupState(self.settings.handle, enabled, members)}

    def find_group(self) -> Mapping[str, Any]:
        answer = self.api.call("usergroups.list", include_users=True, include_disabled=True)
        wanted = self.settings.handle.lower().removeprefix("@")
        for group in answer.get("usergroups") or []:
            if str(group.get("handle", "")).lower() == wanted:
                return dict(group)
        raise TargetError(f"[slack] no user group with handle @{wanted} exists in this "
                          "workspace; create it in Slack (rotation-sync never creates groups).")

    def resolvable(self, people: list[Person]) -> tuple[list[Person], list[str]]:
        """Accounts Slack would refuse are left out, so the others are still set."""
        usable, notes = [], []
        for person in people:
            problem = self.directory.problem(person)
            if problem is None:
                usable.append(person)
            else:
                notes.append(f"{person.name} (@{person.github}, {person.email}) is left out "
                             f"of @{self.settings.handle}: {problem}. Fix their Email or "
                             "Slack ID on the People tab, or their Slack account.")
        return usable, notes

    def desired(self, roster: Roster, clock: Clock,
                actual: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The family's answer, with fallback engineers checked against Slack as well."""
        wanted, notes = super().desired(roster, clock, actual)
        group = self.group(wanted)
        if group is None or not group.enabled or group == self.group(actual):
            return wanted, notes  # kept as it is: nothing to resolve
        usable, problems = self.resolvable([roster.person(m.handle) for m in group.members])
        if usable and not problems:
            return wanted, notes
        if usable:
            return {self.settings.handle: group_of(self.settings.handle, usable)}, \
                notes + problems
        kept = self.group(actual)
        return ({self.settings.handle: kept} if kept else {}), notes + problems + [
            "Nobody the group should hold can be found in Slack: the group keeps its members."]

    # -- writing -------------------------------------------------------------------------
    def apply(self, plan: TargetPlan) -> None:
        """Enable, set the members, disable: each only when needed. Never creates a group,
        never sends an empty member list (Slack refuses it; disabling is the way to empty)."""
        want, have = self.group(plan.desired), self.group(plan.actual)
        if want is None or have is None:
            return
        if want.enabled and not have.enabled:
            self.api.call("usergroups.enable", usergroup=self.group_id)
        if want.members and want.members != have.members:
            users = [self.directory.ids[member] for member in want.members]  # a list, not a set
            self.api.call("usergroups.users.update", usergroup=self.group_id, users=users)
        if have.enabled and not want.enabled:
            self.api.call("usergroups.disable", usergroup=self.group_id)

    # -- the handoff announcement --------------------------------------------------------
    def send_direct(self, person: Person, text: str) -> None:
        """A DM goes to the person's Slack user id (Slack opens the conversation)."""
        account = self.directory.account(person)
        if account is None or account.problem:
            log.warning("%s (@%s) could not be messaged: %s", person.name, person.github,
                        self.directory.problem(person))
            return
        self.api.call("chat.postMessage", never_sent, channel=account.id,
                      text=slack_escape(text), unfurl_links=False)

    def announce(self, roster: Roster, clock: Clock, memory: Memory,
                 dry_run: bool) -> list[str]:
        """One message per rotation in announce_channel, remembered in the state store.

        First run (nothing remembered yet): the current rotation is announced only if it
        began within the last day; an older one is remembered silently, so installing the
        tool does not announce a handoff that happened weeks ago.
        """
        rotation = roster.current(clock.now, clock.handoff, clock.tz)
        if not self.announce_channel or rotation is None:
            return []
        key = f"slack.announced.{self.settings.handle}"
        last = memory.recall(key)
        if last == rotation.key:
            return []
        if last is None and clock.now - rotation.begins(clock.handoff, clock.tz) \
                >= FIRST_RUN_WINDOW:
            return self.start_quietly(rotation, memory, key, dry_run)
        if dry_run:
            return [f"would announce the handoff to {names(roster, rotation)} "
                    f"({rotation.label}) in {self.announce_channel}"]
        self.post(self.announcement(roster, rotation), rotation, memory, key)
        return [f"announced the handoff to {names(roster, rotation)} ({rotation.label}) in "
                f"{self.announce_channel}"]

    def start_quietly(self, rotation: Rotation, memory: Memory, key: str,
                      dry_run: bool) -> list[str]:
        if not dry_run:
            memory.remember(key, rotation.key)
        return [f"first run: the current rotation ({rotation.label}) began before it, so it "
                f"is not announced; handoffs from the next one on are announced in "
                f"{self.announce_channel}"]

    def post(self, text: str, rotation: Rotation, memory: Memory, key: str) -> None:
        """Remembered after Slack confirms the post, so a failed post is retried by the next
        run. When Slack may have posted without confirming (a 5xx, a dropped connection) it
        is remembered too: never twice wins over at least once, and the admin is told.
        The one window left: the process dying between the post and the remember."""
        try:
            self.api.call("chat.postMessage", never_sent, channel=self.announce_channel,
                          text=text, unfurl_links=False)
        except SlackFailure as failure:
            if not failure.unconfirmed:
                raise
            memory.remember(key, rotation.key)
            raise TargetError(
                f"[slack] Slack did not confirm the handoff announcement in "
                f"{self.announce_channel} ({failure.code}); it may have been posted. So that "
                "it is never posted twice it will not be sent again: check the channel and "
                "post it by hand if it is missing.") from failure
        memory.remember(key, rotation.key)

    def announcement(self, roster: Roster, rotation: Rotation) -> str:
        incoming = todays_engineers(roster, rotation)
        who = ", ".join(self.directory.mention(p) for p in incoming)
        lines = [f"Escalation engineer handoff: {who} {'is' if len(incoming) == 1 else 'are'} "
                 f"on rotation from {rotation.start} to {rotation.end} "
                 f"(@{self.settings.handle})." if incoming else
                 f"Escalation engineer handoff: the rotation from {rotation.start} to "
                 f"{rotation.end} has begun, but no engineer is assigned yet."]
        outgoing = leaving(roster, rotation)
        if outgoing:
            lines.append("Thank you " + ", ".join(self.directory.mention(p) for p in outgoing)
                         + " for the last rotation!")
        return "\n".join(lines)


def names(roster: Roster, rotation: Rotation) -> str:
    return ", ".join(p.name for p in todays_engineers(roster, rotation)) or "nobody yet"


def leaving(roster: Roster, rotation: Rotation) -> list[Person]:
    """Engineers of the rotation before this one who are not staying on."""
    earlier = [r for r in roster.rotations if r.start < rotation.start]
    if not earlier:
        return []
    staying = {handle.lower() for handle in rotation.engineers}
    previous = max(earlier, key=lambda r: r.start)
    return [p for p in todays_engineers(roster, previous) if p.key not in staying]
