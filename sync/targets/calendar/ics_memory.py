"""What the .ics file held when rotation-sync last read or wrote it, so a run whose file is
unchanged does not parse it again.

Parsing is most of a local run's time (10,000 events: seconds with icalendar); the file's
SHA-256 tells whether it is byte for byte the file last seen. The events are kept in the
state store as states, keyed by the file and namespace. Any other edit of the file, by a
person or another program, changes the hash and the file is parsed as before.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from sync.targets.calendar.model import Attendee, EventState
from sync.targets.memory import Memory, recall, remember

States = dict[str, EventState]


def digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def memory_key(path: Path, namespace: str) -> str:
    return f"ics:{namespace}:{path.resolve()}"


def recall_states(memory: Memory | None, key: str, text_digest: str) -> States | None:
    """The states of the file with this digest, or None when it is not the file last seen."""
    kept = recall(memory, key)
    if not isinstance(kept, dict) or kept.get("sha256") != text_digest:
        return None
    try:
        return {name: from_json(value) for name, value in kept["events"].items()}
    except (KeyError, TypeError, ValueError):  # written by another version: parse instead
        return None


def remember_states(memory: Memory | None, key: str, text_digest: str, states: States) -> None:
    remember(memory, key, {"sha256": text_digest,
                           "events": {name: to_json(state) for name, state in states.items()}})


def to_json(state: EventState) -> list[Any]:
    return [state.start.isoformat(), state.end.isoformat(), state.summary, state.description,
            [[a.email, a.name] for a in state.attendees]]


def from_json(value: list[Any]) -> EventState:
    start, end, summary, description, attendees = value
    return EventState(date.fromisoformat(start), date.fromisoformat(end), str(summary),
                      str(description), tuple(Attendee(str(e), str(n)) for e, n in attendees))
