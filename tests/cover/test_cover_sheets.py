"""Cover requests on a Google Sheets roster: the row goes in with `values.append` against
the fake Sheets server (real google-auth and gspread over HTTP), retried like any write,
never twice."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Workspace
from tests.cover.helpers import cover
from tests.helpers import people_rows, rotations_rows
from tests.sources.test_sheets_source import (  # the module's fixtures and builders
    EMAIL,
    SHEET_ID,
    google,
    sa_info,
    sheets_workspace,
)
from tests.wire.fakes.base import DROP
from tests.wire.fakes.google import SHEETS_SCOPE, FakeGoogle, google_error

__all__ = ["google", "sa_info"]  # pytest finds the fixtures through this module

HEADER = ["Start", "End", "Engineer", "Cover", "Note"]
ROW = ["2022-09-12", "2022-09-14", "valerybugakov", "sven-larsen", "cover request 1: dentist"]


def sheets_workspace_of(google: FakeGoogle, tmp_path: Path) -> Workspace:
    """The fake's spreadsheet with an Overrides tab; targets and messages stay local."""
    google.sheets.add_spreadsheet(SHEET_ID, "Escalation roster", {
        "Rotations": rotations_rows(), "People": people_rows(),
        "Overrides": [HEADER]}, shared_with=[EMAIL])
    workspace = sheets_workspace(tmp_path, google, overrides_tab="Overrides")
    text = workspace.config.read_text().replace(
        'empty_policy = "keep"', 'empty_policy = "keep"\nannounce_channel = "#oncall"')
    workspace.config.write_text(text + '\n[cover]\nmanagers = ["priya-nair"]\n')
    return workspace


def appends(google: FakeGoogle) -> list[object]:
    return google.calls("POST", r"/values/.*:append$")


def test_take_appends_one_row_with_values_append(google: FakeGoogle, tmp_path: Path) -> None:
    workspace = sheets_workspace_of(google, tmp_path)
    assert cover(workspace, "request", "--engineer", "valerybugakov", "--from", "2022-09-12",
                 "--to", "2022-09-14", "--note", "dentist")[0] == 0

    code, document = cover(workspace, "take", "1", "--by", "sven-larsen", today="2022-09-12")

    assert code == 0, document
    assert google.sheets.values(SHEET_ID, "Overrides") == [HEADER, ROW]
    (call,) = appends(google)
    assert call.query["valueInputOption"] == ["RAW"]
    token = call.headers["authorization"].split()[1]
    assert google.oauth.tokens[token].scopes == {SHEETS_SCOPE}, "the write scope"
    assert workspace.members() == ["keegancsmith", "sven-larsen"]
    assert cover(workspace, "take", "1", "--by", "sven-larsen")[0] == 0
    assert len(appends(google)) == 1, "a repeated take appends nothing"


def test_a_failed_append_is_retried_and_written_once(google: FakeGoogle, tmp_path: Path
                                                     ) -> None:
    workspace = sheets_workspace_of(google, tmp_path)
    cover(workspace, "request", "--engineer", "valerybugakov", "--from", "2022-09-12",
          "--to", "2022-09-14", "--note", "dentist")
    google.fail(r":append$", google_error(503), times=1)
    google.fail(r":append$", DROP, times=1)

    code, document = cover(workspace, "take", "1", "--by", "sven-larsen")

    assert code == 0, document
    assert len(appends(google)) == 3
    assert google.sheets.values(SHEET_ID, "Overrides") == [HEADER, ROW]


def test_an_append_that_keeps_failing_leaves_the_request_open(google: FakeGoogle,
                                                              tmp_path: Path) -> None:
    workspace = sheets_workspace_of(google, tmp_path)
    cover(workspace, "request", "--engineer", "valerybugakov", "--from", "2022-09-12",
          "--to", "2022-09-14")
    google.fail(r":append$", google_error(500), times=100)

    code, document = cover(workspace, "take", "1", "--by", "sven-larsen")

    assert code == 2 and "did not take the Overrides row" in document["error"]
    assert google.sheets.values(SHEET_ID, "Overrides") == [HEADER]
    google.faults.clear()
    code, listed = cover(workspace, "list")
    assert listed["requests"][0]["state"] == "done", "the next command finishes it"
    assert google.sheets.values(SHEET_ID, "Overrides")[1][:4] == ROW[:4]


def test_a_row_the_sheet_states_already_is_not_appended(google: FakeGoogle,
                                                        tmp_path: Path) -> None:
    workspace = sheets_workspace_of(google, tmp_path)
    cover(workspace, "request", "--engineer", "valerybugakov", "--from", "2022-09-12",
          "--to", "2022-09-14")
    typed = [*ROW[:4], "typed by the manager"]
    google.sheets.add_spreadsheet(SHEET_ID, "Escalation roster", {
        "Rotations": rotations_rows(), "People": people_rows(),
        "Overrides": [HEADER, typed]}, shared_with=[EMAIL])

    code, document = cover(workspace, "take", "1", "--by", "sven-larsen")

    assert code == 0 and document["request"]["state"] == "done", document
    assert appends(google) == []
    assert google.sheets.values(SHEET_ID, "Overrides") == [HEADER, typed]


def test_without_an_overrides_tab_exit_2_names_the_key(google: FakeGoogle,
                                                       tmp_path: Path) -> None:
    sheets_workspace_of(google, tmp_path)
    workspace = sheets_workspace(tmp_path / "no-tab", google)
    code, document = cover(workspace, "list")
    assert code == 2 and "[source] overrides_tab" in document["error"]
