"""Handoff moments in the reader's own time as well as the configured one. Pure.

A message to a person who lives eight hours from the roster's timezone is misread when it
only says "09:00 America/Los_Angeles"; every message to a person, each calendar event's
description and `who` give both (one when the two are the same clock).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sync.core.lived.clock import zone
from sync.core.lived.roster import Person, Roster


def moment(at: datetime, timezone: str, configured: str) -> str:
    """'Mon 2022-10-10 09:00 America/Los_Angeles (Mon 2022-10-10 18:00 Europe/Berlin)'."""
    here = at.astimezone(zone(configured))
    text = f"{here:%a %Y-%m-%d %H:%M} {configured}"
    theirs = at.astimezone(zone(timezone))
    if timezone == configured or (theirs.replace(tzinfo=None) == here.replace(tzinfo=None)):
        return text
    return f"{text} ({theirs:%a %Y-%m-%d %H:%M} {timezone})"


def for_person(roster: Roster, person: Person, first: date, last: date) -> str:
    """' It begins … and ends … .': the handoffs that open and close days `first`–`last`
    (inclusive), in the person's own time and the roster's."""
    begins = roster.handoff_on(first)
    ends = roster.handoff_on(last + timedelta(days=1))
    return (f" It begins {moment(begins, person.timezone, roster.timezone)} and ends "
            f"{moment(ends, person.timezone, roster.timezone)}.")


def for_people(roster: Roster, at: datetime, people: Sequence[Person]) -> str:
    """'09:00 America/Los_Angeles: 18:00 Europe/Berlin for @valery, …' (each other zone)."""
    here = at.astimezone(zone(roster.timezone))
    others = [f"{at.astimezone(zone(p.timezone)):%a %H:%M} {p.timezone} for @{p.github}"
              for p in people if p.timezone != roster.timezone]
    head = f"{here:%a %Y-%m-%d %H:%M} {roster.timezone}"
    return head + (" (" + ", ".join(others) + ")" if others else "")
