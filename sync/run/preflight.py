"""Before a run builds anything: every secret it will need, checked at once, so a deployer
fixes them all in one go instead of one failed run per missing variable."""

from __future__ import annotations

import os
from pathlib import Path

from sync.config.model import Config
from sync.config.publish import FEED_SECRET
from sync.config.sections import SheetsSource
from sync.errors import ConfigError
from sync.targets.calendar.settings import GoogleCalendar
from sync.targets.handbook.settings import GithubHandbook
from sync.targets.slack.settings import SlackSlack

KEY_FILE = "GOOGLE_APPLICATION_CREDENTIALS"


def check_secrets(config: Config, only: set[str] | None = None) -> None:
    """Raise one ConfigError (exit 2) naming every missing secret and what needs it."""
    missing = missing_secrets(config, only)
    if missing:
        raise ConfigError("Missing secrets in the environment (set them all, then run "
                          "again):\n" + "\n".join(f"  {line}" for line in missing))


def missing_secrets(config: Config, only: set[str] | None = None) -> list[str]:
    missing = [f"{name} is not set: {why}" for name, why in needed(config, only)
               if not set_in_env(name)]
    key = os.environ.get(KEY_FILE, "").strip()
    if key and google_used(config, only) and not Path(key).is_file():
        missing.append(f"{KEY_FILE} names {key}, which does not exist (it must be the "
                       "service account's JSON key file)")
    return missing


def needed(config: Config, only: set[str] | None) -> list[tuple[str, str]]:
    def chosen(name: str) -> bool:
        return only is None or name in only

    secrets: list[tuple[str, str]] = []
    if isinstance(config.section("slack"), SlackSlack) and chosen("slack"):
        secrets.append(("SLACK_BOT_TOKEN", '[slack] kind = "slack" needs the Slack app\'s '
                                           "bot token (xoxb-…)"))
    handbook = config.section("handbook")
    if isinstance(handbook, GithubHandbook) and chosen("handbook"):
        secrets.append(("GITHUB_TOKEN", '[handbook] kind = "github" needs a GitHub token '
                                        f"with Contents and Pull requests on {handbook.repo}"))
    if config.feeds is not None:
        secrets.append((FEED_SECRET, "[feeds] names each person's feed file after it"))
    return secrets


def google_used(config: Config, only: set[str] | None) -> bool:
    calendar = isinstance(config.section("calendar"), GoogleCalendar) and \
        (only is None or "calendar" in only)
    return calendar or isinstance(config.source, SheetsSource)


def set_in_env(name: str) -> bool:
    return bool(os.environ.get(name, "").strip())
