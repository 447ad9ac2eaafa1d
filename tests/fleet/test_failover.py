"""Two `schedule` replicas on one PostgreSQL: one leads, the other takes over when it dies.

Real processes, a real server, killed with SIGKILL: the leader's session ends with it, the
standby's next try wins the advisory lock, and the state it reads (message records included)
is the same database, so nothing already said is said again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack

CEILING = 120.0
TAKEOVER = 60.0
ROSTER = """timezone = "UTC"
handoff_time = "00:00"
state_dir = "state/{name}"

[source]
kind = "csv"
rotations = "{name}/rotations.csv"
people = "people.csv"

[calendar]
kind = "ics"
path = "out/{name}/rotations.ics"

[slack]
kind = "slack"
api_url = "{api_url}"
usergroup = "{name}-oncall"
announce_channel = "#{name}"

[schedule]
cron = "0 3 * * *"
"""
PEOPLE = """GitHub,Name,Email,Timezone
ana-lima,Ana Lima,ana@example.com,America/Sao_Paulo
ben-ode,Ben Ode,ben@example.com,Africa/Lagos
chen-wu,Chen Wu,chen@example.com,Asia/Shanghai
dara-kim,Dara Kim,dara@example.com,Asia/Seoul
"""


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        for line in PEOPLE.splitlines()[1:]:
            handle, name, email, _ = line.split(",")
            server.add_user(handle, email, real_name=name)
        for name in ("api", "web"):
            server.add_channel(name)
            server.add_group(f"{name}-oncall")
        yield server


@pytest.fixture
def fleet(tmp_path: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two rosters whose rotations began today, so each first sync announces a handoff."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", DEFAULT_TOKEN)
    today = datetime.now(UTC).date()
    (tmp_path / "people.csv").write_text(PEOPLE)
    for name, people in (("api", "ana-lima, ben-ode, chen-wu"), ("web", "dara-kim, ben-ode")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "rotations.csv").write_text(
            f"Start,End,Engineers\n{today},{today + timedelta(days=27)},\"{people}\"\n")
        (tmp_path / f"{name}.toml").write_text(ROSTER.format(name=name,
                                                             api_url=slack.api_url))
    fleet = tmp_path / "fleet.toml"
    fleet.write_text('[fleet]\npoll = "10s"\n\n[[roster]]\nname = "api"\nconfig = "api.toml"\n'
                     '\n[[roster]]\nname = "web"\nconfig = "web.toml"\n')
    return fleet


class Replica:
    def __init__(self, fleet: Path, url: str, name: str) -> None:
        self.log = fleet.parent / f"{name}.log"
        env = {**os.environ, "ROTATION_SYNC_STATE_URL": url}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync", "schedule", "-c", str(fleet), "--run-now"],
            stdout=subprocess.DEVNULL, stderr=self.log.open("w"), env=env)

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, needle: str, count: int = 1, ceiling: float = CEILING) -> float:
        """Seconds until the log holds `needle` `count` times (fails at the ceiling)."""
        started = time.monotonic()
        while self.text().count(needle) < count:
            assert self.process.poll() is None, f"replica exited:\n{self.text()}"
            assert time.monotonic() - started < ceiling, f"no {needle!r} in:\n{self.text()}"
            time.sleep(0.1)
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=CEILING)


@pytest.fixture
def replicas() -> Iterator[list[Replica]]:
    started: list[Replica] = []
    yield started
    for replica in started:
        replica.stop()


def announcements(slack: FakeSlack) -> list[str]:
    with slack.lock:
        return sorted(message.text for message in slack.messages)


def test_one_replica_syncs_and_the_other_takes_over_within_60_s_saying_nothing_twice(
        fleet: Path, pg_url: str, replicas: list[Replica], slack: FakeSlack) -> None:
    first = Replica(fleet, pg_url, "first")
    replicas.append(first)
    first.wait_for("Leading")
    first.wait_for("roster web] ok")
    first.wait_for("roster api] ok")
    said = announcements(slack)
    assert len(said) == 2, said  # one handoff announcement per roster

    second = Replica(fleet, pg_url, "second")
    replicas.append(second)
    second.wait_for("Standby")
    assert "roster" not in second.text()  # a standby syncs nothing

    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=CEILING)
    assert second.wait_for("Leading", ceiling=TAKEOVER) < TAKEOVER
    second.wait_for("roster web] ok")
    second.wait_for("roster api] ok")
    assert announcements(slack) == said  # the new leader remembers what was announced
