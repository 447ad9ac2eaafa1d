"""Wiring: which class serves each `kind` of the config. The only place that knows them all."""

from __future__ import annotations

from sync.clients.secrets import secret
from sync.config import (
    Config,
    CsvSource,
    FileHandbook,
    FileSlack,
    GithubHandbook,
    GoogleCalendar,
    IcsCalendar,
    SlackSlack,
)
from sync.core.plan import EventSettings, GroupSettings
from sync.errors import ConfigError
from sync.sources import RosterSource
from sync.targets.base import Target


def make_source(config: Config) -> RosterSource:
    source = config.source
    if isinstance(source, CsvSource):
        from sync.sources.csv import CsvSource as Csv

        return Csv(source.rotations, source.people)
    from sync.sources.sheets import SheetsSource as Sheets

    return Sheets.from_config(source)  # credentials are checked here, before any write


def make_targets(config: Config, only: set[str] | None = None) -> dict[str, Target]:
    targets: dict[str, Target] = {}
    for name, section in config.target_sections().items():
        if section is None or (only is not None and name not in only):
            continue
        targets[name] = make_target(config, section)
    return targets


def make_target(config: Config, section: object) -> Target:
    if isinstance(section, IcsCalendar):
        from sync.targets.calendar.ics import IcsCalendar as Ics

        return Ics(section.path, event_settings(config), section.namespace)
    if isinstance(section, GoogleCalendar):
        from sync.targets.calendar.google import GoogleCalendar as Google

        return Google(event_settings(config), section)  # credentials checked here, before writes
    if isinstance(section, FileSlack):
        from sync.targets.slack.file import SlackFile

        return SlackFile(section.path, group_settings(config))
    if isinstance(section, SlackSlack):
        from sync.targets.slack.slack import SlackUserGroup

        token = secret("SLACK_BOT_TOKEN", "[slack] kind = \"slack\" needs the Slack app's bot "
                       "token (xoxb-…); see the README for the scopes it needs.")
        return SlackUserGroup(token, group_settings(config), section.api_url,
                              section.announce_channel)
    if isinstance(section, FileHandbook):
        from sync.targets.handbook.file import HandbookFile

        return HandbookFile(section.path, section.stamp)
    if isinstance(section, GithubHandbook):
        from sync.targets.handbook.github import HandbookGithub

        token = secret("GITHUB_TOKEN", "[handbook] kind = \"github\" needs a GitHub token "
                       f"with Contents and Pull requests read/write on {section.repo}.")
        return HandbookGithub(section.repo, section.path, section.branch, section.mode, token,
                              section.api_url, section.stamp)
    raise ConfigError(f"{type(section).__name__} is not available yet.")


def event_settings(config: Config) -> EventSettings:
    assert config.calendar is not None
    return EventSettings(config.calendar.event_title, config.calendar.attendees,
                         handbook_url(config))


def group_settings(config: Config) -> GroupSettings:
    assert config.slack is not None
    return GroupSettings(config.slack.usergroup, config.slack.empty_policy,
                         tuple(h.removeprefix("@") for h in config.slack.fallback),
                         config.slack.notify_changes)


def handbook_url(config: Config) -> str | None:
    handbook = config.handbook
    if handbook is None or handbook.kind != "github":
        return None
    host = handbook.api_url.removesuffix("/").removesuffix("/api/v3")
    host = "https://github.com" if host == "https://api.github.com" else host
    return f"{host}/{handbook.repo}/blob/{handbook.branch}/{handbook.path}"
