"""An iCalendar text cut into its top-level pieces, each kept exactly as written. Pure.

Two needs share it. A feed from elsewhere is read one event at a time, so one malformed
event is one warning and the rest is still used (a parser given the whole text gives up on
all of it). And a calendar file we share with others is written back with every
component we do not own byte for byte: re-serialising them would reorder, refold and
renormalise what another tool wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # only CR and LF end a line


@dataclass(frozen=True)
class Piece:
    """`name` is the component (VEVENT, VTIMEZONE, ...) or "" for the calendar's own lines
    (BEGIN:VCALENDAR, its properties, END:VCALENDAR); `line` is where it begins (1-based);
    `complete` is False for a component the text ends inside of."""

    name: str
    text: str
    line: int
    complete: bool = True


def pieces(text: str) -> list[Piece]:
    """The top-level pieces of a VCALENDAR text, in order; joined they give `text` back."""
    found: list[Piece] = []
    depth, name, start, lines = 0, "", 1, ""
    for number, line in enumerate(LINE.findall(text), start=1):
        word = line.rstrip("\r\n").upper()
        opens, closes = word.startswith("BEGIN:"), word.startswith("END:")
        if depth > 1 and name and word == f"BEGIN:{name}":  # no VEVENT nests in a VEVENT:
            found.append(Piece(name, lines, start, complete=False))  # the last one was cut
            depth, lines = 1, ""
        if depth == 1 and (opens or closes):  # a component begins, or the calendar ends
            found += [Piece("", lines, start)] if lines else []
            name, start, lines = word.removeprefix("BEGIN:").strip() if opens else "", number, ""
        lines += line
        depth += 1 if opens else -1 if closes and depth > 0 else 0
        if depth == 1 and closes and name:  # that component ends (or is cut short)
            found.append(Piece(name, lines, start, complete=word == f"END:{name}"))
            name, start, lines = "", number + 1, ""
    if lines:
        found.append(Piece(name, lines, start, complete=not name))
    return found
