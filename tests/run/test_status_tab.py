"""`[source] status_tab`: every sync writes its outcome where managers look, even when the
roster is invalid; nothing else is written then, and `plan` writes nothing at all."""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import unquote

from tests.conftest import Workspace, make_workspace
from tests.sources import test_sheets_source as sheets_tests
from tests.sources.test_sheets_source import SHEET_ID, add_roster, sheets_workspace
from tests.wire.fakes.google import FakeGoogle

sa_info = sheets_tests.sa_info  # the fake Google fixtures, shared (google_server: conftest)
google = sheets_tests.google

TODAY = "2022-09-10"
BROKEN = "Start,End,Engineers\n2022-08-10,2022-08-01,tbliu98\n"


def with_status_tab(workspace: Workspace) -> Workspace:
    text = workspace.config.read_text()
    workspace.config.write_text(text.replace('people = "roster/people.csv"\n',
                                             'people = "roster/people.csv"\n'
                                             'status_tab = "Sync status"\n'))
    return workspace


def status_csv(workspace: Workspace) -> list[list[str]]:
    path = workspace.folder / "roster" / "sync-status.csv"
    return list(csv.reader(path.read_text().splitlines()))


def test_csv_status_file_tells_outcome_and_changes(tmp_path: Path) -> None:
    workspace = with_status_tab(make_workspace(tmp_path))
    assert workspace.run("sync", "--today", TODAY).exit_code == 0
    rows = status_csv(workspace)
    assert ["Outcome", "ok (exit 0)"] in rows
    assert any(r[:4] == ["", "", "create", "2022-08-10"] for r in rows)
    assert any(r[:2] == ["calendar", "ok"] for r in rows)


def test_an_invalid_roster_writes_its_findings_to_the_status_file_and_nothing_else(
        tmp_path: Path) -> None:
    workspace = with_status_tab(make_workspace(tmp_path))
    workspace.run("sync", "--today", TODAY)
    before = workspace.snapshot()
    (workspace.folder / "roster" / "rotations.csv").write_text(BROKEN)
    assert workspace.run("sync", "--today", TODAY).exit_code == 1
    rows = status_csv(workspace)
    assert ["Outcome", "invalid roster (exit 1)"] in rows
    assert any(r[:4] == ["error", "Rotations", "2", "End"] and "before Start" in r[4]
               for r in rows)
    assert workspace.snapshot() == before


def test_plan_does_not_write_the_status_file(tmp_path: Path) -> None:
    workspace = with_status_tab(make_workspace(tmp_path))
    assert workspace.run("plan", "--today", TODAY).exit_code == 0
    assert not (workspace.folder / "roster" / "sync-status.csv").exists()


def test_sheets_status_tab_is_the_only_write_of_an_invalid_run(tmp_path: Path,
                                                               google: FakeGoogle) -> None:
    rows = [["Start", "End", "Engineers"], ["2022-08-10", "#REF!", "tbliu98"]]
    from tests.helpers import people_rows

    add_roster(google, {"Rotations": rows, "People": people_rows()})
    workspace = sheets_workspace(tmp_path, google, status_tab="Sync status")
    before = workspace.snapshot()
    assert workspace.run("sync", "--today", TODAY).exit_code == 1
    status = google.sheets.values(SHEET_ID, "Sync status")
    assert ["Outcome", "invalid roster (exit 1)"] in status
    assert any(str(row[0]) == "error" and "#REF!" in str(row[4]) for row in status if row)
    assert all("Sync status" in unquote(r.path) or r.path.endswith(f"{SHEET_ID}:batchUpdate")
               for r in google.writes())
    assert workspace.snapshot() == before


def test_sheets_noop_run_rewrites_only_the_status_tab(tmp_path: Path,
                                                      google: FakeGoogle) -> None:
    add_roster(google)
    workspace = sheets_workspace(tmp_path, google, status_tab="Sync status")
    assert workspace.run("sync", "--today", TODAY).exit_code == 0
    written = workspace.snapshot()
    google.reset_log()
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 0
    assert all(not t["changes"] for t in document["targets"].values())
    assert workspace.snapshot() == written
    assert google.writes()
    assert all("Sync status" in unquote(r.path) for r in google.writes())


def target_lines(workspace: Workspace) -> dict[str, list[str]]:
    names = ("calendar", "slack", "handbook")
    return {row[0]: row for row in status_csv(workspace) if row and row[0] in names}


def test_targets_of_an_invalid_run_say_skipped_roster_invalid(tmp_path: Path) -> None:
    workspace = with_status_tab(make_workspace(tmp_path))
    (workspace.folder / "roster" / "rotations.csv").write_text(BROKEN)
    assert workspace.run("sync", "--today", TODAY).exit_code == 1
    lines = target_lines(workspace)
    assert set(lines) == {"calendar", "slack", "handbook"}
    for line in lines.values():
        assert line[1:] == ["skipped", "", "", "skipped: roster invalid"]
    assert "in sync" not in str(status_csv(workspace))


def test_targets_of_a_refused_run_say_refused(tmp_path: Path) -> None:
    from tests.helpers import rotations_rows, to_csv

    workspace = with_status_tab(make_workspace(tmp_path))
    assert workspace.run("sync", "--today", TODAY).exit_code == 0
    rows = rotations_rows([("2022-11-08", "2022-12-05", ["keegancsmith", "tbliu98"])])
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    assert workspace.run("sync", "--today", TODAY).exit_code == 1
    lines = target_lines(workspace)
    assert lines["calendar"][4] == "refused (mass delete): nothing was written"
    assert all(line[4].startswith("refused (mass delete)") for line in lines.values())
    assert "in sync" not in str(status_csv(workspace))


def test_targets_left_out_by_only_are_not_in_sync(tmp_path: Path) -> None:
    workspace = with_status_tab(make_workspace(tmp_path))
    assert workspace.run("sync", "--today", TODAY, "--only", "calendar").exit_code == 0
    lines = target_lines(workspace)
    assert lines["slack"][4] == "skipped: not selected (--only)"
    assert lines["calendar"][4] == "3 change(s)"


def test_target_notes_appear_in_the_status_tab(tmp_path: Path) -> None:
    workspace = with_status_tab(make_workspace(tmp_path))
    assert workspace.run("sync", "--today", "2023-06-01").exit_code == 0  # nobody on call
    notes = [row for row in status_csv(workspace) if row[2:3] == ["note"]]
    assert any("empty_policy = keep" in row[4] for row in notes), status_csv(workspace)
