"""Slack accounts remembered between runs, so a no-op run looks nobody up.

Resolving a person (users.lookupByEmail, or users.info for a People `Slack ID`) is one call
per engineer per run otherwise. An account is reused while the person's People Email and
Slack ID are what they were when it was found, and for at most STALE_AFTER: a deactivated
or renamed account is noticed within that time. "Not found" is never remembered, so a
person who joins Slack is found by the next run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sync.core.lived.roster import Person
from sync.targets.memory import Memory, recall, remember
from sync.targets.slack.directory import Account

KEY = "slack:accounts"
STALE_AFTER = timedelta(days=7)


def utc_now() -> datetime:
    return datetime.now(UTC)


class RememberedAccounts:
    """People's Slack accounts from earlier runs; read once per run, written on change."""

    def __init__(self, memory: Memory, now: Callable[[], datetime] = utc_now) -> None:
        self.memory = memory
        self.now = now
        stored = recall(memory, KEY)
        self.entries: dict[str, Any] = dict(stored) if isinstance(stored, dict) else {}

    def get(self, person: Person) -> Account | None:
        """The account found earlier for exactly these People cells, if not stale."""
        entry = self.entries.get(person.key)
        if not isinstance(entry, dict) or entry.get("who") != identity(person):
            return None
        try:
            if self.now() - datetime.fromisoformat(entry["at"]) > STALE_AFTER:
                return None
            return Account(**entry["account"])
        except (KeyError, TypeError, ValueError):
            return None  # written by another version: look the person up again

    def holder(self, user_id: str, people: list[Person]) -> Person | None:
        """The person whose remembered account is `user_id` (a member leaving the group)."""
        return next((p for p in people if (found := self.get(p)) and found.id == user_id),
                    None)

    def put(self, person: Person, account: Account) -> None:
        self.entries[person.key] = {"who": identity(person), "at": self.now().isoformat(),
                                    "account": dataclasses.asdict(account)}
        remember(self.memory, KEY, self.entries)


def identity(person: Person) -> list[str]:
    """What the lookup depended on: a change on the People tab means look again."""
    return [person.email.lower(), person.slack_id or ""]
