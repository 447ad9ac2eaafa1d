"""One run's time off: the Time off tab (already on the Roster) plus the configured readers,
turned into `time-off-conflict` warnings. Reading never fails the run: a source that cannot
be read is the warning `time-off-unreadable`, naming whose it is and the fix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sync.config.model import Config
from sync.config.sections import CsvSource, TimeOff
from sync.core.findings import Findings
from sync.core.lived.absence import Absence
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Person, Roster, Rotation
from sync.core.rules.holidays import Holiday, OnRotation, on_rotations, report_holidays
from sync.core.rules.time_off import Conflict, conflicts, report_conflicts
from sync.core.tabs.raw import RawRoster
from sync.errors import ConfigError
from sync.sources.time_off import Unreadable
from sync.targets.calendar.settings import GoogleCalendar

# A reader's answer: what it found (an item it could not read is an Unreadable among them),
# or one Unreadable for the whole source.
Reader = Callable[[Person, date, date], "list[Absence] | list[Absence | Unreadable] | Unreadable"]
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
        report_unreadable(problems, raw.people.name, findings)
        found = conflicts(roster, absences, clock.today)
        report_conflicts(found, raw.rotations.name, findings)
        report_holidays(self.holidays, raw.rotations.name, findings)
        return found

    def gather(self, roster: Roster, clock: Clock, into: list[Absence]) -> list[Unreadable]:
        problems: list[Unreadable] = []
        if self.section.ics_url:
            problems += self.read_feed(roster, live(roster, clock.today, None), into)
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

    def read_feed(self, roster: Roster, rotations: list[Rotation],
                  into: list[Absence]) -> list[Unreadable]:
        """Only the days the live rotations span are expanded: a daily RRULE without end
        stays a few hundred days."""
        if not rotations:
            return []
        return self.feed_between(roster, min(r.start for r in rotations),
                                 max(r.end for r in rotations), into)

    def feed_between(self, roster: Roster, first: date, last: date,
                     into: list[Absence]) -> list[Unreadable]:
        from sync.clients.fetch import FetchLimits
        from sync.sources.time_off.feed import read_feed

        assert self.section.ics_url is not None
        limits = FetchLimits(deadline=self.section.deadline_seconds,
                             redirect_hosts=frozenset(self.section.ics_redirect_hosts))
        found, problems = read_feed(self.section.ics_url, roster.people.values(), first, last,
                                    limits)
        into += found
        return problems

    def gather_for_planning(self, roster: Roster, first: date, last: date,
                            into: list[Absence]) -> list[Unreadable]:
        """Everyone Eligible from `first` to `last`, for `propose`. Public holidays do not
        count: nearly every 4-week rotation holds one, so they would exclude everyone."""
        problems: list[Unreadable] = []
        if self.section.ics_url:
            problems += self.feed_between(roster, first, last, into)
        if self.section.google_calendar:
            read = self.calendar_reader()
            for person in sorted(roster.people.values(), key=lambda p: p.key):
                if person.eligible:
                    problems += collect(read(person, first, last), into)
        return problems

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
        problems += collect(read(roster.people[key], first, last), into)
    return problems


def collect(found: list[Absence] | list[Absence | Unreadable] | Unreadable,
            into: list[Absence]) -> list[Unreadable]:
    """A reader's absences go `into`; what it could not read is returned."""
    items = [found] if isinstance(found, Unreadable) else found
    into += [item for item in items if isinstance(item, Absence)]
    return [item for item in items if isinstance(item, Unreadable)]


def report_unreadable(problems: list[Unreadable], people_tab: str, findings: Findings) -> None:
    """`time-off-unreadable` on the person's People row, or on the Time off source."""
    for problem in problems:
        findings.warning("time-off-unreadable", people_tab if problem.person else "Time off",
                         problem.person.row if problem.person else None,
                         problem.column if problem.person else None, problem.text)


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
