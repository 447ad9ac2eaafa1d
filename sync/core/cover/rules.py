"""Who may ask for cover on which days, and who may take it. Each rule is a Refusal naming
the problem, so the person who tried reads why (ephemerally in Slack, exit 1 on the command
line) and nothing is written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from sync.core.cover.request import CoverRequest, Refusal, same
from sync.core.lived.roster import Person, Roster, Rotation
from sync.core.tabs.cells import CONTROL

NOTE_MAX = 200  # one line in a message and a Note cell; a longer story belongs in a thread
NOTE_MARKUP = ("<", ">", "`", "*", "~", "|")  # Slack links, mentions and formatting
FORMULA_START = ("=", "+", "-", "@")  # a sheet would read the Note cell as a formula
Busy = Mapping[str, Sequence[tuple[date, date]]]  # handle -> days on other rosters


def days_of(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def person_of(roster: Roster, handle: str) -> Person:
    key = handle.strip().removeprefix("@").lower()
    if key not in roster.people:
        raise Refusal(f"@{handle.strip().removeprefix('@')} is not on the People tab.")
    return roster.people[key]


def checked_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Refusal(f"The note has {len(note)} characters; keep it to {NOTE_MAX}.")
    if CONTROL.search(note) or "\n" in note or "\r" in note:
        raise Refusal("The note must be one line of plain text.")
    if any(mark in note for mark in NOTE_MARKUP) or note.startswith(FORMULA_START):
        raise Refusal("The note must be plain text: no markup (< > ` * ~ |) and no leading "
                      "= + - @.")
    return note


def check_request(roster: Roster, engineer: Person, first: date, last: date, by: Person,
                  managers: Iterable[str], today: date,
                  open_requests: Iterable[CoverRequest]) -> Rotation:
    """The rotation the days lie in, when `by` may ask cover for `engineer` on them."""
    if by.key != engineer.key and not any(same(by.github, m) for m in managers):
        raise Refusal(f"Only @{engineer.github} or a manager may ask cover for "
                      f"@{engineer.github}; @{by.github} is neither.")
    if last < first:
        raise Refusal(f"The last day {last} is before the first day {first}.")
    if first < today:
        raise Refusal(f"{first} is in the past; ask for cover from today ({today}) on.")
    rotation = roster.holding(first)
    if rotation is None or last > rotation.end or not on(engineer, rotation):
        raise Refusal(f"@{engineer.github} is not on rotation on every day from {first} to "
                      f"{last}; ask only for days of one of their rotations.")
    check_not_overridden(roster, engineer.github, first, last, None)
    for other in open_requests:
        if same(other.engineer, engineer.github) and other.first <= last \
                and first <= other.last:
            raise Refusal(f"Cover request {other.id} already asks cover for "
                          f"@{engineer.github} on {other.days}.")
    return rotation


def check_not_overridden(roster: Roster, handle: str, first: date, last: date,
                         request: CoverRequest | None) -> None:
    """No Overrides row takes these days already (but the request's own row, on a replay)."""
    for day in days_of(first, last):
        row = roster.override_for(handle, day)
        if row is not None and not (request and row.note.startswith(f"cover request "
                                                                    f"{request.id}")):
            raise Refusal(f"@{handle} is already off rotation on {day} (Overrides row "
                          f"{row.row}: {row.label}).")


def check_taker(roster: Roster, request: CoverRequest, taker: Person,
                away: Mapping[str, set[date]], busy: Busy | None = None) -> None:
    if states_already(roster, request, taker):
        return  # a manager typed this very row: taking it writes nothing more
    check_not_overridden(roster, request.engineer, request.first, request.last, request)
    reason = not_free(roster, taker, request.first, request.last, away, busy or {})
    if reason:
        raise Refusal(reason)


def states_already(roster: Roster, request: CoverRequest, taker: Person) -> bool:
    row = roster.override_for(request.engineer, request.first)
    return row is not None and (row.start, row.end) == (request.first, request.last) \
        and same(row.cover, taker.github)


def not_free(roster: Roster, person: Person, first: date, last: date,
             away: Mapping[str, set[date]], busy: Busy) -> str | None:
    """Why `person` cannot cover these days, or None: on that rotation (or covering on it),
    away, or on another roster's rotation."""
    for day in days_of(first, last):
        rotation = roster.holding(day)
        if rotation and (on(person, rotation) or any(
                same(h, person.github) for h in roster.lived(rotation, day))):
            return f"@{person.github} is already on the rotation on {day}."
        if day in away.get(person.key, set()):
            return f"@{person.github} is away on {day}."
        if any(start <= day <= end for start, end in busy.get(person.key, ())):
            return f"@{person.github} is on another roster's rotation on {day}."
    return None


def on(person: Person, rotation: Rotation) -> bool:
    return any(same(handle, person.github) for handle in rotation.engineers)
