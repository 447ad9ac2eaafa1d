"""The fleet file: `[[roster]]` tables (`name`, `config` relative to the fleet file) and an
optional `[fleet]` table.

A fleet file is told apart from an ordinary config by its keys: a config always has a
`[source]`, a fleet file has `[[roster]]` and never a `[source]`. Problems with the fleet
file itself stop everything (exit 2, nothing run); a roster whose config is missing or
invalid is that roster's error only, so the others still run.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sync.config.sections import duration_seconds
from sync.errors import ConfigError

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class Quotas(BaseModel):
    """Per-minute request quotas the limiters keep under: the published defaults (Sheets 60
    reads and 60 writes a minute per user, Drive 1,000, Calendar 600 per user, Slack Tier 2
    methods such as usergroups.* 20 per workspace); a project granted more raises them.
    `window_seconds` is the quota's window, shortened only by tests and benchmarks."""

    model_config = ConfigDict(extra="forbid")

    sheets_reads_per_minute: int = Field(60, ge=1)
    sheets_writes_per_minute: int = Field(60, ge=1)
    drive_per_minute: int = Field(1000, ge=1)
    calendar_per_minute: int = Field(600, ge=1)
    slack_per_minute: int = Field(20, ge=1)
    window_seconds: float = Field(60.0, gt=0)


class FleetTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state_url: str | None = None
    poll: str | None = "60s"
    drive_endpoint: str = "https://www.googleapis.com"
    quotas: Quotas = Quotas()

    @field_validator("poll")
    @classmethod
    def _poll_interval(cls, value: str | None) -> str | None:
        if value is not None:
            duration_seconds(value)  # the bounds of [schedule] poll, named in the error
        return value

    @property
    def poll_seconds(self) -> int | None:
        return duration_seconds(self.poll) if self.poll else None

    @field_validator("state_url")
    @classmethod
    def _no_password(cls, value: str | None) -> str | None:
        """Secrets come from the environment only: a password in the file is refused."""
        if value is not None and urlsplit(value).password is not None:
            raise ValueError("holds a password; put the whole URL in ROTATION_SYNC_STATE_URL "
                             "instead, or the password in PGPASSWORD")
        return value


class RosterEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    config: str


class FleetFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fleet: FleetTable = FleetTable()
    roster: list[RosterEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class FleetRoster:
    name: str
    config: Path  # resolved against the fleet file's folder
    key: str  # where it is written in the fleet file, for messages: roster[2].config


@dataclass(frozen=True)
class Fleet:
    path: Path
    rosters: tuple[FleetRoster, ...]
    settings: FleetTable = field(default_factory=FleetTable)

    def named(self, name: str) -> FleetRoster:
        for roster in self.rosters:
            if roster.name == name:
                return roster
        known = ", ".join(roster.name for roster in self.rosters)
        raise ConfigError(f"--roster {name!r}: the fleet file {self.path} has no roster of "
                          f"that name (it has: {known}).")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def is_fleet_data(data: dict[str, Any]) -> bool:
    return "roster" in data and "source" not in data


def is_fleet_file(path: Path) -> bool:
    """Unreadable files are not fleets: the config loader then says what is wrong."""
    return path.suffix.lower() == ".toml" and is_fleet_data(read_toml(path))


def load_fleet(path: Path) -> Fleet:
    data = read_toml(path)
    try:
        parsed = FleetFile.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        raise ConfigError(f"Fleet file {path}: {fleet_key(problem['loc'])}: "
                          f"{problem['msg']}.") from None
    if not parsed.roster:
        raise ConfigError(f"Fleet file {path} lists no roster: add [[roster]] tables with "
                          "name and config.")
    rosters = tuple(entry_of(path, index, entry) for index, entry in enumerate(parsed.roster))
    refuse_duplicates(path, rosters)
    return Fleet(path, rosters, parsed.fleet)


def fleet_key(loc: tuple[int | str, ...]) -> str:
    """`('roster', 0, 'config')` as the manager counts tables: `roster[1].config`."""
    key = ""
    for part in loc:
        key += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if key else part
    return key


def entry_of(path: Path, index: int, entry: RosterEntry) -> FleetRoster:
    key = f"roster[{index + 1}]"
    if not NAME.fullmatch(entry.name):
        raise ConfigError(f"Fleet file {path}: {key}.name = {entry.name!r} is not a roster "
                          "name: use lower-case letters, digits, - and _ (at most 40).")
    return FleetRoster(entry.name, path.parent / entry.config, f"{key}.config")


def refuse_duplicates(path: Path, rosters: tuple[FleetRoster, ...]) -> None:
    seen: dict[str, int] = {}
    for index, roster in enumerate(rosters, start=1):
        if roster.name in seen:
            raise ConfigError(f"Fleet file {path}: roster[{index}].name = {roster.name!r} is "
                              f"already the name of roster[{seen[roster.name]}]; each roster "
                              "needs a name of its own.")
        seen[roster.name] = index


def check_roster_config(fleet: Fleet, roster: FleetRoster) -> None:
    """A roster's config must be an ordinary config: refuse a missing one or a fleet file
    nested in the fleet, naming the fleet file and key."""
    if not roster.config.exists():
        raise ConfigError(f"Fleet file {fleet.path}: {roster.key} = {str(roster.config)!r}: "
                          "no such file (paths are relative to the fleet file).")
    if is_fleet_file(roster.config):
        raise ConfigError(f"Fleet file {fleet.path}: {roster.key} = {str(roster.config)!r} "
                          "is itself a fleet file; a fleet lists ordinary config files only.")
