"""End to end through the command line on the local backends."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sync.run.state import StateStore
from tests.conftest import Workspace, make_workspace
from tests.helpers import CEILING, rotations_rows, to_csv

TODAY = "2022-09-10"


def test_validate_prints_findings(workspace: Workspace) -> None:
    result = workspace.run("validate", "--today", TODAY)
    assert result.exit_code == 0
    assert "engineer-count" not in result.stdout  # the human table shows messages, not codes
    assert "2022-09-07 to 2022-10-09 has 2 engineer slots" in result.stdout
    assert "2022-08-10 to 2022-09-06" not in result.stdout  # ended before today: no warning


def test_json_shape(workspace: Workspace) -> None:
    code, document = workspace.run_json("plan", "--today", TODAY)
    assert code == 0
    assert document["exit_code"] == 0
    finding = document["findings"][0]
    assert set(finding) >= {"severity", "code", "tab", "row", "column", "message"}
    assert set(document["targets"]) == {"calendar", "slack", "handbook"}
    _, validated = workspace.run_json("validate", "--today", TODAY)
    assert validated["targets"]["calendar"] == {"status": "skipped", "error": None,
                                                "changes": [], "notes": []}
    calendar = document["targets"]["calendar"]
    assert calendar["status"] == "ok" and calendar["error"] is None
    assert calendar["changes"][0] == {"action": "create", "key": "2022-08-10",
                                      "summary": calendar["changes"][0]["summary"]}


def test_plan_writes_nothing(workspace: Workspace) -> None:
    before = workspace.snapshot()
    code, document = workspace.run_json("plan", "--today", TODAY)
    assert code == 0
    assert len(document["targets"]["calendar"]["changes"]) == 3
    assert workspace.snapshot() == before
    code, _ = workspace.run_json("sync", "--today", TODAY, "--dry-run")
    assert workspace.snapshot() == before


def test_sync_then_a_second_sync_changes_and_writes_nothing(workspace: Workspace) -> None:
    code, first = workspace.run_json("sync", "--today", TODAY)
    assert code == 0
    assert len(first["targets"]["calendar"]["changes"]) == 3
    assert first["targets"]["slack"]["changes"][0]["action"] == "create"
    assert first["targets"]["handbook"]["changes"] == []  # the page already says it
    written = workspace.snapshot()
    code, second = workspace.run_json("sync", "--today", TODAY)
    assert code == 0
    assert [second["targets"][t]["changes"] for t in second["targets"]] == [[], [], []]
    assert workspace.snapshot() == written, "a no-op run does not even rewrite the files"


def test_the_group_follows_the_handoff(workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    assert {m["handle"] for m in workspace.slack_group()["members"]} == {"keegancsmith",
                                                                         "valerybugakov"}
    workspace.run("sync", "--today", "2022-10-10")
    assert [m["handle"] for m in workspace.slack_group()["members"]] == ["tbliu98"]


@pytest.mark.parametrize(("policy", "enabled", "members"), [
    ("keep", True, ["keegancsmith", "valerybugakov"]),
    ("disable", False, ["keegancsmith", "valerybugakov"]),
    ("fallback", True, ["priya-nair"]),
])
def test_the_group_is_never_emptied(tmp_path: Path, policy: str, enabled: bool,
                                    members: list[str]) -> None:
    workspace = make_workspace(tmp_path, policy)
    workspace.run("sync", "--today", TODAY)
    code, document = workspace.run_json("sync", "--today", "2023-03-01")  # nobody on rotation
    assert code == 0
    group = workspace.slack_group()
    assert group["enabled"] is enabled
    assert sorted(m["handle"] for m in group["members"]) == members
    assert any(f"empty_policy = {policy}" in note
               for note in document["targets"]["slack"]["notes"])
    human = workspace.run("sync", "--today", "2023-03-01")
    assert f"empty_policy = {policy}" in human.stdout


def test_disabled_group_is_enabled_at_the_next_handoff(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, "disable")
    workspace.run("sync", "--today", "2022-08-01")
    assert workspace.slack_group() if (tmp_path / "out/slack-usergroup.json").exists() else True
    workspace.run("sync", "--today", "2022-08-10")
    assert workspace.slack_group()["enabled"] is True


def test_roster_change_updates_and_deletes(workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    rows = rotations_rows([("2022-08-10", "2022-09-06", ["keegancsmith", "tbliu98"]),
                           ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"])])
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 0
    actions = [(c["action"], c["key"]) for c in document["targets"]["calendar"]["changes"]]
    assert actions == [("update", "2022-08-10"), ("delete", "2022-10-10")]
    assert "2022-10-10" not in (workspace.folder / "handbook/page.md").read_text()


def test_mass_delete_is_refused_unless_forced(workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    snapshot = workspace.snapshot()
    rows = rotations_rows([("2022-11-08", "2022-12-05", ["keegancsmith", "tbliu98"])])
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 1
    assert "mass-delete" in {f["code"] for f in document["findings"]}
    assert workspace.snapshot() == snapshot, "refused before any write"
    code, document = workspace.run_json("sync", "--today", TODAY, "--force-delete")
    assert code == 0
    assert "2022-08-10" not in (workspace.folder / "handbook/page.md").read_text()


def test_only_limits_the_targets(workspace: Workspace) -> None:
    code, document = workspace.run_json("sync", "--today", TODAY, "--only", "calendar")
    assert code == 0
    assert document["targets"]["slack"]["status"] == "skipped"
    assert (workspace.folder / "out/rotations.ics").exists()
    assert not (workspace.folder / "out/slack-usergroup.json").exists()


def test_a_failing_target_does_not_stop_the_others(workspace: Workspace) -> None:
    (workspace.folder / "handbook/page.md").write_text("# No table here\n")
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 3
    assert document["targets"]["handbook"]["status"] == "failed"
    assert "no table" in document["targets"]["handbook"]["error"]
    assert (workspace.folder / "handbook/page.md").read_text() == "# No table here\n"
    assert (workspace.folder / "out/rotations.ics").exists()
    assert workspace.slack_group()["members"]


@pytest.mark.parametrize(("args", "needle"), [
    (["sync", "--today", "10/09/2022"], "YYYY-MM-DD"),
    (["sync", "--only", "email"], "calendar"),
    (["sync", "--bogus"], "No such option"),
])
def test_usage_errors_exit_2(workspace: Workspace, args: list[str], needle: str) -> None:
    result = workspace.run(*args)
    assert result.exit_code == 2
    assert needle in result.output


@pytest.mark.parametrize(("config", "needle"), [
    ("timezone = 'Mars/Base'\n[source]\nkind='csv'\nrotations='r'\npeople='p'\n", "timezone"),
    ("[source]\nkind='csv'\nrotations='r'\npeople='p'\ncolour='red'\n", "source.colour"),
    ("[source]\nkind='csv'\nrotations='r'\npeople='p'\n[calendar]\nkind='ics'\npath='x'\n"
     "attendees='maybe'\n", "calendar.attendees"),
    ("[source]\nkind='csv'\nrotations='missing.csv'\npeople='p'\n", "missing.csv"),
    ("this is not toml", "cannot be read"),
])
def test_config_errors_exit_2_naming_the_key(tmp_path: Path, config: str, needle: str) -> None:
    (tmp_path / "c.toml").write_text(config)
    workspace = Workspace(tmp_path)
    result = workspace.run("validate", "-c", str(tmp_path / "c.toml"), "--json")
    assert result.exit_code == 2
    assert needle in json.loads(result.stdout)["error"]


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = Workspace(tmp_path).run("validate")
    assert result.exit_code == 2
    assert "not found" in result.output


def test_config_from_the_environment(workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
                                     tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sync.cli.commands import app

    monkeypatch.setenv("ROTATION_SYNC_CONFIG", str(workspace.config))
    monkeypatch.chdir(tmp_path.parent)
    assert CliRunner().invoke(app, ["validate", "--today", TODAY]).exit_code == 0


def test_status_lists_runs_and_checks_age(workspace: Workspace) -> None:
    assert workspace.run("status", "--max-age", "26h").exit_code == 1  # never synced
    workspace.run("sync", "--today", TODAY)
    result = workspace.run("status", "--json")
    document = json.loads(result.stdout)
    assert result.exit_code == 0
    assert document["runs"][0]["outcome"] == "ok"
    assert document["runs"][0]["changes"]["calendar"] == 3
    assert workspace.run("status", "--max-age", "90m").exit_code == 0
    db = sqlite3.connect(workspace.folder / "state" / "rotation-sync.sqlite")
    with db:
        db.execute("UPDATE runs SET finished = '2000-01-01T00:00:00+00:00'")
    assert workspace.run("status", "--max-age", "2d").exit_code == 1
    assert workspace.run("status", "--max-age", "soon").exit_code == 2


def test_invalid_runs_are_recorded(workspace: Workspace) -> None:
    (workspace.folder / "roster" / "rotations.csv").write_text("Start,End,Engineers\nx,y,z\n")
    assert workspace.run("sync").exit_code == 1
    runs = StateStore(workspace.folder / "state").runs()
    assert runs[0].outcome == "invalid roster"
    assert runs[0].findings[0]["code"] == "bad-date"


def test_a_second_run_exits_2_while_the_first_holds_the_lock(workspace: Workspace) -> None:
    store = StateStore(workspace.folder / "state")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.lock():
            holding.set()
            release.wait(CEILING)  # released by the test once the second run has answered

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(CEILING)
    try:
        result = subprocess.run([sys.executable, "-m", "sync", "sync", "-c",
                                 str(workspace.config)], capture_output=True, text=True,
                                timeout=CEILING)
    finally:
        release.set()
        thread.join()
    assert result.returncode == 2
    assert "Another rotation-sync run is in progress" in result.stderr + result.stdout
    assert not (workspace.folder / "out").exists()


def test_python_dash_m_and_the_example_config(tmp_path: Path) -> None:
    import shutil

    root = Path(__file__).parent.parent.parent / "config"
    shutil.copytree(root, tmp_path / "config",
                    ignore=shutil.ignore_patterns("out", "state", "*.sqlite"))
    command = [sys.executable, "-m", "sync", "sync", "-c", str(tmp_path / "config" /
                                                                "example.toml"), "--json"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=CEILING)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["targets"]["slack"]["changes"]
    # the tracked page already holds the sample roster's table: `make run` leaves git clean
    assert json.loads(first.stdout)["targets"]["handbook"]["changes"] == []
    page = "handbook/escalation-engineer-rotation.md"
    assert (tmp_path / "config" / page).read_bytes() == (root / page).read_bytes()
    second = subprocess.run(command, capture_output=True, text=True, timeout=CEILING)
    changes = {name: t["changes"] for name, t in json.loads(second.stdout)["targets"].items()}
    assert changes == {"calendar": [], "slack": [], "handbook": [], "page": []}


def test_moving_the_only_rotation_is_not_a_mass_delete(workspace: Workspace) -> None:
    rows = rotations_rows([("2022-08-10", "2022-09-06", ["keegancsmith", "tbliu98"])])
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    workspace.run("sync", "--today", TODAY)
    rows = rotations_rows([("2022-08-11", "2022-09-06", ["keegancsmith", "tbliu98"])])
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 0
    changes = document["targets"]["calendar"]["changes"]
    assert [(c["action"], c["key"]) for c in changes] == [("delete", "2022-08-10"),
                                                          ("create", "2022-08-11")]


def test_a_bad_people_cell_is_one_finding_through_the_cli(workspace: Workspace) -> None:
    people = (workspace.folder / "roster" / "people.csv").read_text()
    (workspace.folder / "roster" / "people.csv").write_text(
        people.replace("Europe/Berlin", "Europe/Berln"))
    code, document = workspace.run_json("validate", "--today", TODAY)
    assert code == 1
    assert [(f["code"], f["tab"], f["row"]) for f in document["findings"]
            if f["severity"] == "error"] == [("unknown-timezone", "People", 4)]
    assert not any("valerybugakov" in f["message"] for f in document["findings"])
