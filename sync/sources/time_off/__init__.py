"""Where the tool learns that someone is away, besides the Time off tab: the engineers'
own calendars, an HR feed, public holidays. Each reader returns Absences (dates only) and
the problems it met as `Unreadable` values; a source that cannot be read never fails a run.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.core.lived.roster import Person


@dataclass(frozen=True)
class Unreadable:
    """A time-off source that could not be read: whose (None: the whole feed), why, the fix."""

    person: Person | None
    text: str
    column: str = "Email"  # the People column to fix (Country for a holiday calendar)
