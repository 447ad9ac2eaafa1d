"""One run's time off: the Time off tab (already on the Roster) plus the configured readers,
turned into `time-off-conflict` warnings. Reading never fails the run: a source that cannot
be read is the warning `time-off-unreadable`, naming whose it is and the fix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sync.config.model import Config
from sync.config.sections import CsvSource, TimeOff
from sync.core.absence import Absence
from sync.core.clock import Clock
from sync.core.findings import Findings
from sync.core.holidays import Holiday, OnRotation, on_rotations, report_holidays
from sync.core.roster import Person, Roster, Rotation
from sync.core.time_off import Conflict, conflicts, report_conflicts
from sync.errors import ConfigError
from sync.sources import RawRoster
from sync.sources.time_off import Unreadable
from sync.targets.calendar.settings import GoogleCalendar

Reader = Callable[[Person, date, date], "list[Absence] | Unreadable"]
GOOGLE_CALENDAR = "https://www.googleapis.com/calendar/v3/"


class TimeOffCheck:
    def __init__(self, section: TimeOff, calendar_endpoint: str = GOOGLE_CALENDAR) -> None:
        """`calendar_endpoint` is where the run's other Calendar calls go ([calendar])."""
        self.section = section
        self.calendar_endpoint = section.calendar_endpoint or calendar_endpoint
        self.holidays: list[OnRotation] = []  # this run's holidays on rotations

    def check(self, roster: Roster, raw: RawRoster, clock: Clock,
              findings: Findings) -> list[Conflict]:
        absences: list[Absence] = []
        problems = self.gather(roster, clock, absences)
        if self.section.holidays:
            problems += self.read_holidays(roster, clock)
        for problem in problems:
            where = raw.people.name if problem.person else "Time off"
            findings.warning("time-off-unreadable", where,
                             problem.person.row if problem.person else None,
                             problem.column if problem.person else None, problem.text)
        found = conflicts(roster, absences, clock.today)
        report_conflicts(found, raw.rotations.name, findings)
        report_holidays(self.holidays, raw.rotations.name, findings)
        return found

    def gather(self, roster: Roster, clock: Clock, into: list[Absence]) -> list[Unreadable]:
        problems: list[Unreadable] = []
        if self.section.ics_url:
            problems += self.read_feed(roster, into)
        if self.section.google_calendar:
            window = live(roster, clock.today, self.section.horizon_days)
            if window:
                problems += per_person(roster, window, self.calendar_reader(), into)
        return problems

    def read_holidays(self, roster: Roster, clock: Clock) -> list[Unreadable]:
        """Every People member's holidays up to the last rotation's end (a suggested cover
        must not have one either); kept as `self.holidays` for the one message."""
        from sync.sources.time_off.public_holidays import read_holidays

        rotations = live(roster, clock.today, None)
        if not rotations:
            return []
        last = max(rotation.end for rotation in rotations)
        found: dict[str, list[Holiday]] = {}
        problems = []
        for key, person in roster.people.items():
            read = read_holidays(person, clock.today, last)
            if isinstance(read, Unreadable):
                problems.append(read)
            else:
                found[key] = read
        self.holidays = on_rotations(roster, found, clock.today)
        return problems

    def read_feed(self, roster: Roster, into: list[Absence]) -> list[Unreadable]:
        from sync.sources.time_off.feed import read_feed

        assert self.section.ics_url is not None
        found = read_feed(self.section.ics_url, roster.people.values())
        if isinstance(found, Unreadable):
            return [found]
        into += found
        return []

    def calendar_reader(self) -> Reader:
        from sync.sources.time_off.calendar import OutOfOffice

        key = "[time_off]" if self.section.calendar_endpoint else "[calendar]"
        return OutOfOffice(self.calendar_endpoint, endpoint_key=f"{key} calendar_endpoint").read


def live(roster: Roster, today: date, horizon_days: int | None) -> list[Rotation]:
    """Rotations running today or starting within the horizon (None: every later one)."""
    until = None if horizon_days is None else today + timedelta(days=horizon_days)
    return [r for r in roster.rotations
            if r.end >= today and (until is None or r.start <= until)]


def per_person(roster: Roster, rotations: list[Rotation], read: Reader,
               into: list[Absence]) -> list[Unreadable]:
    """One read per engineer, spanning all of their rotations in `rotations`."""
    spans: dict[str, tuple[date, date]] = {}
    for rotation in rotations:
        for handle in rotation.engineers:
            first, last = spans.get(handle.lower(), (rotation.start, rotation.end))
            spans[handle.lower()] = (min(first, rotation.start), max(last, rotation.end))
    problems = []
    for key, (first, last) in spans.items():
        found = read(roster.people[key], first, last)
        if isinstance(found, Unreadable):
            problems.append(found)
        else:
            into += found
    return problems


def time_off_check(config: Config) -> TimeOffCheck | None:
    section = config.time_off
    if section is None:
        return None
    is_csv = isinstance(config.source, CsvSource)
    if section.tab and is_csv:
        raise ConfigError("[time_off] tab is for a Google Sheets source; with kind = \"csv\" "
                          "set [time_off] file to the time-off CSV file.")
    if section.file and not is_csv:
        raise ConfigError("[time_off] file is for a CSV source; with Google Sheets set "
                          "[time_off] tab to the time-off tab's name.")
    calendar = config.section("calendar")
    moved = calendar.calendar_endpoint if isinstance(calendar, GoogleCalendar) else None
    return TimeOffCheck(section, moved or GOOGLE_CALENDAR)
