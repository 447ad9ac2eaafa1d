"""The poll sees edits, not recalculation (issue 23, point 3): a roster with =NOW(), =RAND()
and =TODAY() cells, against the fake Sheets that recalculates them on every read, polls
idle at one request a poll, and its own status-tab writes never look like an edit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.run.scheduler import NightlySync
from tests.conftest import Workspace
from tests.helpers import people_rows, rotations_rows
from tests.run.test_poll import SHEET_ID, SHEETS_SOURCE, configure, google, nightly
from tests.wire.fakes.google import FakeGoogle, Volatile

__all__ = ["google"]  # the fixture, shared with the poll's own tests


@pytest.fixture
def volatile(google: FakeGoogle) -> FakeGoogle:
    rows: list[list[object]] = [[*row, "Checked"] for row in rotations_rows()]
    for row, formula in zip(rows[1:], ["=NOW()", "=RAND()", "=TODAY()"], strict=False):
        row[-1] = Volatile(formula)
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": rows,
                                                       "People": people_rows()})
    return google


@pytest.fixture
def job(workspace: Workspace, volatile: FakeGoogle) -> Iterator[NightlySync]:
    config: Path = configure(workspace, SHEETS_SOURCE.format(sheet=SHEET_ID,
                                                             base=volatile.base_url))
    scheduled = nightly(config)
    scheduled.run("start")
    yield scheduled


def reads(google: FakeGoogle) -> list[str]:
    return [request.query.get("valueRenderOption", [""])[0] for request in google.requests
            if request.path.endswith("values:batchGet")]


def test_the_fake_recalculates_volatile_cells_on_every_read(volatile: FakeGoogle) -> None:
    sheet = volatile.sheets.spreadsheets[SHEET_ID]
    first = sheet.tabs[0].cell(1, 3)
    assert isinstance(first, Volatile)
    assert first.value() != first.value()


def test_a_roster_with_volatile_cells_polls_idle_at_one_request_a_poll(
        job: NightlySync, volatile: FakeGoogle) -> None:
    verdicts = [job.poller.tick() for _ in range(2)]  # the first poll checks the values once
    assert verdicts[-1] in ("unchanged", "synced")
    volatile.reset_log()
    assert [job.poller.tick() for _ in range(5)] == ["unchanged"] * 5
    assert reads(volatile) == ["FORMULA"] * 5
    assert len(volatile.requests) == 5 and volatile.writes() == []


def test_the_tools_own_writes_never_count_and_edits_still_do(job: NightlySync,
                                                             volatile: FakeGoogle,
                                                             workspace: Workspace) -> None:
    for _ in range(2):
        job.poller.tick()
    job.run("cron")  # rewrites the status tab: the sheet recalculates
    assert job.poller.tick() == "unchanged"
    volatile.reset_log()
    assert job.poller.tick() == "unchanged" and len(volatile.requests) == 1
    with volatile.lock:
        volatile.sheets.spreadsheets[SHEET_ID].tabs[0].set_cell(2, 2, "keegancsmith, sven-larsen")
    assert job.poller.tick() == "settling"
    assert job.poller.tick() == "synced"
    assert "Sven Larsen" in (workspace.folder / "out" / "rotations.ics").read_text()
    volatile.reset_log()
    assert [job.poller.tick() for _ in range(3)] == ["unchanged"] * 3
    assert len(volatile.requests) == 3
