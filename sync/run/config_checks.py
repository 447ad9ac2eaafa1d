"""Config problems that the file's shape cannot show: a cron expression, attendees a
service account cannot invite, notices with nothing to post them. `validate` reports them
all at once (exit 2), so a deployer learns them before the first `plan` or night."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sync.config.model import Config
from sync.errors import ConfigError
from sync.run.cron_syntax import plainly_valid
from sync.targets.calendar.settings import GoogleCalendar
from sync.targets.slack.settings import SlackSlack
from sync.targets.topic.settings import SlackTopicSection

KEY_FILE = "GOOGLE_APPLICATION_CREDENTIALS"


def check_config(config: Config) -> None:
    problems = config_problems(config)
    if problems:
        raise ConfigError("The config file has problems:\n"
                          + "\n".join(f"  {problem}" for problem in problems))


def config_problems(config: Config) -> list[str]:
    return [problem for check in (bad_cron, attendees_without_impersonate, notify_without_slack,
                                         slack_topic_without_slack)
            if (problem := check(config))]


def bad_cron(config: Config) -> str | None:
    if plainly_valid(config.schedule.cron):
        return None
    from sync.run.scheduler import cron_trigger  # APScheduler judges what is not plain

    try:
        cron_trigger(config.schedule.cron, config.tz)
    except ConfigError as error:
        return str(error)
    return None


def attendees_without_impersonate(config: Config) -> str | None:
    calendar = config.section("calendar")
    if not isinstance(calendar, GoogleCalendar) or not calendar.attendees \
            or calendar.impersonate or not service_account_key():
        return None
    return ("[calendar] attendees = true, but Google lets a service account invite attendees "
            "only through domain-wide delegation: set [calendar] impersonate to a Workspace "
            "user (see the README) or set attendees = false.")


def service_account_key() -> bool:
    """A service account runs the job unless the key file says otherwise (a user's
    credentials can invite); with no key file set, production's service account is assumed."""
    path = os.environ.get(KEY_FILE, "").strip()
    if not path:
        return True
    try:
        return bool(json.loads(Path(path).read_text()).get("type") == "service_account")
    except (OSError, ValueError, AttributeError):
        return True


def notify_without_slack(config: Config) -> str | None:
    if config.notify.channel and config.section("slack") is None:
        return ("[notify] channel is set but there is no [slack] section to post with; add "
                'one (kind = "slack" or "file").')
    return None


def slack_topic_without_slack(config: Config) -> str | None:
    topic, slack = config.section("topic"), config.section("slack")
    if isinstance(topic, SlackTopicSection) and not isinstance(slack, SlackSlack):
        return ('[topic] kind = "slack" sets the topic through the workspace of [slack]: set '
                '[slack] kind = "slack" too, or use [topic] kind = "file".')
    return None
