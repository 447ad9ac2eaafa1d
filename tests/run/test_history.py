"""Run history: what `status` shows, the health check, pruning, and one run at a time."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from sync.run.state import StateStore
from tests.conftest import Workspace
from tests.helpers import CEILING

TODAY = "2022-09-10"


def age_runs(workspace: Workspace, hours: dict[int, float]) -> None:
    """Pretend run `id` finished `hours` ago."""
    db = sqlite3.connect(workspace.folder / "state" / "rotation-sync.sqlite")
    with db:
        for run_id, ago in hours.items():
            finished = (datetime.now(UTC) - timedelta(hours=ago)).isoformat()
            db.execute("UPDATE runs SET started = ?, finished = ? WHERE id = ?",
                       (finished, finished, run_id))
    db.close()


def test_status_shows_duration_outcome_changes_per_target_and_findings(
        workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    (workspace.folder / "handbook/page.md").write_text("# No table here\n")
    workspace.run("sync", "--today", TODAY)
    human = workspace.run("status").stdout
    assert "target failed" in human and "calendar 0, slack 0, handbook failed" in human
    assert "calendar 3, slack 1, handbook 0" in human  # the page already says it
    assert "0 error(s), 2 warning(s)" in human  # the rotation that ended is quiet
    code, document = workspace.run_json("status")
    assert code == 0
    failed, ok = document["runs"]
    assert failed["outcome"] == "target failed" and failed["exit_code"] == 3
    assert failed["targets"]["handbook"]["status"] == "failed"
    assert ok["changes"] == {"calendar": 3, "slack": 1, "handbook": 0}
    assert 0 <= ok["seconds"] < 30 and ok["findings"][0]["code"]
    assert document["last_success"] == ok["finished"]


def test_max_age_looks_at_the_last_successful_run_not_the_last_run(
        workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    (workspace.folder / "handbook/page.md").write_text("# No table here\n")
    workspace.run("sync", "--today", TODAY)
    age_runs(workspace, {1: 5, 2: 0})
    assert workspace.run("status", "--max-age", "6h").exit_code == 0
    result = workspace.run("status", "--max-age", "4h")
    assert result.exit_code == 1
    assert "No successful sync since" in result.stdout
    code, document = workspace.run_json("status", "--max-age", "4h")
    assert (code, document["healthy"]) == (1, False)


def test_old_runs_are_pruned_beyond_keep_runs(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text() + "\n[history]\nkeep_runs = 2\n")
    for _ in range(4):
        assert workspace.run("sync", "--today", TODAY).exit_code == 0
    runs = StateStore(workspace.folder / "state").runs(limit=10)
    assert [run.id for run in runs] == [4, 3]


def test_keep_runs_must_be_positive(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text() + "\n[history]\nkeep_runs = 0\n")
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 2 and "history.keep_runs" in document["error"]


def test_history_written_before_notices_existed_still_opens(workspace: Workspace) -> None:
    state = workspace.folder / "state"
    state.mkdir()
    db = sqlite3.connect(state / "rotation-sync.sqlite")
    with db:
        db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT "
                   "NOT NULL, finished TEXT NOT NULL, command TEXT NOT NULL, exit_code "
                   "INTEGER NOT NULL, outcome TEXT NOT NULL, changes TEXT NOT NULL, findings "
                   "TEXT NOT NULL, targets TEXT NOT NULL)")
        db.execute("INSERT INTO runs (started, finished, command, exit_code, outcome, changes,"
                   " findings, targets) VALUES ('2022-01-01T00:00:00+00:00', "
                   "'2022-01-01T00:00:01+00:00', 'sync', 0, 'ok', '{}', '[]', '{}')")
    db.close()
    assert workspace.run("sync", "--today", TODAY).exit_code == 0
    assert [run.notice for run in StateStore(state).runs()] == [None, None]


def test_two_sync_processes_never_overlap(workspace: Workspace) -> None:
    """Two real `rotation-sync sync` processes: the first is held inside the lock (its roster
    is a FIFO nobody writes yet); the second exits 2 at once; then the first completes."""
    rotations = workspace.folder / "roster" / "rotations.csv"
    text = rotations.read_text()
    rotations.unlink()
    os.mkfifo(rotations)
    command = [sys.executable, "-m", "sync", "sync", "-c", str(workspace.config), "--json"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = workspace.folder / "state" / "rotation-sync.lock"
        deadline = time.monotonic() + CEILING
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        second = subprocess.run(command, capture_output=True, text=True, timeout=CEILING)
        assert second.returncode == 2
        assert "Another rotation-sync run is in progress" in json.loads(second.stdout)["error"]
        assert first.poll() is None, "the first run is still inside the lock"
        rotations.write_text(text)
        out, _ = first.communicate(timeout=CEILING)
    finally:
        first.kill()
    assert first.returncode == 0
    assert json.loads(out)["exit_code"] == 0
    assert [run.outcome for run in StateStore(workspace.folder / "state").runs()] == ["ok"]

