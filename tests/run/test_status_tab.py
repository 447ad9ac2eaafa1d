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

server = sheets_tests.server  # the fake Google fixtures, shared
sa_info = sheets_tests.sa_info
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
