"""Edit-to-sync (`[schedule] poll`): against the fake Sheets over real HTTP, the poll job
driven directly under a fixed clock (no waiting on wall time)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from sync.config.model import load_config
from sync.errors import ConfigError
from sync.run.poll import daily_requests
from sync.run.scheduler import POLL_JOB, NightlySync, new_scheduler
from tests.conftest import Workspace
from tests.helpers import people_rows, rotations_rows, to_csv
from tests.wire.fakes.google import FakeGoogle, make_service_account

SHEET_ID = "1PolledRosterSheet"
NOW = datetime(2022, 9, 10, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
SHEETS_SOURCE = """[source]
kind = "google_sheets"
spreadsheet_id = "{sheet}"
sheets_endpoint = "{base}"
status_tab = "Sync status"
"""


@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        key = tmp_path / "service-account.json"
        key.write_text(json.dumps(make_service_account(server)))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        server.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": rotations_rows(),
                                                           "People": people_rows()})
        yield server


def configure(workspace: Workspace, source: str | None = None, poll: str = "60s") -> Path:
    text = workspace.config.read_text()
    if source is not None:
        head, _, rest = text.partition("[source]")
        text = head + source + rest[rest.index("\n[calendar]"):]
    workspace.config.write_text(text + f'\n[schedule]\npoll = "{poll}"\n')
    return workspace.config


def nightly(config: Path) -> NightlySync:
    loaded = load_config(config)
    scheduler = new_scheduler(loaded.tz, BackgroundScheduler)  # never started
    return NightlySync(loaded, scheduler, now=lambda: NOW)


def edit_engineers(google: FakeGoogle, text: str) -> None:
    with google.lock:
        google.sheets.spreadsheets[SHEET_ID].tabs[0].set_cell(2, 2, text)


def ics(workspace: Workspace) -> str:
    return (workspace.folder / "out" / "rotations.ics").read_text()


@pytest.fixture
def polled(workspace: Workspace, google: FakeGoogle) -> NightlySync:
    """A schedule whose first sync has run: the roster it used is remembered."""
    job = nightly(configure(workspace, SHEETS_SOURCE.format(sheet=SHEET_ID,
                                                            base=google.base_url)))
    job.run("start")
    assert job.poller.tick() == "unchanged"  # also fetches the poller's token once
    google.reset_log()
    return job


def test_a_quiet_poll_is_one_read_and_writes_nothing(polled: NightlySync,
                                                     google: FakeGoogle,
                                                     workspace: Workspace) -> None:
    before = workspace.snapshot()
    for _ in range(3):
        polled.poll()
    assert [(r.method, r.path) for r in google.requests] == \
        [("GET", f"/v4/spreadsheets/{SHEET_ID}/values:batchGet")] * 3
    assert workspace.snapshot() == before


def test_an_edit_is_synced_at_the_second_poll_that_reads_it(polled: NightlySync,
                                                            google: FakeGoogle,
                                                            workspace: Workspace) -> None:
    edit_engineers(google, "keegancsmith, sven-larsen")
    assert polled.poller.tick() == "settling"
    assert "sven" not in ics(workspace).lower()
    assert google.writes() == []
    assert polled.poller.tick() == "synced"
    assert "Sven Larsen" in ics(workspace)
    google.reset_log()
    assert polled.poller.tick() == "unchanged"  # the status tab it just wrote is no edit
    assert len(google.requests) == 1


def test_a_half_typed_edit_waits_until_it_settles(polled: NightlySync, google: FakeGoogle,
                                                  workspace: Workspace) -> None:
    edit_engineers(google, "keegancsmith, sven")
    assert polled.poller.tick() == "settling"
    edit_engineers(google, "keegancsmith, sven-larsen")
    assert polled.poller.tick() == "settling"
    assert "Sven Larsen" not in ics(workspace)
    assert polled.poller.tick() == "synced"
    assert "Sven Larsen" in ics(workspace)


def test_an_edit_undone_before_the_second_poll_syncs_nothing(polled: NightlySync,
                                                             google: FakeGoogle,
                                                             workspace: Workspace) -> None:
    before = workspace.snapshot()
    edit_engineers(google, "keegancsmith, sven-larsen")
    assert polled.poller.tick() == "settling"
    edit_engineers(google, "keegancsmith, valerybugakov")
    assert polled.poller.tick() == "unchanged"
    assert polled.poller.tick() == "unchanged"
    assert workspace.snapshot() == before
    assert google.writes() == []


def test_the_csv_source_is_polled_the_same_way(workspace: Workspace) -> None:
    job = nightly(configure(workspace))
    job.run("start")
    assert job.poller.tick() == "unchanged"
    rows = rotations_rows()
    rows[2][2] = "keegancsmith, sven-larsen"
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    assert job.poller.tick() == "settling"
    assert job.poller.tick() == "synced"
    assert "Sven Larsen" in ics(workspace)


def test_an_unreadable_roster_waits_for_the_next_poll(workspace: Workspace) -> None:
    job = nightly(configure(workspace))
    (workspace.folder / "roster" / "rotations.csv").unlink()
    assert job.poller.tick() == "unreadable"


def test_the_poll_job_runs_every_poll_interval(workspace: Workspace) -> None:
    job = nightly(configure(workspace, poll="2m"))
    job.add_jobs()
    trigger = job.scheduler.get_job(POLL_JOB).trigger
    assert isinstance(trigger, IntervalTrigger)
    assert trigger.interval.total_seconds() == 120


def test_without_poll_there_is_no_poll_job(workspace: Workspace) -> None:
    job = NightlySync(load_config(workspace.config), new_scheduler(ZoneInfo("UTC"),
                                                                   BackgroundScheduler))
    job.add_jobs()
    assert job.scheduler.get_job(POLL_JOB) is None


@pytest.mark.parametrize("poll", ["1s", "often", "60"])
def test_a_poll_that_is_too_short_or_no_duration_is_a_config_error(workspace: Workspace,
                                                                   poll: str) -> None:
    with pytest.raises(ConfigError, match="poll"):
        load_config(configure(workspace, poll=poll))


def test_a_minute_poll_costs_about_fifteen_hundred_requests_a_day() -> None:
    assert daily_requests(60) == 1_440 + 24
