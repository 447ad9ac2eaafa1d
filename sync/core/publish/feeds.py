"""Calendar feeds: each person's own shifts as lived, and every rotation and override.

Pure: the run layer reads the previous files (for SEQUENCE and DTSTAMP) and writes the text.
A feed's file name is a token derived from a secret, so a link cannot be guessed from a
handle, and a new secret revokes every old link.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import icalendar

from sync.core.lived.clock import zone
from sync.core.lived.roster import Person, Roster
from sync.core.publish.ical import UID_DOMAIN, EventText, all_day_event, new_calendar, revision
from sync.core.publish.stretches import Stretch, stretches

HISTORY = timedelta(days=90)  # a feed shows shifts from this long ago on
REFRESH = timedelta(hours=6)  # how often subscribed clients should fetch the feed again
TOKEN_DIGITS = 32
SUMMARY = "Escalation engineer rotation"
DIGEST = "X-ROTATION-SYNC-DIGEST"
DIGEST_LINE = re.compile(rf"^{DIGEST}:([0-9a-f]+)\r?$", re.MULTILINE)
FORMAT = "1"  # part of the digest: a new way of writing feeds rewrites them once
KEPT = "Kept in sync with the rotation roster by rotation-sync; edit the roster, not this event."


def feed_token(secret: str, handle: str) -> str:
    """The first 32 hex digits of HMAC-SHA256(secret, lower-cased handle): a person's feed
    file name, stable for as long as the secret is."""
    digest = hmac.new(secret.encode(), handle.lower().encode(), hashlib.sha256).hexdigest()
    return digest[:TOKEN_DIGITS]


def feed_window(roster: Roster, now: datetime, horizon_days: int) -> tuple[date, date]:
    """Whole roster days, so every run of the same day renders the same feeds."""
    today = roster.day_of(now)
    return today - HISTORY, today + timedelta(days=horizon_days)


def person_feeds(roster: Roster, now: datetime,
                 horizon_days: int) -> dict[str, list[EventText]]:
    """Every People row's events (an empty list: a person with no shift in the window)."""
    first, last = feed_window(roster, now, horizon_days)
    found = stretches(roster, first, last)
    return {key: [shift_event(roster, s) for s in found.get(key, [])]
            for key in roster.people}


def shift_event(roster: Roster, stretch: Stretch) -> EventText:
    person = roster.person(stretch.person)
    covered = ", ".join(roster.person(h).name for h in stretch.covering)
    summary = f"{SUMMARY}: covering {covered}" if covered else SUMMARY
    return EventText(f"shift-{stretch.key}@{UID_DOMAIN}", stretch.first,
                     stretch.last + timedelta(days=1), summary,
                     shift_description(roster, stretch, person))


def shift_description(roster: Roster, stretch: Stretch, person: Person) -> str:
    lines = [f"{SUMMARY} {stretch.rotation.label}: you are on rotation "
             f"{stretch.first} to {stretch.last}."]
    if stretch.teammates:
        lines.append("With " + ", ".join(who(roster.person(h)) for h in stretch.teammates) + ".")
    else:
        lines.append("Nobody else is on rotation with you.")
    if stretch.covering:
        lines.append("Covering for " + ", ".join(who(roster.person(h))
                                                for h in stretch.covering) + ".")
    lines.append(f"Your shift starts {moment(roster, stretch.first, person.timezone)} and ends "
                 f"{moment(roster, stretch.last + timedelta(days=1), person.timezone)}.")
    lines.append(KEPT)
    return "\n".join(lines)


def handoff_line(roster: Roster, first: date, day_after: date) -> str:
    """When an event of the whole roster begins and ends, in the configured timezone."""
    return (f"Starts {moment(roster, first, roster.timezone)} and ends "
            f"{moment(roster, day_after, roster.timezone)}.")


def moment(roster: Roster, day: date, timezone: str) -> str:
    """The handoff of `day` in `timezone`, and in the configured one when they differ:
    "Tue 2026-12-08 18:00 Europe/Berlin (09:00 America/Los_Angeles)"."""
    handoff = roster.handoff_on(day)
    own = handoff.astimezone(zone(timezone))
    words = f"{own:%a %Y-%m-%d %H:%M} {timezone}"
    if timezone == roster.timezone:
        return words
    configured = f"{handoff:%H:%M}" if handoff.date() == own.date() else \
        f"{handoff:%a %Y-%m-%d %H:%M}"
    return f"{words} ({configured} {roster.timezone})"


def who(person: Person) -> str:
    return f"{person.name} (@{person.github})"


def render_feed(name: str, events: Iterable[EventText], previous: Mapping[str, Any],
                now: datetime) -> str:
    """The feed's text. `previous`: the events of the file it replaces, by UID; an event as
    it was stays byte for byte the same, so an unchanged feed is an unchanged file."""
    ordered = sorted(events, key=lambda e: (e.start, e.uid))
    calendar = new_calendar(name)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    calendar.add(DIGEST, feed_digest(name, ordered))
    for text in ordered:
        stamp = revision(text, previous.get(text.uid), now)
        calendar.add_component(all_day_event(text, stamp.sequence, stamp.stamp))
    return str(calendar.to_ical(sorted=False).decode("utf-8"))  # written as added: faster


def feed_name(person: Person) -> str:
    return f"{SUMMARY}: {person.name}"


def feed_digest(name: str, events: Iterable[EventText]) -> str:
    """What the feed says, stamps aside: a file whose digest matches needs neither parsing
    nor rendering (a no-op sync of 200 feeds and 1,500 events stays well under a second)."""
    digest = hashlib.sha256(f"{FORMAT}\x1f{name}".encode())
    for e in sorted(events, key=lambda e: (e.start, e.uid)):
        digest.update(f"\x1e{e.uid}\x1f{e.start}\x1f{e.end}\x1f{e.summary}\x1f"
                      f"{e.description}".encode())
    return digest.hexdigest()[:TOKEN_DIGITS]


def unchanged(before: str | None, name: str, events: Iterable[EventText]) -> bool:
    """The file already says this (its digest line, before the first event, matches)."""
    header = (before or "").split("BEGIN:VEVENT", 1)[0]
    found = DIGEST_LINE.search(header)
    return found is not None and found[1] == feed_digest(name, events)
