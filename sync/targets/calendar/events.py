"""Rotations as Google Calendar events and back (pure): ids, bodies, ownership markers."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sync.targets.calendar.model import Attendee, EventState

OWNER_KEY = "rotation-sync"
START_KEY = "rotation-sync-key"


def event_id_for(namespace: str, key: str) -> str:
    """base32hex of "namespace:start", as the API requires ([a-v0-9], 5 to 1024 characters).

    An encoding rather than a hash: it cannot collide, and an id found on the calendar
    decodes to the config and rotation it belongs to.
    """
    raw = base64.b32hexencode(f"{namespace}:{key}".encode()).decode("ascii")
    return raw.rstrip("=").lower()


def event_body(state: EventState, namespace: str, key: str) -> dict[str, Any]:
    """The event as we insert it: all-day (end exclusive), free, marked as ours."""
    return {
        "summary": state.summary,
        "description": state.description,
        "start": {"date": state.start.isoformat()},
        "end": {"date": state.end.isoformat()},
        "transparency": "transparent",
        "attendees": [attendee_body(a) for a in state.attendees],
        "extendedProperties": {"private": {OWNER_KEY: namespace, START_KEY: key}},
    }


def attendee_body(attendee: Attendee) -> dict[str, str]:
    return {"email": attendee.email, **({"displayName": attendee.name} if attendee.name else {})}


def patch_body(body: dict[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
    """A patch that makes the event ours again whatever was done to it by hand: confirmed
    (undeleted), all-day (a hand-set time is cleared) and with our fields. Attendees who
    stay keep their answer (accepted, declined)."""
    answers = {a.get("email", "").lower(): a["responseStatus"]
               for a in (current or {}).get("attendees", []) if "responseStatus" in a}
    attendees = [{**a, "responseStatus": answers[a["email"].lower()]}
                 if a["email"].lower() in answers else a for a in body["attendees"]]
    timeless = {"dateTime": None, "timeZone": None}
    return {**body, "status": "confirmed", "attendees": attendees,
            "start": {**body["start"], **timeless}, "end": {**body["end"], **timeless}}


def index_events(events: Iterable[Mapping[str, Any]], namespace: str
                 ) -> dict[str, dict[str, Any]]:
    """Owned events by rotation key. Should two carry one key (an event copied by hand), the
    one with our id keeps it and the other gets a key of its own, so it is deleted."""
    found: dict[str, dict[str, Any]] = {}
    for event in sorted(events, key=lambda event: not has_our_id(event, namespace)):
        key = private(event).get(START_KEY) or f"unkeyed {event.get('id')}"
        if key in found:
            key = f"{key} (copy {event.get('id')})"
        found[key] = dict(event)
    return found


def has_our_id(event: Mapping[str, Any], namespace: str) -> bool:
    return event.get("id") == event_id_for(namespace, private(event).get(START_KEY, ""))


def private(event: Mapping[str, Any]) -> dict[str, str]:
    return dict((event.get("extendedProperties") or {}).get("private") or {})


def to_state(event: Mapping[str, Any]) -> EventState:
    """The event as the planner sees it; attendee names are what Google returns (maybe none)."""
    people = [a for a in event.get("attendees", [])
              if "email" in a and not a.get("organizer") and not a.get("resource")]
    return EventState(
        start=day_of(event.get("start")),
        end=day_of(event.get("end")),
        summary=str(event.get("summary", "")),
        description=str(event.get("description", "")),
        attendees=tuple(sorted(Attendee(str(a["email"]), str(a.get("displayName", "")))
                               for a in people)),
    )


def hand_edits(event: Mapping[str, Any]) -> list[str]:
    """Edits the planner's EventState cannot see, which our patch also undoes."""
    edits = []
    if "dateTime" in (event.get("start") or {}) or "dateTime" in (event.get("end") or {}):
        edits.append("a time was set by hand → all-day again")
    if event and event.get("transparency", "opaque") != "transparent":
        edits.append("marked busy by hand → free again")
    return edits


def day_of(when: Mapping[str, Any] | None) -> date:
    """An all-day event's date, or the date part of a time set by hand."""
    text = str((when or {}).get("date") or (when or {}).get("dateTime") or "")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return date.min


def comparable(state: EventState) -> EventState:
    """What is compared: attendees by lower-cased email only."""
    emails = sorted({a.email.lower() for a in state.attendees})
    return replace(state, attendees=tuple(Attendee(email, "") for email in emails))


