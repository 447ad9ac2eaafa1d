"""Cover requests inside `schedule`: expiry (and finishing what a restart interrupted)
every minute on every backend, and with the Slack backend and SLACK_APP_TOKEN the
Socket Mode bot for `/rotation`."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from sync.clients.secrets import secret
from sync.config.model import Config
from sync.core.lived.clock import Clock
from sync.run.cover import CoverDesk, SyncNow
from sync.targets.slack.settings import SlackSlack

if TYPE_CHECKING:
    from sync.chat.bot import CoverBot

log = logging.getLogger("sync.chat")
APP_TOKEN_ENV = "SLACK_APP_TOKEN"
UPKEEP_JOB = "cover requests"
UPKEEP_SECONDS = 60


def serve_cover(config: Config, scheduler: BaseScheduler, sync_now: SyncNow,
                now: Callable[[], datetime]) -> Callable[[], None]:
    """Start what cover requests need; returns how to stop it."""
    token = os.environ.get(APP_TOKEN_ENV, "").strip()
    chat = bool(token) and isinstance(config.section("slack"), SlackSlack)
    if token and not chat:
        log.warning("%s is set, but /rotation needs [slack] kind = \"slack\"; not serving it.",
                    APP_TOKEN_ENV)
    if config.cover is None and not chat:
        return lambda: None
    desk = CoverDesk(config, lambda: Clock(now(), config.handoff_time), sync=sync_now)
    scheduler.add_job(upkeep, IntervalTrigger(seconds=UPKEEP_SECONDS, timezone=config.tz),
                      args=[desk], id=UPKEEP_JOB, name="cover requests: expiry",
                      replace_existing=True, next_run_time=now())
    if not chat:
        return lambda: None
    bot = start_bot(config, desk, token)
    return bot.stop


def upkeep(desk: CoverDesk) -> None:
    """Never raises: the scheduler outlives a roster that cannot be read right now."""
    try:
        desk.expire_due()
        desk.resume()
    except Exception as error:
        log.warning("Cover requests could not be checked for expiry: %s", error)


def start_bot(config: Config, desk: CoverDesk, app_token: str) -> CoverBot:
    from slack_sdk import WebClient

    from sync.chat.bot import CoverBot
    from sync.clients.slack import TIMEOUT_SECONDS
    from sync.run.factory import Wiring

    section = config.section("slack")
    assert isinstance(section, SlackSlack)
    api = Wiring(config).slack
    web = WebClient(token=secret("SLACK_BOT_TOKEN", "the Slack bot token (xoxb-…)"),
                    base_url=section.api_url, timeout=TIMEOUT_SECONDS)
    bot = CoverBot(desk, api, app_token, web)
    bot.start()
    return bot
