"""`propose --write` against the fake Google Sheets: the whole Proposed tab replaced (created
when missing) with at most 2 write requests; the Rotations tab is never written."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import people_rows, rotations_rows
from tests.sources import test_sheets_source as sheets_tests
from tests.sources.test_sheets_source import SHEET_ID, add_roster, sheets_workspace
from tests.wire.fakes.google import SHEETS_SCOPE, FakeGoogle

sa_info = sheets_tests.sa_info  # the fake Google fixtures, shared (google_server: conftest)
google = sheets_tests.google

TODAY = "2022-09-10"


def sheet_writes(google: FakeGoogle) -> list[str]:
    return [r.path for r in google.writes()]


def test_write_creates_the_proposed_tab_in_one_request(tmp_path: Path,
                                                       google: FakeGoogle) -> None:
    add_roster(google, {"Rotations": rotations_rows(), "People": people_rows()})
    workspace = sheets_workspace(tmp_path, google)
    code, document = workspace.run_json("propose", "--today", TODAY, "--write",
                                        "--until", "2022-12-31")
    assert code == 0
    assert sheet_writes(google) == [f"/v4/spreadsheets/{SHEET_ID}:batchUpdate"]
    assert any(SHEETS_SCOPE in token.scopes for token in google.oauth.tokens.values())
    tab = google.sheets.values(SHEET_ID, "Proposed")
    assert tab[0] == ["Start", "End", "Engineers", "Fills", "Reason"]
    assert [row[:2] for row in tab[1:]] == [[p["start"], p["end"]]
                                            for p in document["proposed"]]
    assert tab[1][3] == "4" and tab[1][2].startswith("tbliu98, ")
    assert google.sheets.values(SHEET_ID, "Rotations") == rotations_rows()


def test_write_replaces_every_cell_of_an_existing_tab(tmp_path: Path,
                                                      google: FakeGoogle) -> None:
    old = [["Start", "End", "Engineers", "Fills", "Reason", "Extra"]] + \
        [["x"] * 6 for _ in range(40)]
    add_roster(google, {"Rotations": rotations_rows(), "People": people_rows(),
                        "Proposed": old})
    workspace = sheets_workspace(tmp_path, google)
    code, document = workspace.run_json("propose", "--today", TODAY, "--write",
                                        "--until", "2022-10-01")
    assert code == 0 and len(sheet_writes(google)) <= 2
    tab = google.sheets.values(SHEET_ID, "Proposed")
    assert len(tab) == 1 + len(document["proposed"]) and all(len(row) <= 5 for row in tab)
    assert "x" not in {cell for row in tab for cell in row}


def test_without_write_nothing_is_written(tmp_path: Path, google: FakeGoogle) -> None:
    add_roster(google, {"Rotations": rotations_rows(), "People": people_rows()})
    workspace = sheets_workspace(tmp_path, google)
    assert workspace.run("propose", "--today", TODAY).exit_code == 0
    assert sheet_writes(google) == []


def test_write_refuses_the_rotations_tab(tmp_path: Path, google: FakeGoogle) -> None:
    add_roster(google, {"Rotations": rotations_rows(), "People": people_rows()})
    workspace = sheets_workspace(tmp_path, google)
    workspace.config.write_text(workspace.config.read_text() +
                                '\n[propose]\ntab = "rotations"\n')
    result = workspace.run("propose", "--today", TODAY, "--write")
    assert result.exit_code == 2 and "is a roster tab" in result.output
    assert sheet_writes(google) == []


def test_a_sheet_shared_as_viewer_says_what_write_needs(tmp_path: Path,
                                                        google: FakeGoogle) -> None:
    from tests.wire.fakes.google import google_error

    add_roster(google, {"Rotations": rotations_rows(), "People": people_rows()})
    workspace = sheets_workspace(tmp_path, google)
    google.fail_if(lambda request: request.method == "POST" and
                   request.path.endswith(":batchUpdate"),
                   google_error(403, "PERMISSION_DENIED", "The caller does not have permission"))
    result = workspace.run("propose", "--today", TODAY, "--write")
    assert result.exit_code == 2
    assert "cannot write the 'Proposed' tab" in result.output
    assert "as Editor (needed for rotation-sync propose --write)" in result.output
