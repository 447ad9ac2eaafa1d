"""The TOML configuration, declared as data: these models validate it and generate its docs.

Unknown keys and wrong types are refused with the key's name (exit 2). Paths of local
backends are relative to the config file's folder, so a config can be run from anywhere.
"""

from __future__ import annotations

import os
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from sync.errors import ConfigError

DEFAULT_CONFIG = Path("config/rotation-sync.toml")
CONFIG_ENV = "ROTATION_SYNC_CONFIG"


def _relative_to_config(path: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    return path if path.is_absolute() or base is None else Path(base) / path


LocalPath = Annotated[Path, AfterValidator(_relative_to_config)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- source ------------------------------------------------------------------------------
class CsvSource(Section):
    kind: Literal["csv"]
    rotations: LocalPath = Field(description="CSV file laid out as the Rotations tab.")
    people: LocalPath = Field(description="CSV file laid out as the People tab.")
    status_tab: str | None = Field(
        None, description="When set, each run writes sync-status.csv beside `rotations`.")


class SheetsSource(Section):
    kind: Literal["google_sheets"]
    spreadsheet_id: str = Field(description="The id in the sheet's URL (…/d/<id>/edit).")
    rotations_tab: str = Field("Rotations", description="Tab holding one row per rotation.")
    people_tab: str = Field("People", description="Tab holding one row per person.")
    status_tab: str | None = Field(
        None, description="Optional tab each run rewrites with its outcome and findings "
        "(needs the read-write spreadsheets scope).")
    sheets_endpoint: str = Field("https://sheets.googleapis.com",
                                 description="Sheets API root, for proxies and tests.")


# -- calendar ----------------------------------------------------------------------------
class CalendarCommon(Section):
    event_title: str = Field(
        "Escalation engineer rotation: {engineers}",
        description="Event title; {engineers} (names), {handles}, {start}, {end}.")
    attendees: bool = Field(True, description="Invite the engineers to their rotation's event.")
    namespace: str = Field(
        "rotation-sync", pattern=r"^[a-z0-9-]{1,30}$",
        description="Marks the events this config owns, so two rosters can share a calendar.")


class IcsCalendar(CalendarCommon):
    kind: Literal["ics"]
    path: LocalPath = Field(description="The .ics file to write.")


class GoogleCalendar(CalendarCommon):
    kind: Literal["google"]
    calendar_id: str = Field(description="The shared calendar's id.")
    send_updates: Literal["none", "externalOnly", "all"] = Field(
        "none", description="Whether Google emails attendees about changes.")
    impersonate: str | None = Field(
        None, description="Workspace user a service account acts as (domain-wide delegation); "
        "needed to invite attendees.")
    calendar_endpoint: str = Field("https://www.googleapis.com/calendar/v3/",
                                   description="Calendar API root, for proxies and tests.")


# -- slack -------------------------------------------------------------------------------
class SlackCommon(Section):
    usergroup: str = Field(description="The user group's handle, without @.")
    announce_channel: str | None = Field(None, description="Channel told at each handoff.")
    empty_policy: Literal["keep", "disable", "fallback"] = Field(
        "keep", description="What the group holds when today has no engineer.")
    fallback: tuple[str, ...] = Field((), description="Handles used by empty_policy = fallback.")
    notify_changes: bool = Field(False, description="DM engineers whose upcoming shift changed.")


class FileSlack(SlackCommon):
    kind: Literal["file"]
    path: LocalPath = Field(description="JSON file holding the group's members.")


class SlackSlack(SlackCommon):
    kind: Literal["slack"]
    api_url: str = Field("https://slack.com/api/", description="Slack Web API root.")


# -- handbook ----------------------------------------------------------------------------
class HandbookCommon(Section):
    stamp: bool = Field(False, description='A "Last synced" line under the table.')


class FileHandbook(HandbookCommon):
    kind: Literal["file"]
    path: LocalPath = Field(description="The Markdown page on disk.")


class GithubHandbook(HandbookCommon):
    kind: Literal["github"]
    repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$", description="owner/name of the repository.")
    path: str = Field(description="The page's path inside the repository.")
    branch: str = Field("main", description="The branch the page is read from and merged to.")
    mode: Literal["pull_request", "commit"] = Field(
        "pull_request", description="Open a pull request, or commit straight to `branch`.")
    api_url: str = Field("https://api.github.com",
                         description="GitHub REST root (GitHub Enterprise: https://HOST/api/v3).")


class Notify(Section):
    channel: str | None = Field(
        None, description="Failure notices and the all-clear (default: [slack] announce_channel).")


class Schedule(Section):
    cron: str = Field("0 2 * * *", description="When `schedule` syncs, in `timezone` (crontab "
                      "syntax: minute hour day month weekday); it also syncs at each handoff.")


class History(Section):
    keep_runs: int = Field(500, ge=1, description="How many sync runs the run history keeps; "
                           "older ones are pruned.")


Source = Annotated[CsvSource | SheetsSource, Field(discriminator="kind")]
Calendar = Annotated[IcsCalendar | GoogleCalendar, Field(discriminator="kind")]
Slack = Annotated[FileSlack | SlackSlack, Field(discriminator="kind")]
Handbook = Annotated[FileHandbook | GithubHandbook, Field(discriminator="kind")]


class Config(Section):
    timezone: str = Field("UTC", description='What "today" means (IANA name).')
    handoff_time: time = Field(time(9, 0),
                               description="Local time a rotation begins on its Start day.")
    state_dir: LocalPath = Field(Path("state"), validate_default=True,
                                 description="Run history and lock (SQLite).")
    source: Source
    calendar: Calendar | None = None
    slack: Slack | None = None
    handbook: Handbook | None = None
    notify: Notify = Notify()
    schedule: Schedule = Schedule()
    history: History = History()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as "
                             "Europe/Berlin)") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def target_sections(self) -> dict[str, Section | None]:
        return {"calendar": self.calendar, "slack": self.slack, "handbook": self.handbook}


TAGGED_SECTIONS = ("source", "calendar", "slack", "handbook")


def config_path(option: Path | None) -> Path:
    if option is not None:
        return option
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} not found (pass -c FILE or set {CONFIG_ENV}).") \
            from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"Config file {path} cannot be read: {error}") from None
    return parse_config(data, path.parent)


def parse_config(data: dict[str, Any], base_dir: Path) -> Config:
    try:
        return Config.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as error:
        raise ConfigError(describe_errors(error)) from None


def describe_errors(error: ValidationError) -> str:
    lines = ["The config file has problems:"]
    for problem in error.errors():
        key = config_key(problem["loc"])
        if problem["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key")
        elif problem["type"] == "missing":
            lines.append(f"  {key}: required key is missing")
        else:
            lines.append(f"  {key}: {problem['msg']}")
    return "\n".join(lines)


def config_key(loc: tuple[int | str, ...]) -> str:
    """`('calendar', 'ics', 'path')` → `calendar.path`: the tag pydantic adds is not a key."""
    parts = [str(part) for part in loc]
    if len(parts) > 2 and parts[0] in TAGGED_SECTIONS:
        del parts[1]
    return ".".join(parts)




# -- docs --------------------------------------------------------------------------------
DOC_SECTIONS: list[tuple[str, list[type[Section]]]] = [
    ("", [Config]),
    ("source", [CsvSource, SheetsSource]),
    ("calendar", [IcsCalendar, GoogleCalendar]),
    ("slack", [FileSlack, SlackSlack]),
    ("handbook", [FileHandbook, GithubHandbook]),
    ("notify", [Notify]),
    ("schedule", [Schedule]),
    ("history", [History]),
]


def config_reference() -> str:
    """The README's config table, generated from the models so the docs cannot drift."""
    lines = ["| key | kind | default | meaning |", "| --- | --- | --- | --- |"]
    for section, models in DOC_SECTIONS:
        for key, kinds, default, meaning in section_rows(models):
            name = f"[{section}] {key}" if section else key
            lines.append(f"| `{name}` | {kinds} | {default} | {meaning} |")
    return "\n".join(lines) + "\n"


def section_rows(models: list[type[Section]]) -> list[tuple[str, str, str, str]]:
    """One row per key; a key several kinds share lists them, with each kind's meaning."""
    kinds_of: dict[str, list[str]] = {}
    meanings: dict[str, dict[str, str]] = {}
    defaults: dict[str, str] = {}
    for model in models:
        kind = kind_name(model)
        for key, info in model.model_fields.items():
            if key in TAGGED_SECTIONS or key in ("notify", "schedule", "history"):
                continue
            kinds_of.setdefault(key, []).append(kind)
            meanings.setdefault(key, {})[kind] = info.description or ""
            defaults[key] = "required" if info.is_required() or key == "kind" \
                else f"`{show_default(info.default)}`"
    meanings["kind"] = {"all": "one of " + ", ".join(f"`{kind_name(m)}`" for m in models)}
    order = ["kind", *[key for key in kinds_of if key != "kind"]] if "kind" in kinds_of \
        else list(kinds_of)
    return [(key, "all" if len(kinds_of[key]) == len(models) else ", ".join(kinds_of[key]),
             defaults[key], describe_meanings(meanings[key])) for key in order]


def kind_name(model: type[Section]) -> str:
    kind = model.model_fields.get("kind")
    return str(kind.annotation.__args__[0]) if kind else "all"  # type: ignore[union-attr]


def describe_meanings(by_kind: dict[str, str]) -> str:
    distinct = set(by_kind.values())
    if len(distinct) == 1:
        return distinct.pop()
    return "; ".join(f"{kind}: {meaning.rstrip('.')}" for kind, meaning in by_kind.items())


def show_default(value: Any) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return "[]"
    if isinstance(value, BaseModel):
        return "{}"
    if value is None:
        return "unset"
    return str(value).lower() if isinstance(value, bool) else str(value)
