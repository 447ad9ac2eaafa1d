"""A small roster as lived for the feeds' and the page's tests, and the strict ICS checks."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import vobject

from sync.core.lived.roster import Override, Roster
from tests.helpers import make_roster

TZ = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)  # Monday, an hour after the handoff
ROTATIONS: list[tuple[str, str, list[str | None]]] = [
    ("2026-11-23", "2026-12-20", ["valerybugakov", "kenji-sato", "tbliu98"]),
    ("2026-12-21", "2027-01-17", ["valerybugakov", "sven-larsen", "priya-nair"]),
    ("2027-02-01", "2027-02-28", ["kenji-sato", "sven-larsen", "priya-nair"]),
]
VALERY_AWAY = Override(start=date(2026, 12, 1), end=date(2026, 12, 3),
                       engineer="valerybugakov", cover="keegancsmith", row=2)
KENJI_AWAY = Override(start=date(2026, 12, 10), end=date(2026, 12, 12),
                      engineer="kenji-sato", cover=None, row=3)


def roster(*overrides: Override, rotations: Any = None) -> Roster:
    base = make_roster(ROTATIONS if rotations is None else rotations)
    chosen = overrides if overrides else (VALERY_AWAY, KENJI_AWAY)
    return base.model_copy(update={"overrides": tuple(sorted(chosen, key=lambda o: o.start))})


def strict(text: str) -> None:
    """RFC 5545 as strict clients read it: CRLF only, lines of at most 75 octets, folded
    lines start with one space, and TEXT values escape `\\`, `,`, `;` and newlines."""
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert not any("\r" in line or "\n" in line for line in lines), "a bare CR or LF"
    assert all(len(line.encode("utf-8")) <= 75 for line in lines), "a line over 75 octets"
    unfolded = re.sub(r"\r\n ", "", text).split("\r\n")[:-1]
    for line in unfolded:
        name, _, value = line.partition(":")
        if name.split(";")[0] in ("SUMMARY", "DESCRIPTION", "X-WR-CALNAME"):
            unescaped = re.sub(r"\\[\\,;nN]", "", value)
            assert not re.search(r"[,;\\]", unescaped), f"unescaped TEXT in {line!r}"
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")


def both_parsers(text: str) -> list[dict[str, Any]]:
    """The events as icalendar and as vobject read them; they must agree."""
    strict(text)
    first = [{"uid": str(e["UID"]), "start": e["DTSTART"].dt, "end": e["DTEND"].dt,
              "summary": str(e["SUMMARY"]), "description": str(e["DESCRIPTION"]),
              "sequence": int(e["SEQUENCE"]), "transp": str(e["TRANSP"])}
             for e in icalendar.Calendar.from_ical(text).walk("VEVENT")]
    parsed = vobject.readOne(text)
    second = [{"uid": e.uid.value, "start": e.dtstart.value, "end": e.dtend.value,
               "summary": e.summary.value, "description": e.description.value,
               "sequence": int(e.sequence.value), "transp": e.transp.value}
              for e in parsed.contents.get("vevent", [])]
    assert first == second, "icalendar and vobject read the feed differently"
    return first
