"""`status` reads well: every time carries its zone (the config's), and `--max-age` says its
verdict in words, healthy or not, as text and in --json."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.cli.health import ago, verdict
from tests.conftest import Workspace

TODAY = "2022-09-10"
LA = ZoneInfo("America/Los_Angeles")


def finished_at(workspace: Workspace, moment: datetime) -> None:
    db = sqlite3.connect(workspace.folder / "state" / "rotation-sync.sqlite")
    with db:
        db.execute("UPDATE runs SET started = ?, finished = ?",
                   (moment.isoformat(), moment.isoformat()))
    db.close()


def test_times_are_shown_in_the_config_zone_with_its_name(workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    finished_at(workspace, datetime(2022, 9, 10, 9, 5, tzinfo=UTC))
    text = workspace.run("status").stdout
    assert "Started (America/Los_Angeles)" in text
    assert "2022-09-10 02:05:00 PDT" in text, "09:05 UTC in Los Angeles, labelled"


def test_max_age_says_healthy_with_the_last_success(workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    result = workspace.run("status", "--max-age", "26h")
    assert result.exit_code == 0
    line = " ".join(result.stdout.split())
    assert "Healthy: the last successful sync finished" in line and "within --max-age 26h" in line
    assert workspace.run_json("status", "--max-age", "26h")[1]["verdict"].startswith("Healthy")


def test_max_age_says_unhealthy_with_the_age(workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    finished_at(workspace, datetime.now(UTC) - timedelta(hours=30))
    result = workspace.run("status", "--max-age", "26h")
    assert result.exit_code == 1
    line = " ".join(result.stdout.split())
    assert "Unhealthy: No successful sync since" in line and "(30 h ago)" in line
    assert "older than --max-age 26h" in line
    assert "status --max-age" not in workspace.run("status").stdout, "no verdict unasked"


def test_a_store_that_never_synced_is_unhealthy_in_words() -> None:
    healthy, said = verdict(None, datetime.now(UTC), timedelta(hours=1), "1h", LA)
    assert not healthy and said == "Unhealthy: No successful sync ever (--max-age 1h)."


def test_ages_read_as_people_say_them() -> None:
    assert [ago(timedelta(minutes=m)) for m in (5, 60, 95, 60 * 50)] == [
        "5 min ago", "1 h ago", "1 h 35 min ago", "2 days ago"]
