"""The config's building blocks: sections validated by pydantic, paths relative to the
config file's folder, and the sections every config has (source, notify, schedule, history).
Each target family declares its own sections (`sync/targets/<family>/settings.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo

from sync.clients.secrets import shown_url
from sync.clients.urls import scheme_problem
from sync.config.durations import bounded
from sync.core.durations import days_of, seconds_of
from sync.core.limits import MAX_KEEP_RUNS
from sync.core.section import LocalPath, Section, checked_path_text, relative_to_config

# Sheets allows 60 reads a minute per user: 10s leaves room for the rest; a day is the
# nightly run's own rhythm.
POLL_BOUNDS = ("10s", "24h")


def duration_seconds(text: str) -> int:
    """A poll interval as seconds; ValueError naming the bounds otherwise."""
    return seconds_of(text, "poll", *POLL_BOUNDS)


def _poll_interval(text: str | None) -> str | None:
    if text is not None:
        duration_seconds(text)
    return text


# -- source ------------------------------------------------------------------------------
class CsvSource(Section):
    kind: Literal["csv"]
    rotations: LocalPath = Field(description="CSV file laid out as the Rotations tab.")
    people: LocalPath = Field(description="CSV file laid out as the People tab.")
    overrides: LocalPath | None = Field(
        None, description="Optional CSV file laid out as the Overrides tab (unset: none).")
    status_tab: str | None = Field(
        None, description="When set, each run writes sync-status.csv beside `rotations`.")


class SheetsSource(Section):
    kind: Literal["google_sheets"]
    spreadsheet_id: str = Field(description="The id in the sheet's URL (…/d/<id>/edit).")
    rotations_tab: str = Field("Rotations", description="Tab holding one row per rotation.")
    people_tab: str = Field("People", description="Tab holding one row per person.")
    overrides_tab: str | None = Field(
        None, description="Optional tab of overrides (who is away, who covers), read in the "
        "same request as the other two (unset: none).")
    status_tab: str | None = Field(
        None, description="Optional tab each run rewrites with its outcome and findings "
        "(needs the read-write spreadsheets scope).")
    sheets_endpoint: str = Field("https://sheets.googleapis.com",
                                 description="Sheets API root, for proxies and tests.")
    cell_notes: bool = Field(
        False, description="Put each finding as a note on the cell it names (needs the "
        "read-write spreadsheets scope).")
    protect_status_tab: bool = Field(
        False, description="Make the status tab a protected range only the service account "
        "may edit.")


class Notify(Section):
    channel: str | None = Field(
        None, description="Failure notices and the all-clear (default: [slack] announce_channel).")


class Schedule(Section):
    cron: str = Field("0 2 * * *", description="When `schedule` syncs, in `timezone` (crontab "
                      "syntax: minute hour day month weekday); it also syncs at each handoff.")
    poll: Annotated[str | None, AfterValidator(_poll_interval)] = Field(
        None, description="Also read the roster this often (\"10s\" to \"24h\", e.g. \"60s\", "
        "\"5m\") and sync an edit once two polls in a row read it; unset = off.")

    @property
    def poll_seconds(self) -> int | None:
        return duration_seconds(self.poll) if self.poll else None


class History(Section):
    keep_runs: int = Field(500, ge=1, le=MAX_KEEP_RUNS,
                           description="How many sync runs the run history keeps; "
                           "older ones are pruned.")


Source = Annotated[CsvSource | SheetsSource, Field(discriminator="kind")]


# -- time off ----------------------------------------------------------------------------
HORIZON = ("horizon", "0d", "730d")  # two years: the calendars' reads stay small
DEADLINE = ("ics_deadline", "1s", "10m")  # the HR feed's whole fetch; the run holds its lock


def _feed(value: str, info: ValidationInfo) -> str:
    """A URL as it is (https, or http to this machine, judged on the parsed URL); a path
    relative to the config file's folder. The URL is never repeated in an error: it may
    carry a credential."""
    if "://" in value:
        problem = scheme_problem(value)
        if problem:
            raise ValueError(f"{shown_url(value)} cannot be the feed: {problem}")
        return value
    return str(relative_to_config(Path(checked_path_text(value)), info))


class TimeOff(Section):
    tab: str | None = Field(None, description="Google Sheets: the tab of time-off rows "
                            "(GitHub, Start, End, optional Note), read with the roster.")
    file: LocalPath | None = Field(None, description="CSV source: the time-off file, laid "
                                   "out as the tab.")
    google_calendar: bool = Field(False, description="Read the engineers' out-of-office "
                                  "events (domain-wide delegation, calendar.events.readonly).")
    horizon: Annotated[str, bounded(*HORIZON)] = Field(
        "30d", description="Rotations starting within this time (and running ones) are "
        "checked against calendars (\"30d\", \"6w\"; at most \"730d\").")
    ics_url: Annotated[str, AfterValidator(_feed)] | None = Field(
        None, description="An HR system's time-off feed (ICS): an https URL or a path.")
    ics_deadline: Annotated[str, bounded(*DEADLINE)] = Field(
        "20s", description="The longest the HR feed's whole fetch may take (redirects and "
        "retries included), \"1s\" to \"10m\".")
    ics_redirect_hosts: tuple[str, ...] = Field(
        (), description="Hosts other than the feed's own that its redirects may lead to.")
    holidays: bool = Field(False, description="Warn about public holidays (in each "
                           "person's People Country) on their rotations, and post them once.")
    calendar_endpoint: str | None = Field(
        None, description="Calendar API root for google_calendar only when it differs from "
        "[calendar] calendar_endpoint (unset: that one, or Google's).")

    @property
    def horizon_days(self) -> int:
        """Whole days, rounded up: "36h" reaches into the second day."""
        return days_of(self.horizon, *HORIZON)

    @property
    def deadline_seconds(self) -> int:
        return seconds_of(self.ics_deadline, *DEADLINE)
