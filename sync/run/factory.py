"""Wiring: the source, the targets (from the registry) and the messenger's transport of one
run. One Slack client serves the Slack target and every message of the run."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from sync.clients.secrets import secret
from sync.clients.slack import SlackApi
from sync.config.model import Config
from sync.config.sections import CsvSource
from sync.config.sections import SheetsSource as SheetsSection
from sync.errors import ConfigError
from sync.run.messenger import (
    MESSAGES_FILE,
    FileTransport,
    LazyTransport,
    SlackTransport,
    Transport,
)
from sync.run.state import StateStore
from sync.sources import RosterSource
from sync.targets.base import Target
from sync.targets.calendar.settings import GoogleCalendar as GoogleCalendarSection
from sync.targets.handbook.settings import GithubHandbook, page_url
from sync.targets.registry import TARGETS
from sync.targets.slack.settings import FileSlack, SlackSlack


def make_source(config: Config, wiring: Wiring | None = None) -> RosterSource:
    source = config.source
    time_off = config.time_off
    if isinstance(source, CsvSource):
        from sync.sources.csv import CsvSource as Csv

        return Csv(source.rotations, source.people, source.overrides,
                   time_off.file if time_off else None)
    from sync.sources.sheets import SheetsSource as Sheets

    wiring = wiring or Wiring(config)  # credentials are checked here, before any write
    return Sheets.from_config(source, wiring.google_credentials(), google_subject(config),
                              time_off.tab if time_off else None)


def google_scopes(config: Config) -> list[str]:
    """Every Google scope the run needs: the Sheets source's and the Google Calendar's."""
    scopes: list[str] = []
    if isinstance(config.source, SheetsSection):
        from sync.sources.sheets import scopes_for

        source = config.source
        scopes += scopes_for(source.status_tab or source.cell_notes or source.protect_status_tab)
    if isinstance(config.section("calendar"), GoogleCalendarSection):
        from sync.targets.calendar.google import SCOPE

        scopes.append(SCOPE)
    return scopes


def google_subject(config: Config) -> str | None:
    """The Workspace user the run acts as ([calendar] impersonate), for every Google API."""
    calendar = config.section("calendar")
    return calendar.impersonate if isinstance(calendar, GoogleCalendarSection) else None


class Wiring:
    """One run's shared pieces, built when first asked for."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def targets(self, only: set[str] | None = None) -> dict[str, Target]:
        targets: dict[str, Target] = {}
        for entry in TARGETS:
            section = self.config.section(entry.name)
            if section is not None and (only is None or entry.name in only):
                targets[entry.name] = entry.build(self, section)
        return targets

    def handbook_url(self) -> str | None:
        handbook = self.config.section("handbook")
        return page_url(handbook) if isinstance(handbook, GithubHandbook) else None

    def slack_api(self) -> SlackApi:
        return self.slack

    def google_credentials(self) -> Any:
        return self.google

    def memory(self) -> StateStore:
        return StateStore(self.config.state_dir)

    @cached_property
    def google(self) -> Any:
        """One credential for Sheets and Calendar: one token grant per run, not one each."""
        from sync.clients.google import credentials

        return credentials(google_scopes(self.config), google_subject(self.config))

    @cached_property
    def slack(self) -> SlackApi:
        section = self.config.section("slack")
        if not isinstance(section, SlackSlack):
            raise ConfigError("A Slack backend needs the workspace's API: set [slack] kind = "
                              "\"slack\" (with usergroup), or use kind = \"file\" here too.")
        token = secret("SLACK_BOT_TOKEN", "[slack] kind = \"slack\" needs the Slack app's bot "
                       "token (xoxb-…); see the README for the scopes it needs.")
        return SlackApi.connect(token, section.api_url, section.usergroup)

    def transport(self) -> Transport:
        """Where messages go: the [slack] section's Slack, or its local messages file. Built
        on the first post, so a run that posts nothing needs no token."""
        return LazyTransport(self.build_transport)

    def build_transport(self) -> Transport:
        slack = self.config.section("slack")
        if isinstance(slack, FileSlack):
            return FileTransport(slack.path.parent / MESSAGES_FILE)
        if isinstance(slack, SlackSlack):
            return SlackTransport(self.slack)
        raise LookupError("[notify] channel is set but there is no [slack] section to post "
                          "with; add one (kind = \"slack\" or \"file\").")


def make_targets(config: Config, only: set[str] | None = None) -> dict[str, Target]:
    return Wiring(config).targets(only)
