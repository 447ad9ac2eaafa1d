"""Shared fixtures: a workspace with a config on local backends, and a CLI runner."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

import sync.clients.retry
from sync.cli.commands import app
from tests.helpers import PEOPLE, write_roster
from tests.wire.fakes.google import FakeGoogle
from tests.wire.fakes.slack import FakeSlack, User

# No example may fail for being slow: a loaded 2-core machine is not a bug.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

ROOT = Path(__file__).parent.parent
SAMPLE_PAGE = ROOT / "tests" / "data" / "escalation-engineer-rotation.md"

LOCAL_CONFIG = """
timezone = "America/Los_Angeles"
handoff_time = "09:00"
state_dir = "state"

[source]
kind = "csv"
rotations = "roster/rotations.csv"
people = "roster/people.csv"

[calendar]
kind = "ics"
path = "out/rotations.ics"

[slack]
kind = "file"
path = "out/slack-usergroup.json"
usergroup = "escalation-engineers"
empty_policy = "{policy}"
fallback = ["priya-nair"]

[handbook]
kind = "file"
path = "handbook/page.md"
"""

OUTPUTS = ("out/rotations.ics", "out/slack-usergroup.json", "handbook/page.md")


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """TZ pinned, retries instant, no real secrets leaking in from the machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(sync.clients.retry, "sleep", lambda seconds: None)
    for name in ("SLACK_BOT_TOKEN", "GITHUB_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS",
                 "ROTATION_SYNC_CONFIG", "ROTATION_SYNC_STATE_URL",
                 # google-auth's regional-access-boundary lookup: off, as in production
                 "GOOGLE_SDK_EXPERIMENTAL_PYTHON_REGIONAL_ACCESS_BOUNDARY_LOOKUP_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    yield
    time.tzset()


@dataclass
class Workspace:
    folder: Path

    @property
    def config(self) -> Path:
        return self.folder / "rotation-sync.toml"

    def run(self, *args: str) -> Any:
        command, *rest = args
        result = CliRunner().invoke(app, [command, "-c", str(self.config), *rest])
        return result

    def run_json(self, *args: str) -> tuple[int, dict[str, Any]]:
        result = self.run(*args, "--json")
        return result.exit_code, json.loads(result.stdout)

    def snapshot(self) -> dict[str, tuple[bytes, int] | None]:
        """Bytes and mtime of every target file, to prove that nothing was written."""
        state: dict[str, tuple[bytes, int] | None] = {}
        for name in OUTPUTS:
            path = self.folder / name
            state[name] = (path.read_bytes(), path.stat().st_mtime_ns) if path.exists() \
                else None
        return state

    def slack_group(self) -> dict[str, Any]:
        return dict(json.loads((self.folder / "out" / "slack-usergroup.json").read_text()))

    def members(self) -> list[str]:
        return sorted(m["handle"] for m in self.slack_group()["members"])

    def sent(self) -> list[dict[str, Any]]:
        """What the file backends sent: the lines of out/messages.jsonl."""
        path = self.folder / "out" / "messages.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] \
            if path.exists() else []

    def said(self) -> list[tuple[str, str]]:
        """Each message sent, as (channel or person, text)."""
        return [(message["channel"], message["text"]) for message in self.sent()]


def make_workspace(folder: Path, policy: str = "keep") -> Workspace:
    write_roster(folder)
    (folder / "handbook").mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_PAGE, folder / "handbook" / "page.md")
    (folder / "rotation-sync.toml").write_text(LOCAL_CONFIG.replace("{policy}", policy))
    return Workspace(folder)


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    """For tests that configure logging: the root logger as it was, afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    os.environ.pop("ROTATION_SYNC_CONFIG", None)
    return make_workspace(tmp_path)


# -- the fake Slack, with every person of tests/helpers.py PEOPLE in it ------------------
@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def users(slack: FakeSlack) -> dict[str, User]:
    """Every person of tests/helpers.py PEOPLE, in Slack under the same email."""
    return {handle: slack.add_user(handle.lower(), email, real_name=name)
            for handle, (name, email, _tz) in PEOPLE.items()}


@pytest.fixture(scope="module")
def google_server() -> Iterator[FakeGoogle]:
    """One fake Google per test module (a server per test is slow); modules reset its stores."""
    with FakeGoogle() as google:
        yield google
