"""The whole config file: the common sections and one section per registered target.

Unknown keys and wrong types are refused with the key's name (exit 2). Paths of local
backends are relative to the config file's folder, so a config can be run from anywhere.
"""

from __future__ import annotations

import os
import tomllib
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, create_model, field_validator

from sync.config.cover import Cover
from sync.config.propose import Propose
from sync.config.publish import Feeds, Page
from sync.config.sections import (
    CsvSource,
    History,
    Notify,
    Schedule,
    SheetsSource,
    Source,
    TimeOff,
)
from sync.config.wording import describe
from sync.core.section import LocalPath, Section
from sync.errors import ConfigError
from sync.targets.registry import NAMES, TARGETS

DEFAULT_CONFIG = Path("config/rotation-sync.toml")
CONFIG_ENV = "ROTATION_SYNC_CONFIG"


class Settings(Section):
    """The sections every config has; the targets' sections come from the registry."""

    timezone: str = Field("UTC", description='What "today" means (IANA name).')
    handoff_time: time = Field(time(9, 0),
                               description="Local time a rotation begins on its Start day.")
    state_dir: LocalPath = Field(Path("state"), validate_default=True,
                                 description="Run history and lock (SQLite).")
    source: Source
    notify: Notify = Notify()
    schedule: Schedule = Schedule()
    history: History = History()
    time_off: TimeOff | None = None
    propose: Propose = Field(default_factory=dict, validate_default=True)  # relative file
    feeds: Feeds | None = None
    page: Page | None = None
    cover: Cover | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as "
                             "Europe/Berlin)") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def section(self, name: str) -> Section | None:
        """A target's section ([calendar], [slack], …), None when it is not configured."""
        value = getattr(self, name, None)
        return value if isinstance(value, Section) else None

    def target_sections(self) -> dict[str, Section | None]:
        return {name: self.section(name) for name in NAMES}

    def configured(self) -> tuple[str, ...]:
        """The targets that have a section in this config."""
        return tuple(name for name, section in self.target_sections().items() if section)


if TYPE_CHECKING:
    Config = Settings
else:  # one optional section per registered target, between source and notify
    Config = create_model("Config", __base__=Settings,
                          **{entry.name: (entry.section | None, None) for entry in TARGETS})

TAGGED_SECTIONS = ("source", *NAMES)




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
    lines += [f"  {describe(problem, config_key(problem['loc']), section_models())}"
              for problem in error.errors()]
    return "\n".join(lines)


def section_models() -> dict[str, list[type[BaseModel]]]:
    """Each section's models (one per kind), to suggest the key a typo meant."""
    return {"": [Config], "source": [CsvSource, SheetsSource], "notify": [Notify],
            "schedule": [Schedule], "history": [History], "propose": [Propose],
            "feeds": [Feeds], "page": [Page], "cover": [Cover],
            **{entry.name: [backend.section for backend in entry.backends]
               for entry in TARGETS}}


def config_key(loc: tuple[int | str, ...]) -> str:
    """`('calendar', 'ics', 'path')` → `calendar.path`: the tag pydantic adds is not a key."""
    parts = [str(part) for part in loc]
    if len(parts) > 2 and parts[0] in TAGGED_SECTIONS:
        del parts[1]
    return ".".join(parts)
