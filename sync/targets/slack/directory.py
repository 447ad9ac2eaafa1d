"""People and Slack accounts: who a person is in Slack, and who a group member is."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sync.clients.slack import SlackApi, slack_escape
from sync.core.lived.roster import Person, Roster
from sync.core.messages.values import Markup, Part
from sync.targets.slack.model import Member

if TYPE_CHECKING:
    from sync.targets.slack.remembered import RememberedAccounts

log = logging.getLogger(__name__)

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

    def __init__(self, api: SlackApi, roster: Roster | None,
                 remembered: RememberedAccounts | None = None) -> None:
        self.api = api
        self.remembered = remembered
        self.people = list(roster.people.values()) if roster else []
        self.by_person: dict[str, Account | None] = {}
        self.by_id: dict[str, Account | None] = {}
        self.ids: dict[Member, str] = {}  # the Slack id behind every member the plan names

    def account(self, person: Person) -> Account | None:
        """The People `Slack ID` when given, otherwise whoever has the person's email (unless
        another People row has that email too: then nobody can tell whose account it is)."""
        if person.key not in self.by_person:
            ambiguous = not person.slack_id and self.sharing_email(person) is not None
            found = None if ambiguous else self.find(person)
            self.by_person[person.key] = found
            if found is not None:
                self.by_id[found.id] = found
                self.ids[Member.of(person)] = found.id
        return self.by_person[person.key]

    def find(self, person: Person) -> Account | None:
        """Remembered from an earlier run, or looked up (and remembered)."""
        found = self.remembered.get(person) if self.remembered else None
        if found is None:
            found = self.user(person.slack_id) if person.slack_id else \
                self.lookup(person.email)
            if found is not None and self.remembered:
                self.remembered.put(person, found)
        return found

    def problem(self, person: Person) -> str | None:
        account = self.account(person)
        other = None if person.slack_id else self.sharing_email(person)
        if other is not None:
            return (f"their email {person.email} is also on People row {other.row} "
                    f"({other.name}), so their Slack account cannot be told apart")
        if account is None:
            how = f"Slack ID {person.slack_id}" if person.slack_id else \
                f"email {person.email}"
            return f"no Slack account was found by {how}"
        return account.problem

    def sharing_email(self, person: Person) -> Person | None:
        """Another People row with the same email, if any."""
        email = person.email.lower()
        return next((p for p in self.people if p.key != person.key
                     and p.email.lower() == email), None)

    def mention(self, person: Person) -> str:
        account = self.account(person)
        if account and not account.problem:
            return f"<@{account.id}>"
        return slack_escape(person.name)

    # -- the addressbook of the Slack group's messages ---------------------------------------
    def render(self, parts: Sequence[Part]) -> Markup:
        """Plain parts escaped, people mentioned (or named, when Slack cannot mention them)."""
        return Markup("".join(self.mention(part) if isinstance(part, Person)
                              else slack_escape(part) for part in parts))

    def address(self, person: Person) -> str | None:
        """A direct message goes to the person's Slack user id (Slack opens the chat)."""
        account = self.account(person)
        if account is None or account.problem:
            log.warning("%s (@%s) could not be messaged: %s", person.name, person.github,
                        self.problem(person))
            return None
        return account.id

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
        remembered = self.remembered.holder(user_id, self.people) if self.remembered else None
        if remembered is not None:
            return remembered
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


