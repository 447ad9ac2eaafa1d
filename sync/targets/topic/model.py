"""The topic family: the channel's topic names the engineers on rotation now and the
rotation's end. Backends only read and set it (a JSON file, Slack's conversations API)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.core.diff.plan import Change
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.targets.base import Snapshot, Target

TEMPLATE = "On rotation: {engineers} (until {end})"
PLACEHOLDERS = ("engineers", "end")
TOPIC_MAX = 250  # Slack refuses a longer topic (too_long)
NOBODY = "nobody"
UNTIL_FURTHER_NOTICE = "further notice"


@dataclass(frozen=True)
class Topic:
    channel: str
    text: str

    def describe(self) -> str:
        return f"the topic of {self.channel}: “{self.text}”"


@dataclass(frozen=True)
class TopicSettings:
    channel: str
    template: str = TEMPLATE


def topic_text(template: str, handles: Sequence[str], end: str,
               limit: int = TOPIC_MAX) -> str:
    """The template filled in; when too long, the last engineers become `…+N`."""
    text = ""
    for shown in range(len(handles), -1, -1):
        hidden = len(handles) - shown
        names = [f"@{handle}" for handle in handles[:shown]] + ([f"…+{hidden}"] if hidden else [])
        text = template.format(engineers=" ".join(names) or NOBODY, end=end)
        if len(text) <= limit:
            return text
    return text[:limit - 1] + "…"  # the template's own text is too long: cut it


def until(roster: Roster, now: datetime) -> str:
    """The running rotation's (inclusive) End; in a gap, the day before the next starts."""
    rotation = roster.running(now)
    if rotation is not None:
        return rotation.end.isoformat()
    later = [r for r in roster.rotations if roster.begins(r) > now]
    if not later:
        return UNTIL_FURTHER_NOTICE
    return (min(r.start for r in later) - timedelta(days=1)).isoformat()


def covering(roster: Roster, handle: str, now: datetime) -> str:
    """'sven-larsen (covering @valerybugakov)' while an override has them stand in, so the
    channel knows why the name differs from the plan."""
    day = roster.day_of(now)
    override = next((o for o in roster.overrides if o.cover is not None
                     and o.cover.lower() == handle.lower() and o.start <= day <= o.end), None)
    return f"{handle} (covering @{override.engineer})" if override else handle


class TopicTarget(Target):
    """The channel's topic says who is on rotation now (`Roster.on_call`)."""

    name = "topic"

    def __init__(self, settings: TopicSettings) -> None:
        self.settings = settings

    def desired(self, roster: Roster, clock: Clock,
                snapshot: Snapshot) -> tuple[dict[str, Any], list[str]]:
        handles = [covering(roster, person.github, clock.now)
                   for person in roster.on_call(clock.now).people]
        text = topic_text(self.settings.template, handles, until(roster, clock.now))
        return {self.settings.channel: Topic(self.settings.channel, text)}, []

    def diff(self, desired: Mapping[str, Any], snapshot: Snapshot,
             clock: Clock) -> list[Change]:
        """Whole topics in the summary, never a cut-off string."""
        return [summarised(change) for change in super().diff(desired, snapshot, clock)]


def summarised(change: Change) -> Change:
    if change.action == "delete":
        return Change("delete", change.key, f"stop keeping the topic of {change.key}",
                      change.before, None)
    was = f" (was “{change.before.text}”)" if change.before is not None else ""
    return Change(change.action, change.key,
                  f"set the topic of {change.key} to “{change.after.text}”{was}",
                  change.before, change.after)
