"""Messages as values: what a sync entails telling people, besides writing to targets.

Targets return them in their plan; the one messenger (`sync.run.messenger`) sends them, and
only when the run applies. The "never twice" rules live with the messenger too: a `Once`
names the memory key that keeps a post from repeating.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sync.core.lived.roster import Person, Roster
from sync.core.messages.reminders import Reminders


class Markup(str):
    """Text already in the transport's markup (a Slack mention): sent as it is."""

    __slots__ = ()


Part = str | Person  # a Person part is a mention of that person


class Addressbook(Protocol):
    """How people are mentioned and reached where the messages go (Slack, a file)."""

    def render(self, parts: Sequence[Part]) -> Markup:
        """The text, with plain parts made safe and people mentioned."""
        ...

    def address(self, person: Person) -> str | None:
        """Where a direct message to `person` goes; None when they cannot be messaged."""
        ...


@dataclass(frozen=True)
class Once:
    """A post that must not repeat: sent while memory[key] is not `value`, then remembered.

    A post whose moment `since` lies more than a day back is only remembered, with the note
    `quietly`: installing the tool, or a state store lost and recreated, must not announce
    a handoff that happened days ago (or announce it a second time).
    """

    key: str
    value: str
    since: datetime
    quietly: str


@dataclass(frozen=True)
class Post:
    """One message to a channel."""

    channel: str
    parts: tuple[Part, ...]
    what: str  # "the handoff announcement", for errors
    sent: str  # the note once it is posted
    preview: str  # the note of a dry run
    once: Once | None = None


@dataclass(frozen=True)
class ShiftChanges:
    """Tell each engineer whose upcoming shift changed since the last sync (notify_changes).

    The roster as of the last sync is in the messenger's memory; the first sync
    only keeps it, so installing the tool messages nobody.
    """

    snapshot_key: str  # the roster as of the last sync
    sent_key: str  # notices sent by a run that did not finish
    roster: Roster
    today: date


Message = Post | ShiftChanges | Reminders
