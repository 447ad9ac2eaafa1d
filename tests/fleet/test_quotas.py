"""Quotas kept: fakes that answer 429 beyond a per-window quota, and a 250-roster sync that
the limiters keep free of them. The window is shortened so the test does not wait minutes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sync.cli.commands import app
from sync.clients.limits import LIMITERS, Limiter, configure_quotas, pace
from tests.fleet.many import build_fleet, handle
from tests.wire.fakes.drive import FakeDrive, QuotaSlack
from tests.wire.fakes.quota import Quota
from tests.wire.fakes.slack import DEFAULT_TOKEN

ROSTERS = 250
WINDOW = 0.25  # seconds standing in for the quotas' minute
SHEETS_READS, SLACK_CALLS = 60, 20  # the published per-minute quotas


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_limiter_keeps_any_window_under_the_quota() -> None:
    clock = Clock()
    limiter = Limiter(20, 60.0, clock=lambda: clock.now, sleep=clock.sleep)
    sent = []
    for _ in range(100):
        limiter.acquire()
        sent.append(clock.now)
    assert all(sum(1 for t in sent if start <= t < start + 60.0) <= 18 for start in sent)
    assert sent[-1] >= 5 * 60.0  # paced, not refused: 100 requests take five windows


def test_pacing_is_off_outside_a_fleet() -> None:
    configure_quotas(None)
    assert LIMITERS == {}
    pace("Google Sheets: reading the roster")  # returns at once


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
             ) -> Iterator[tuple[FakeDrive, QuotaSlack]]:
    with FakeDrive() as google, QuotaSlack() as slack:
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS",
                           str(tmp_path / "service-account.json"))
        monkeypatch.setenv("SLACK_BOT_TOKEN", DEFAULT_TOKEN)
        for number in range(4 * ROSTERS):
            slack.add_user(handle(number), f"eng{number}@example.com")
        for index in range(ROSTERS):
            slack.add_group(f"r{index:04d}")
        yield google, slack


def quota_table() -> str:
    return (f"[fleet.quotas]\nsheets_reads_per_minute = {SHEETS_READS}\n"
            f"slack_per_minute = {SLACK_CALLS}\nwindow_seconds = {WINDOW}\n")


def sync_fleet(fleet: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["sync", "-c", str(fleet), "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_a_250_roster_sync_is_paced_under_the_quotas_and_never_refused(
        tmp_path: Path, services: tuple[FakeDrive, QuotaSlack]) -> None:
    google, slack = services
    fleet = build_fleet(tmp_path, google, ROSTERS, slack_url=slack.api_url,
                        fleet_table=quota_table())
    google.set_quotas({"sheets-read": Quota(SHEETS_READS, WINDOW)})
    slack.set_quota(Quota(SLACK_CALLS, WINDOW))
    code, document = sync_fleet(fleet)
    assert code == 0, [d for d in document["rosters"].values() if d["exit_code"]][:1]
    assert len(document["rosters"]) == ROSTERS
    assert google.quotas is not None and slack.quotas is not None
    assert google.quotas.refused == 0 and slack.quotas.refused == 0
    assert google.quotas.limits["sheets-read"].served >= ROSTERS
    assert slack.quotas.limits["slack"].served > 4 * SLACK_CALLS  # it did need pacing
    assert LIMITERS == {}  # pacing ends with the fleet run


def test_the_same_fleet_unpaced_is_refused(tmp_path: Path,
                                           services: tuple[FakeDrive, QuotaSlack]) -> None:
    """The quotas of the fakes do bite: the same burst without limiters meets 429s."""
    google, slack = services
    fleet = build_fleet(tmp_path, google, 40, slack_url=slack.api_url,
                        fleet_table="[fleet.quotas]\nslack_per_minute = 100000\n")
    slack.set_quota(Quota(SLACK_CALLS, 60.0))
    sync_fleet(fleet)
    assert slack.quotas is not None and slack.quotas.refused > 0
