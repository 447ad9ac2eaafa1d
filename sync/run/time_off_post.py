"""Each time-off conflict is posted once to the [notify] channel, through the one messenger.

A `Once` per conflict (its fingerprint: person, days, rotation) keeps it from repeating
while it is unchanged; changed days or a changed rotation is a new conflict and is posted.
Public holidays are one message per run at most, listing each holiday not posted before.
Only a real sync posts; a post that fails is tried again by the next run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sync.clients.slack import slack_escape
from sync.config.model import Config
from sync.core.lived.roster import Person
from sync.core.messages.values import Markup, Once, Part, Post
from sync.core.rules.holidays import OnRotation, one_message
from sync.core.rules.time_off import Conflict
from sync.run.messenger import Messenger
from sync.run.notify import notice_channel
from sync.targets.slack.settings import SlackSlack

KEY = "time-off.conflict."
HOLIDAY_KEY = "time-off.holiday."


class PlainText:
    """Conflicts name people by Name, as the warning does: no mention, nobody pinged."""

    def __init__(self, escape: bool) -> None:
        self.escape = escape

    def render(self, parts: Sequence[Part]) -> Markup:
        text = "".join(part.name if isinstance(part, Person) else part for part in parts)
        return Markup(slack_escape(text) if self.escape else text)

    def address(self, person: Person) -> str | None:
        return None


def conflict_posts(channel: str, conflicts: Sequence[Conflict], now: datetime) -> list[Post]:
    return [Post(channel, (f"rotation-sync: {conflict.text}",), "a time-off conflict",
                 f"time-off conflict posted in {channel}: {conflict.person.name} "
                 f"{conflict.days}", f"would post in {channel}: {conflict.text}",
                 Once(KEY + conflict.fingerprint, "posted", now, ""))
            for conflict in conflicts]


def post_conflicts(config: Config, conflicts: Sequence[Conflict], messenger: Messenger,
                   now: datetime) -> list[str]:
    """Post the conflicts not posted yet; returns the notes of what was sent."""
    channel = notice_channel(config)
    if channel is None or not conflicts:
        return []
    book = PlainText(escape=isinstance(config.section("slack"), SlackSlack))
    return messenger.deliver(conflict_posts(channel, conflicts, now), book, now, dry_run=False)


def post_holidays(config: Config, found: Sequence[OnRotation], messenger: Messenger,
                  now: datetime) -> list[str]:
    """One message naming every holiday on a rotation not posted before; each is then
    remembered on its own, so a new holiday is posted without repeating the others."""
    channel = notice_channel(config)
    pending = [item for item in found
               if messenger.memory.recall(HOLIDAY_KEY + item.fingerprint) is None]
    if channel is None or not pending:
        return []
    text = one_message(pending)
    key = HOLIDAY_KEY + "run." + "".join(item.fingerprint for item in pending)
    post = Post(channel, (text,), "the public holidays",
                f"public holidays posted in {channel}: {len(pending)}",
                f"would post in {channel}: {text}", Once(key, "posted", now, ""))
    book = PlainText(escape=isinstance(config.section("slack"), SlackSlack))
    notes = messenger.deliver([post], book, now, dry_run=False)
    for item in pending:
        messenger.memory.remember(HOLIDAY_KEY + item.fingerprint, "posted")
    return notes
