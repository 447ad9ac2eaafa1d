"""The announcement of an override's start: "@cover covers @engineer until 2026-12-05",
posted once per override in `announce_channel`, like a handoff."""

from __future__ import annotations

from datetime import timedelta

from sync.core.lived.clock import Clock
from sync.core.lived.own_time import for_people
from sync.core.lived.roster import Override, Roster
from sync.core.messages.values import Once, Part, Post


def running_overrides(roster: Roster, clock: Clock) -> list[Override]:
    """The overrides whose days hold the roster day of now."""
    day = roster.day_of(clock.now)
    return [o for o in roster.overrides if o.start <= day <= o.end]


def override_announcement(roster: Roster, override: Override, handle: str,
                          channel: str) -> Post:
    """Remembered per engineer (only one override of theirs runs at a time), so the state
    store keeps one value per person, not one per override ever announced."""
    engineer = roster.person(override.engineer)
    parts: list[Part] = [engineer, f" is away until {override.end}; nobody covers (@{handle})."]
    if override.cover is not None:
        parts = [roster.person(override.cover), " covers ", engineer,
                 f" until {override.end} (@{handle})."]
    people = [roster.person(h) for h in (override.cover, override.engineer) if h is not None]
    back = roster.handoff_on(override.end + timedelta(days=1))
    parts.append(f" Back to the plan: {for_people(roster, back, people)}.")
    parts += [f" Note: {override.note}"] if override.note else []
    what = (f"{roster.person(override.cover).name} covering {engineer.name}" if override.cover
            else f"{engineer.name} away") + f" ({override.label})"
    return Post(channel, tuple(parts), "the override announcement",
                sent=f"announced {what} in {channel}",
                preview=f"would announce {what} in {channel}",
                once=Once(f"slack.override-announced.{handle}.{engineer.key}", override.key,
                          roster.handoff_on(override.start),
                          f"first run: the override {what} began before it, so it is not "
                          "announced; overrides from the next one on are announced in "
                          f"{channel}"))
