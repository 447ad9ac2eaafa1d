"""The config's building blocks: sections validated by pydantic, paths relative to the
config file's folder, and the sections every config has (source, notify, schedule, history).
Each target family declares its own sections (`sync/targets/<family>/settings.py`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo

from sync.core.limits import MAX_KEEP_RUNS


def _relative_to_config(path: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    return path if path.is_absolute() or base is None else Path(base) / path


LocalPath = Annotated[Path, AfterValidator(_relative_to_config)]

DURATION = re.compile(r"(\d+)\s*([smh])")
MIN_POLL_SECONDS = 10  # Sheets allows 60 reads a minute per user; leave room for the rest


def duration_seconds(text: str) -> int:
    """"90s", "5m", "1h" as seconds; ValueError otherwise."""
    match = DURATION.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as \"60s\", \"5m\" or \"1h\"")
    return int(match[1]) * {"s": 1, "m": 60, "h": 3600}[match[2]]


def _poll_interval(text: str | None) -> str | None:
    if text is not None and duration_seconds(text) < MIN_POLL_SECONDS:
        raise ValueError(f"poll must be at least {MIN_POLL_SECONDS}s")
    return text


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
        None, description="Also read the roster this often (e.g. \"60s\", \"5m\") and sync "
        "an edit once two polls in a row read it; unset = off.")

    @property
    def poll_seconds(self) -> int | None:
        return duration_seconds(self.poll) if self.poll else None


class History(Section):
    keep_runs: int = Field(500, ge=1, le=MAX_KEEP_RUNS,
                           description="How many sync runs the run history keeps; "
                           "older ones are pruned.")


Source = Annotated[CsvSource | SheetsSource, Field(discriminator="kind")]


def kind_name(model: type[Section]) -> str:
    """The `kind` a section model stands for ("all" for sections without kinds)."""
    kind: Any = model.model_fields.get("kind")
    return str(kind.annotation.__args__[0]) if kind else "all"


# -- time off ----------------------------------------------------------------------------
HORIZON = re.compile(r"^\s*(\d+)\s*([dw])\s*$")
LOOPBACK = ("http://127.0.0.1", "http://localhost", "http://[::1]")


def _horizon(value: str) -> str:
    if not HORIZON.match(value):
        raise ValueError(f"{value!r} is not a number of days or weeks, such as \"30d\" or \"4w\"")
    return value


def _feed(value: str, info: ValidationInfo) -> str:
    """An https URL as it is; a path relative to the config file's folder."""
    if value.startswith("https://") or value.startswith(LOOPBACK):
        return value
    if "://" in value:
        raise ValueError(f"{value!r}: the feed must be an https:// URL or a file path")
    return str(_relative_to_config(Path(value), info))


class TimeOff(Section):
    tab: str | None = Field(None, description="Google Sheets: the tab of time-off rows "
                            "(GitHub, Start, End, optional Note), read with the roster.")
    file: LocalPath | None = Field(None, description="CSV source: the time-off file, laid "
                                   "out as the tab.")
    google_calendar: bool = Field(False, description="Read the engineers' out-of-office "
                                  "events (domain-wide delegation, calendar.events.readonly).")
    horizon: Annotated[str, AfterValidator(_horizon)] = Field(
        "30d", description="Rotations starting within this time (and running ones) are "
        "checked against calendars (\"30d\", \"6w\").")
    ics_url: Annotated[str, AfterValidator(_feed)] | None = Field(
        None, description="An HR system's time-off feed (ICS): an https URL or a path.")
    holidays: bool = Field(False, description="Warn about public holidays (in each "
                           "person's People Country) on their rotations, and post them once.")
    calendar_endpoint: str | None = Field(
        None, description="Calendar API root for google_calendar only when it differs from "
        "[calendar] calendar_endpoint (unset: that one, or Google's).")

    @property
    def horizon_days(self) -> int:
        match = HORIZON.match(self.horizon)
        assert match is not None
        return int(match[1]) * (7 if match[2] == "w" else 1)
