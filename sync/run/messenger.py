"""The one messenger: it sends what a sync entails telling people, only when applying.

Targets put their messages in their plan as values (`sync.core.messages.values`); the engine hands
them here after the writes. This is the one place that knows dry runs (a preview note,
nothing sent, nothing remembered) and the "never twice" rules, kept in the state store:
a handoff is announced once, a changed shift is told once, and a post Slack did not
confirm is not sent again.

Transports are where text goes: Slack (`sync.clients.slack`) or, for the local backends, a
JSON-lines file beside the Slack group file, so local runs and tests can read it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sync.clients.slack import SlackApi, SlackFailure, post_message, slack_escape
from sync.core.messages.notices import Notice, notices, snapshot
from sync.core.messages.reminders import Reminder, Reminders
from sync.core.messages.values import Addressbook, Markup, Message, Post, ShiftChanges
from sync.errors import TargetError
from sync.run.state_checks import open_no_follow

MESSAGES_FILE = "messages.jsonl"
# Slack's answers for a person who cannot get a DM: theirs to fix, not the target's failure.
UNREACHABLE = frozenset({"channel_not_found", "user_not_found", "user_disabled",
                         "account_inactive", "cannot_dm_bot", "user_not_visible",
                         "not_allowed", "messages_tab_disabled", "is_archived",
                         "restricted_action", "not_in_channel"})
# A message about a moment more than this far back is never sent: with the state store
# lost, it may have been sent already (and a day-old handoff is not news).
STALE = timedelta(days=1)
log = logging.getLogger("sync.run")


class Memory(Protocol):
    """What the messenger remembers between runs (the state store)."""

    def remember(self, key: str, value: Any) -> None: ...

    def recall(self, key: str) -> Any: ...


class Transport(Protocol):
    """Where text goes. Plain text is made safe by the transport; Markup is sent as it is."""

    def post(self, channel: str, text: str) -> None: ...


class SlackTransport:
    """chat.postMessage through the one Slack client."""

    def __init__(self, api: SlackApi) -> None:
        self.api = api

    @classmethod
    def connect(cls, token: str, api_url: str, usergroup: str) -> SlackTransport:
        return cls(SlackApi.connect(token, api_url, usergroup))

    def post(self, channel: str, text: str) -> None:
        post_message(self.api, channel, text if isinstance(text, Markup) else slack_escape(text))


class FileTransport:
    """The local backend: one JSON line per message."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def post(self, channel: str, text: str) -> None:
        line = {"channel": channel, "text": str(text), "time": datetime.now(UTC).isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open_no_follow(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        with os.fdopen(handle, "a", encoding="utf-8") as stream:
            stream.write(json.dumps(line) + "\n")


class LazyTransport:
    """Built on the first post, so a run that posts nothing needs no Slack token."""

    def __init__(self, build: Callable[[], Transport]) -> None:
        self.build = build
        self.transport: Transport | None = None

    def post(self, channel: str, text: str) -> None:
        if self.transport is None:
            self.transport = self.build()
        self.transport.post(channel, text)


class Messenger:
    def __init__(self, transport: Transport, memory: Memory) -> None:
        self.transport = transport
        self.memory = memory
        self.told: set[tuple[str, str]] = set()  # (address, text) sent by this run

    def deliver(self, messages: Sequence[Message], book: Addressbook | None, now: datetime,
                dry_run: bool) -> list[str]:
        """Send `messages` (a dry run only says what it would send); returns notes."""
        notes: list[str] = []
        for message in messages:
            assert book is not None, "a target with messages says how to address them"
            if isinstance(message, Post):
                notes += self.post(message, book, now, dry_run)
            elif isinstance(message, Reminders):
                notes += self.remind(message, book, now, dry_run)
            else:
                notes += self.tell_shift_changes(message, book, dry_run)
        return notes

    # -- posts to a channel --------------------------------------------------------------
    def post(self, post: Post, book: Addressbook, now: datetime, dry_run: bool) -> list[str]:
        once = post.once
        last = self.memory.recall(once.key) if once else None
        if once is not None and last == once.value:
            return []
        if once is not None and now - once.since >= STALE:  # lost state or a first run
            if not dry_run:
                self.memory.remember(once.key, once.value)
            return [once.quietly]
        if dry_run:
            return [post.preview]
        self.send(post, book.render(post.parts))
        return [post.sent]

    def send(self, post: Post, text: str) -> None:
        """Remembered after Slack confirms the post, so a failed post is retried by the next
        run. When Slack may have posted without confirming (a 5xx, a dropped connection) it
        is remembered too: never twice wins over at least once, and the admin is told.
        The one window left: the process dying between the post and the remember."""
        try:
            self.transport.post(post.channel, text)
        except Exception as error:
            if not getattr(error, "unconfirmed", False):
                raise
            if post.once is not None:
                self.memory.remember(post.once.key, post.once.value)
            raise TargetError(
                f"[slack] Slack did not confirm {post.what} in {post.channel} "
                f"({getattr(error, 'code', 'unconfirmed')}); it may have been posted. So that "
                "it is never posted twice it will not be sent again: check the channel and "
                "post it by hand if it is missing.") from error
        if post.once is not None:
            self.memory.remember(post.once.key, post.once.value)

    # -- direct messages about changed shifts --------------------------------------------
    def tell_shift_changes(self, message: ShiftChanges, book: Addressbook,
                           dry_run: bool) -> list[str]:
        """Each notice is remembered as soon as it is sent, so a run that fails half-way
        never sends one twice; the roster is kept once all are sent."""
        before = self.memory.recall(message.snapshot_key)
        if before is None:
            if not dry_run:
                self.memory.remember(message.snapshot_key, snapshot(message.roster))
            return ["first sync of this roster: engineers are messaged about later changes "
                    "to their shifts (notify_changes)"]
        pending = notices(before, message.roster, message.today)
        if dry_run:
            return [f"would message {n.person.name} (@{n.person.github}): {n.text}"
                    for n in pending]
        sent = set(self.memory.recall(message.sent_key) or [])
        warnings: dict[str, str] = {}
        for notice in pending:
            if notice.fingerprint not in sent:
                address = book.address(notice.person)
                warnings[notice.fingerprint] = (
                    self.direct(address, notice.text) if address is not None
                    else "no Slack account was found for them") or ""
                sent.add(notice.fingerprint)
                self.memory.remember(message.sent_key, sorted(sent))
        self.memory.remember(message.snapshot_key, snapshot(message.roster))
        self.memory.remember(message.sent_key, [])
        return [dm_note(n, warnings.get(n.fingerprint)) for n in pending]

    def direct(self, address: str, text: str) -> str | None:
        """One direct message; what went wrong when it cannot be delivered to that person
        (it is not sent again, and never fails the target), None when it was sent. The
        same text to the same person twice in one run (two notices that say the same) is
        sent once."""
        if (address, text) in self.told:
            return None
        self.told.add((address, text))
        try:
            self.transport.post(address, text)
        except SlackFailure as failure:
            if failure.unconfirmed:
                return ("Slack did not confirm the direct message; so that it is never sent "
                        "twice it will not be sent again")
            if failure.code in UNREACHABLE:
                return f"Slack cannot deliver a direct message to them ({failure.code})"
            raise
        return None

    # -- reminders before a shift ----------------------------------------------------------
    def remind(self, message: Reminders, book: Addressbook, now: datetime,
               dry_run: bool) -> list[str]:
        """Each reminder at most once per person, Start and lead: remembered as soon as it
        is sent, or may have been (Slack did not confirm), or cannot be (a warning), so no
        run repeats one. One due more than a day ago is only remembered: with the state
        lost it may have been sent. Memory of rotations that have begun is dropped."""
        sent = {key for key in self.memory.recall(message.sent_key) or []
                if key.split(" ")[1] >= message.today.isoformat()}
        pending = [r for r in message.due if not set(r.covers) <= sent]
        if dry_run:
            return [f"would remind {whom(r)}: {r.text}" for r in pending
                    if now - r.due_at <= STALE]
        notes = []
        for reminder in pending:
            notes.append(self.send_reminder(reminder, book) if now - reminder.due_at <= STALE
                         else f"not reminding {whom(reminder)}: that reminder was due "
                         f"{reminder.due_at:%Y-%m-%d %H:%M %Z}, more than a day ago")
            sent |= set(reminder.covers)
            self.memory.remember(message.sent_key, sorted(sent))
        return notes

    def send_reminder(self, reminder: Reminder, book: Addressbook) -> str:
        address = book.address(reminder.person)
        problem = "they cannot be messaged in Slack" if address is None else \
            self.direct(address, reminder.text)
        if problem:
            log.warning("could not remind %s: %s", whom(reminder), problem)
            return f"warning: could not remind {whom(reminder)}: {problem}; tell them: " \
                f"{reminder.text}"
        return f"reminded {whom(reminder)} ({reminder.lead.key} before): {reminder.text}"


def whom(reminder: Reminder) -> str:
    return f"{reminder.person.name} (@{reminder.person.github})"


def dm_note(notice: Notice, problem: str | None) -> str:
    who = f"{notice.person.name} (@{notice.person.github})"
    if problem:
        log.warning("could not message %s: %s", who, problem)
        return f"warning: could not message {who}: {problem}; tell them: {notice.text}"
    return f"messaged {who}: {notice.text}"
