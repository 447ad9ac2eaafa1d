"""Findings as notes on their cells, and the protected status tab, against the fake Sheets'
note and protection storage over real HTTP (`rotation-sync sync` end to end)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Workspace
from tests.helpers import people_rows, rotations_rows
from tests.wire.fakes.google import FakeGoogle, make_service_account

SHEET_ID = "1NotedRosterSheet"
EMAIL = "rotation-sync@notes-project.iam.gserviceaccount.com"
SOURCE = """[source]
kind = "google_sheets"
spreadsheet_id = "{sheet}"
sheets_endpoint = "{base}"
{extra}
"""
BATCH_UPDATE = rf"^/v4/spreadsheets/{SHEET_ID}:batchUpdate$"
METADATA = rf"^/v4/spreadsheets/{SHEET_ID}$"


@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        key = tmp_path / "service-account.json"
        key.write_text(json.dumps(make_service_account(server, client_email=EMAIL)))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        rows = rotations_rows()
        rows[2][1] = "2022-09-01"  # End before Start on row 3
        server.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": rows,
                                                           "People": people_rows()})
        yield server


def configure(workspace: Workspace, google: FakeGoogle, extra: str) -> None:
    text = workspace.config.read_text()
    head, _, rest = text.partition("[source]")
    source = SOURCE.format(sheet=SHEET_ID, base=google.base_url, extra=extra)
    workspace.config.write_text(head + source + rest[rest.index("\n[calendar]"):])


def sync(workspace: Workspace) -> int:
    return int(workspace.run("sync", "--today", "2022-09-10").exit_code)


def set_end(google: FakeGoogle, text: str) -> None:
    with google.lock:
        google.sheets.spreadsheets[SHEET_ID].tabs[0].set_cell(2, 1, text)


@pytest.fixture
def noted(workspace: Workspace, google: FakeGoogle) -> Workspace:
    configure(workspace, google, "cell_notes = true")
    google.sheets.set_note(SHEET_ID, "Rotations", "A2", "Keegan asked to swap")
    return workspace


def test_a_finding_is_a_note_on_its_cell_and_human_notes_are_kept(noted: Workspace,
                                                                  google: FakeGoogle) -> None:
    assert sync(noted) == 1
    notes = google.sheets.notes(SHEET_ID, "Rotations")
    assert notes["A2"] == "Keegan asked to swap"
    assert notes["B3"] == "rotation-sync: End 2022-09-01 is before Start 2022-09-07."
    assert len(google.calls("POST", BATCH_UPDATE)) == 1


def test_a_run_with_the_same_findings_makes_no_notes_request(noted: Workspace,
                                                             google: FakeGoogle) -> None:
    sync(noted)
    google.reset_log()
    assert sync(noted) == 1
    assert google.calls(None, BATCH_UPDATE) == [] and google.calls(None, METADATA) == []
    assert [r.path for r in google.requests if r.path != "/token"] == \
        [f"/v4/spreadsheets/{SHEET_ID}/values:batchGet"]


def test_our_note_is_cleared_when_the_cell_is_fixed(noted: Workspace,
                                                   google: FakeGoogle) -> None:
    sync(noted)
    set_end(google, "2022-10-09")
    google.reset_log()
    assert sync(noted) == 0
    notes = google.sheets.notes(SHEET_ID, "Rotations")
    assert "B3" not in notes and notes["A2"] == "Keegan asked to swap"
    assert all(text.startswith("rotation-sync: ") for cell, text in notes.items() if cell != "A2")
    assert len(google.calls("POST", BATCH_UPDATE)) == 1


def test_a_person_s_note_on_a_bad_cell_is_never_replaced(noted: Workspace,
                                                         google: FakeGoogle) -> None:
    google.sheets.set_note(SHEET_ID, "Rotations", "B3", "checking with Bolaji")
    assert sync(noted) == 1
    assert google.sheets.notes(SHEET_ID, "Rotations")["B3"] == "checking with Bolaji"


def test_a_person_s_note_that_starts_like_ours_is_never_cleared(noted: Workspace,
                                                                 google: FakeGoogle) -> None:
    google.sheets.set_note(SHEET_ID, "People", "C4", "rotation-sync: please ignore Kenji")
    sync(noted)
    assert google.sheets.notes(SHEET_ID, "People")["C4"] == "rotation-sync: please ignore Kenji"


def test_a_note_of_ours_that_a_person_edited_is_theirs(noted: Workspace,
                                                       google: FakeGoogle) -> None:
    sync(noted)
    edited = "rotation-sync: End 2022-09-01 is before Start 2022-09-07. Fixing it - Ana"
    google.sheets.set_note(SHEET_ID, "Rotations", "B3", edited)
    set_end(google, "2022-10-09")
    sync(noted)
    assert google.sheets.notes(SHEET_ID, "Rotations")["B3"] == edited


def test_notes_off_writes_no_note(workspace: Workspace, google: FakeGoogle) -> None:
    configure(workspace, google, "")
    assert sync(workspace) == 1
    assert google.sheets.notes(SHEET_ID, "Rotations") == {}
    assert google.writes() == []


# -- the protected status tab ------------------------------------------------------------
@pytest.fixture
def protected(workspace: Workspace, google: FakeGoogle) -> Workspace:
    configure(workspace, google, 'status_tab = "Sync status"\nprotect_status_tab = true')
    set_end(google, "2022-10-09")
    return workspace


def test_the_status_tab_is_protected_for_the_service_account_only(protected: Workspace,
                                                                  google: FakeGoogle) -> None:
    assert sync(protected) == 0
    ranges = google.sheets.protected_ranges(SHEET_ID, "Sync status")
    assert len(ranges) == 1
    assert ranges[0]["editors"]["users"] == [EMAIL]
    assert not ranges[0].get("warningOnly")


@pytest.mark.parametrize(("tab", "rows"), [("Sync status", (0, 1)), ("Rotations", None)])
def test_another_protection_does_not_count_as_the_status_tabs(
        workspace: Workspace, google: FakeGoogle, tab: str, rows: tuple[int, int] | None
        ) -> None:
    set_end(google, "2022-10-09")
    configure(workspace, google, 'status_tab = "Sync status"')
    sync(workspace)  # the status tab exists now, unprotected
    google.sheets.protect(SHEET_ID, tab, [EMAIL, "ana@example.com"], rows=rows)
    configure(workspace, google, 'status_tab = "Sync status"\nprotect_status_tab = true')
    sync(workspace)
    whole = [p for p in google.sheets.protected_ranges(SHEET_ID, "Sync status")
             if set(p["range"]) == {"sheetId"}]
    assert [p["editors"]["users"] for p in whole] == [[EMAIL]]


def test_the_protection_is_added_once(protected: Workspace, google: FakeGoogle) -> None:
    sync(protected)
    google.reset_log()
    sync(protected)
    assert google.calls(None, METADATA) == []
    assert google.calls("POST", BATCH_UPDATE) == []
    assert len(google.sheets.protected_ranges(SHEET_ID, "Sync status")) == 1


def test_a_tab_already_protected_is_left_as_it_is(protected: Workspace,
                                                  google: FakeGoogle) -> None:
    sync(protected)  # creates the tab
    google.sheets.spreadsheets[SHEET_ID].protected_ranges.clear()
    google.sheets.protect(SHEET_ID, "Sync status", [EMAIL, "manager@example.com"])
    (protected.folder / "state" / "rotation-sync.sqlite").unlink()  # forget it was done
    sync(protected)
    ranges = google.sheets.protected_ranges(SHEET_ID, "Sync status")
    assert [r["editors"]["users"] for r in ranges] == [[EMAIL, "manager@example.com"]]
