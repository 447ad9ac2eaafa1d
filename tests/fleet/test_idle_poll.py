"""The fleet's idle poll against a fake Drive and Sheets over real HTTP: 250 rosters idle
at one request a poll; an edit to one is synced within two polls, the other 249 unread."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from sync.fleet.changes import TOKEN_KEY
from sync.fleet.model import load_fleet
from sync.fleet.schedule import FLEET_NAMESPACE, FleetSchedule
from sync.run.factory import make_source
from sync.run.poll import remember_synced
from sync.run.scheduler import new_scheduler
from sync.run.state import StateStore, placed
from tests.fleet.many import build_fleet, handle, roster_name, sheet_id
from tests.wire.fakes.drive import FakeDrive

ROSTERS = 250
EDITED = 137


@pytest.fixture
def drive() -> Iterator[FakeDrive]:
    with FakeDrive() as server:
        yield server


def api_calls(drive: FakeDrive) -> list[str]:
    """Requests to Google's APIs (token grants, once an hour, left out)."""
    return [f"{r.method} {r.path}" for r in drive.calls() if r.path != "/token"]


@pytest.fixture
def schedule(tmp_path: Path, drive: FakeDrive, monkeypatch: pytest.MonkeyPatch
             ) -> FleetSchedule:
    """A fleet schedule (never started) whose rosters were all synced once."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "service-account.json"))
    fleet = load_fleet(build_fleet(tmp_path, drive, ROSTERS, fleet_table=(
        f'[fleet]\ndrive_endpoint = "{drive.base_url}/"\n')))
    schedule = FleetSchedule(fleet, fleet.rosters,
                             new_scheduler(ZoneInfo("UTC"), BackgroundScheduler))
    for name, job in schedule.nightly.items():
        remember_synced(job.poller.store, make_source(schedule.configs[name]).read())
    assert schedule.poll.tick() == {}  # the first poll takes Drive's start page token
    drive.reset_log()
    return schedule


def test_an_idle_fleet_costs_one_request_a_poll(schedule: FleetSchedule,
                                                drive: FakeDrive) -> None:
    for poll in range(1, 4):
        assert schedule.poll.tick() == {}
        assert api_calls(drive) == ["GET /drive/v3/changes"] * poll


def test_an_edit_is_synced_within_two_polls_reading_only_its_sheet(
        schedule: FleetSchedule, drive: FakeDrive, tmp_path: Path) -> None:
    name, sheet = roster_name(EDITED), sheet_id(EDITED)
    drive.edit(sheet, 3, 3, f"{handle(4 * EDITED)}, {handle(4 * EDITED + 1)}")
    assert schedule.poll.tick() == {name: "settling"}
    assert schedule.poll.tick() == {name: "synced"}
    read = {found[1] for call in api_calls(drive)
            if (found := re.search(r"/v4/spreadsheets/([^/:?]+)", call))}
    assert read == {sheet}  # the other 249 spreadsheets were not read
    assert api_calls(drive).count("GET /drive/v3/changes") == 2
    ics = (tmp_path / "out" / name / "rotations.ics").read_text()
    assert f"Engineer {4 * EDITED + 1}" in ics
    assert schedule.poll.tick() == {}  # the tool's own writes are not edits


def test_the_page_token_is_kept_in_the_state_store(schedule: FleetSchedule,
                                                   drive: FakeDrive, tmp_path: Path) -> None:
    drive.edit(sheet_id(3), 2, 3, handle(12))
    schedule.poll.tick()
    with placed(None, FLEET_NAMESPACE):
        token = StateStore(tmp_path / "state").recall(TOKEN_KEY)
    assert token == str(len(drive.changes) + 1)
