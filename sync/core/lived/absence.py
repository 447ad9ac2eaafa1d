"""A stretch of days someone is away: only the dates and where they came from.

Nothing else of a time-off entry is kept (no title, no description, no note), so nothing
private can reach a log, a finding or a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Absence:
    person: str  # Person.key (the lower-cased GitHub handle)
    first: date
    last: date  # inclusive
    source: str  # "the Time off tab", "Google Calendar", "the HR feed", "a public holiday"

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]
