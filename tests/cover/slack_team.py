"""A team on the fake Slack serving `/rotation` over Socket Mode: the roster's rotations
lie around the real today (the bot runs on the real clock), handoffs at midnight so the
roster day is the calendar day."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sync.config.model import Config
from sync.core.lived.clock import Clock
from sync.run.runner import run_sync
from tests.conftest import make_workspace
from tests.helpers import CEILING, rotations_rows, to_csv
from tests.wire.fakes.slack import APP_ID, TEAM_ID, Channel, FakeSlack, Message, User
from tests.wire.fakes.socket_mode import Ack

TZ = ZoneInfo("America/Los_Angeles")
HEADER = ["Start", "End", "Engineer", "Cover", "Note"]
CONFIG = """
timezone = "America/Los_Angeles"
handoff_time = "00:00"
state_dir = "state"

[source]
kind = "csv"
rotations = "roster/rotations.csv"
people = "roster/people.csv"
overrides = "roster/overrides.csv"

[calendar]
kind = "ics"
path = "out/rotations.ics"

[slack]
kind = "slack"
api_url = "{api_url}"
usergroup = "escalation-engineers"
announce_channel = "#escalation-engineering"

[cover]
managers = ["priya-nair"]
{cover}
"""


def today() -> date:
    return datetime.now(TZ).date()


def write_team(folder: Path, slack: FakeSlack, cover: str = "") -> Path:
    """The roster: A (past), B (running: keegancsmith, valerybugakov), C (next)."""
    make_workspace(folder)
    start = today() - timedelta(days=today().weekday())
    rotations = [(start - timedelta(days=28), start - timedelta(days=1),
                  ["BolajiOlajide", "kenji-sato"]),
                 (start, start + timedelta(days=27), ["keegancsmith", "valerybugakov"]),
                 (start + timedelta(days=28), start + timedelta(days=55),
                  ["tbliu98", "sven-larsen"])]
    rows = rotations_rows([(a.isoformat(), b.isoformat(), list(h)) for a, b, h in rotations])
    (folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    (folder / "roster" / "overrides.csv").write_text(to_csv([HEADER]))
    config = folder / "rotation-sync.toml"
    config.write_text(CONFIG.replace("{api_url}", slack.api_url).replace("{cover}", cover))
    return config


@dataclass
class Team:
    slack: FakeSlack
    users: dict[str, User]
    channel: Channel
    config: Config
    folder: Path

    def override_rows(self) -> list[str]:
        return (self.folder / "roster" / "overrides.csv").read_text().splitlines()[1:]

    def slash(self, user: User, text: str, envelope_id: str | None = None) -> Ack:
        payload = {"token": "verification-token", "team_id": TEAM_ID, "team_domain": "fake",
                   "channel_id": self.channel.id, "channel_name": self.channel.name,
                   "user_id": user.id, "user_name": user.name, "command": "/rotation",
                   "text": text, "api_app_id": APP_ID, "is_enterprise_install": "false",
                   "response_url": "https://hooks.slack.com/commands/T0FAKE001/1/fake",
                   "trigger_id": "1.2.fake"}
        return self.send("slash_commands", payload, envelope_id)

    def click(self, user: User, message: Message, action_id: str,
              envelope_id: str | None = None, wait: bool = True, number: int = 1
              ) -> Ack | str:
        value = str(number)
        payload = {"type": "block_actions", "api_app_id": APP_ID, "token": "verification",
                   "user": {"id": user.id, "username": user.name, "name": user.name,
                            "team_id": TEAM_ID},
                   "container": {"type": "message", "message_ts": message.ts,
                                 "channel_id": self.channel.id, "is_ephemeral": False},
                   "trigger_id": "1.3.fake", "team": {"id": TEAM_ID, "domain": "fake"},
                   "channel": {"id": self.channel.id, "name": self.channel.name},
                   "message": message.to_json(),
                   "response_url": "https://hooks.slack.com/actions/T0FAKE001/1/fake",
                   "actions": [{"action_id": action_id, "block_id": f"cover-{value}",
                                "text": {"type": "plain_text", "text": action_id},
                                "value": value, "type": "button",
                                "action_ts": "1700000000.000001"}]}
        if not wait:
            assert self.slack.socket is not None
            return self.slack.socket.deliver("interactive", payload, envelope_id)
        return self.send("interactive", payload, envelope_id)

    def send(self, kind: str, payload: dict[str, Any], envelope_id: str | None) -> Ack:
        socket = self.slack.socket
        assert socket is not None
        sent = socket.deliver(kind, payload, envelope_id)
        return socket.wait_for_ack(sent, CEILING)

    def posts(self) -> list[Message]:
        return [m for m in self.slack.messages if m.channel == self.channel.id
                and "blocks" in m.params]

    def ephemerals(self, user: User) -> list[str]:
        return [m.text for m in self.slack.ephemerals if m.params.get("user") == user.id]


def eventually(check: Callable[[], Any], what: str) -> Any:
    """Wait for the bot's work (done after the ack, on its own thread), with a ceiling."""
    deadline = time.monotonic() + CEILING
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


def sync_now(config: Config) -> Callable[[str], None]:
    def sync(trigger: str) -> None:
        run_sync(config, Clock.at(config.tz, config.handoff_time), trigger=trigger)
    return sync
