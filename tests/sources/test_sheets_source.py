"""The Google Sheets source, driven through the real google-auth and gspread over real HTTP
against the fake Google on 127.0.0.1 (a generated service-account key really authenticates).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

import sync.clients.retry
from sync.clients.retry import DEFAULT_POLICY
from sync.core.rules.validate import validate
from sync.errors import ConfigError, SourceError
from sync.sources.sheets import TIMEOUT, SheetsSource
from tests.conftest import Workspace, make_workspace
from tests.helpers import SAMPLE_ROTATIONS, make_clock, people_rows, rotations_rows
from tests.wire.fakes.base import DROP, Response
from tests.wire.fakes.google import (
    SHEETS_READONLY_SCOPE,
    SHEETS_SCOPE,
    FakeGoogle,
    SheetError,
    google_error,
    make_service_account,
    sheets_rate_limited,
)

SHEET_ID = "1RosterSheetId"
EMAIL = "rotation-sync@test-project.iam.gserviceaccount.com"
CSV_SOURCE = """[source]
kind = "csv"
rotations = "roster/rotations.csv"
people = "roster/people.csv"
"""


@pytest.fixture(scope="module")
def sa_info(google_server: FakeGoogle) -> dict[str, str]:
    return make_service_account(google_server, client_email=EMAIL)


@pytest.fixture
def google(google_server: FakeGoogle, sa_info: dict[str, str], tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    """The module's google_server with the key in GOOGLE_APPLICATION_CREDENTIALS; clean per test."""
    key = tmp_path / "service-account.json"
    key.write_text(json.dumps(sa_info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    yield google_server
    google_server.reset()


def rotation_cells() -> list[list[Any]]:
    """The sample rotations with some dates as real date cells and some as text."""
    rows: list[list[Any]] = [list(row) for row in rotations_rows()]
    rows[1][0] = date.fromisoformat(rows[1][0])
    rows[2][1] = date.fromisoformat(rows[2][1])
    return rows


def add_roster(google: FakeGoogle, tabs: dict[str, Any] | None = None,
               shared_with: list[str] | None = None) -> None:
    google.sheets.add_spreadsheet(
        SHEET_ID, "Escalation roster",
        tabs or {"Rotations": rotation_cells(), "People": people_rows()},
        shared_with=[EMAIL] if shared_with is None else shared_with)


def source(google: FakeGoogle, **options: Any) -> SheetsSource:
    return SheetsSource(options.pop("spreadsheet_id", SHEET_ID), endpoint=google.base_url,
                        **options)


def sheets_calls(google: FakeGoogle, pattern: str = "") -> list[Any]:
    return google.calls(path_pattern=r"^/v4/spreadsheets/.*" + pattern)


def sheets_workspace(folder: Path, google: FakeGoogle, **source: str) -> Workspace:
    """A workspace whose roster is the fake's spreadsheet; targets stay local files."""
    workspace = make_workspace(folder)
    lines = {"kind": "google_sheets", "spreadsheet_id": SHEET_ID,
             "sheets_endpoint": google.base_url, **source}
    block = "[source]\n" + "".join(f'{key} = "{value}"\n' for key, value in lines.items())
    text = workspace.config.read_text()
    assert CSV_SOURCE in text
    workspace.config.write_text(text.replace(CSV_SOURCE, block))
    return workspace


# -- reading ---------------------------------------------------------------------------

def test_one_batch_get_reads_both_tabs_with_a_readonly_token(google):
    add_roster(google)

    raw = source(google).read()

    (call,) = sheets_calls(google)
    assert call.method == "GET" and call.path.endswith("/values:batchGet")
    assert call.query["ranges"] == ["'Rotations'", "'People'"]
    assert call.query["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert call.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    (grant,) = [google.oauth.tokens[c.headers["authorization"].split()[1]]
                for c in sheets_calls(google)]
    assert grant.client_email == EMAIL and grant.scopes == {SHEETS_READONLY_SCOPE}
    assert len(google.calls("POST", r"^/token$")) == 1
    assert raw.rotations.rows[1][:2] == [44783, "2022-09-06"]  # date cell → serial; text as is
    assert raw.people.rows[0] == ["GitHub", "Name", "Email", "Timezone", "Slack ID"]


def test_serial_and_text_dates_both_validate(google):
    add_roster(google)

    roster, findings = validate(source(google).read(), make_clock())

    assert roster is not None, findings
    assert [(r.start.isoformat(), r.end.isoformat()) for r in roster.rotations] == [
        (start, end) for start, end, _ in SAMPLE_ROTATIONS]


def test_findings_use_the_tab_title_as_the_sheet_spells_it(google):
    add_roster(google)

    raw = source(google, rotations_tab="rotations", people_tab="PEOPLE").read()

    assert (raw.rotations.name, raw.people.name) == ("Rotations", "People")


def test_a_status_tab_asks_for_the_read_write_scope(google):
    add_roster(google)

    source(google, status_tab="Sync status").read()

    assert google.oauth.grants[-1].scopes == {SHEETS_SCOPE}


def test_requests_have_a_timeout(google):
    assert source(google).http.timeout == TIMEOUT


def test_sync_from_the_sheet_end_to_end(google, tmp_path):
    add_roster(google)
    workspace = sheets_workspace(tmp_path, google)

    code, document = workspace.run_json("sync", "--today", "2022-09-10")

    assert code == 0, document
    assert (tmp_path / "out" / "rotations.ics").read_text().count("BEGIN:VEVENT") == 3
    assert len(sheets_calls(google)) == 1  # the run's whole Sheets budget


def test_a_ref_cell_is_an_invalid_roster_naming_its_row(google, tmp_path):
    rows = rotation_cells()
    rows[2][1] = SheetError("#REF!")
    add_roster(google, {"Rotations": rows, "People": people_rows()})
    workspace = sheets_workspace(tmp_path, google)
    before = workspace.snapshot()

    code, document = workspace.run_json("sync", "--today", "2022-09-10")

    assert code == 1
    (finding,) = [f for f in document["findings"] if f["code"] == "sheet-error"]
    assert (finding["tab"], finding["row"], finding["column"]) == ("Rotations", 3, "End")
    assert finding["message"].startswith("Rotations row 3:")
    assert workspace.snapshot() == before


# -- what the admin must fix (exit 2) ----------------------------------------------------

def test_an_unshared_sheet_says_whom_to_share_it_with(google, tmp_path):
    add_roster(google, shared_with=["someone-else@example.com"])
    workspace = sheets_workspace(tmp_path, google)

    code, document = workspace.run_json("sync", "--today", "2022-09-10")

    assert code == 2
    assert document["error"] == (
        f"The service account {EMAIL} cannot read spreadsheet {SHEET_ID}: share the sheet "
        f"with {EMAIL} (Viewer is enough).")
    assert not (tmp_path / "out" / "rotations.ics").exists()


def test_an_unknown_spreadsheet_points_at_the_config_key(google):
    with pytest.raises(SourceError, match=r"Spreadsheet 1NoSuchSheet was not found: check "
                                          r"\[source\] spreadsheet_id") as raised:
        source(google, spreadsheet_id="1NoSuchSheet").read()
    assert raised.value.exit_code == 2


def test_a_missing_tab_names_the_tabs_that_exist(google):
    add_roster(google, {"Roster": rotation_cells(), "People": people_rows()})

    with pytest.raises(SourceError) as raised:
        source(google).read()

    assert str(raised.value) == ("The spreadsheet has no tab named 'Rotations' (tabs: 'Roster', "
                                 "'People'); set [source] rotations_tab.")
    assert [c.path.rsplit("/", 1)[-1] for c in sheets_calls(google)] == [
        "values:batchGet", SHEET_ID]


def test_a_disabled_sheets_api_says_to_enable_it(google):
    add_roster(google)
    google.fail(r"values:batchGet$", Response(403, {"error": {
        "code": 403, "status": "PERMISSION_DENIED",
        "message": "Google Sheets API has not been used in project 1234 before or it is "
                   "disabled. Enable it by visiting https://console.developers.google.com/apis/"
                   "api/sheets.googleapis.com/overview?project=1234 then retry.",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                     "reason": "SERVICE_DISABLED", "domain": "googleapis.com"}]}}))

    with pytest.raises(SourceError, match=r"Sheets API is not enabled.*project=1234"):
        source(google).read()


def test_a_key_google_does_not_know_is_a_clear_error(google, tmp_path, monkeypatch):
    stranger = tmp_path / "old-key.json"
    stranger.write_text(json.dumps(make_service_account(google, register=False)))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(stranger))
    add_roster(google)

    with pytest.raises(SourceError, match=r"Google refused the key of .*Invalid JWT Signature"):
        source(google).read()
    assert not sheets_calls(google)


def test_missing_credentials_stop_the_run_before_anything_is_written(google, tmp_path,
                                                                     monkeypatch):
    add_roster(google)
    workspace = sheets_workspace(tmp_path, google)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "nope.json"))
    before = workspace.snapshot()

    code, document = workspace.run_json("sync", "--today", "2022-09-10")

    assert code == 2 and "nope.json, which does not exist" in document["error"]
    assert workspace.snapshot() == before
    assert not google.requests


@pytest.mark.parametrize(("option", "value", "message"), [
    ("spreadsheet_id", "https://docs.google.com/spreadsheets/d/1AbC_x-9/edit#gid=0",
     r"use the part of the sheet's URL between /d/ and /edit \(here: 1AbC_x-9\)"),
    ("endpoint", "sheets.internal", r"sheets_endpoint 'sheets.internal' is not a URL"),
])
def test_malformed_settings_are_config_errors(google, option, value, message):
    options = {"spreadsheet_id": SHEET_ID, "endpoint": google.base_url, option: value}
    with pytest.raises(ConfigError, match=message):
        SheetsSource(**options)


# -- resilience ------------------------------------------------------------------------

@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(sync.clients.retry, "sleep", waited.append)
    return waited


def test_rate_limit_and_server_error_are_retried_honouring_retry_after(google, sleeps):
    add_roster(google)
    google.fail(r"values:batchGet$", sheets_rate_limited(retry_after=7))
    google.fail(r"values:batchGet$", google_error(500))

    raw = source(google).read()

    assert raw.rotations.rows[0] == ["Start", "End", "Engineers"]
    assert len(sheets_calls(google)) == 3
    assert sleeps[0] == 7 and len(sleeps) == 2


def test_a_403_rate_limit_is_retried(google, sleeps):
    add_roster(google)
    google.fail(r"values:batchGet$", google_error(403, reason="userRateLimitExceeded",
                                                  domain="usageLimits"))

    source(google).read()

    assert len(sheets_calls(google)) == 2


def test_a_dropped_connection_is_retried(google, sleeps):
    add_roster(google)
    google.fail(r"values:batchGet$", DROP)

    source(google).read()

    assert len(sheets_calls(google)) == 2 and len(sleeps) == 1


def test_a_persistent_503_gives_up_after_a_bounded_number_of_attempts(google, sleeps):
    add_roster(google)
    google.fail(r"values:batchGet$", google_error(503), times=100)

    with pytest.raises(SourceError, match=r"Google Sheets kept failing while reading the roster "
                                          r"\(HTTP 503: .*\); nothing was synced"):
        source(google).read()

    assert len(sheets_calls(google)) == DEFAULT_POLICY.attempts
    assert sum(sleeps) <= DEFAULT_POLICY.max_total


# -- the status tab --------------------------------------------------------------------

def test_write_status_creates_the_tab_then_replaces_its_cells(google):
    add_roster(google)
    rotations = google.sheets.values(SHEET_ID, "Rotations")
    status = source(google, status_tab="Sync status")

    status.write_status([["Last run", "Outcome"], ["2022-09-10T02:00", "ok"], ["x", "=1+1"]])
    status.write_status([["Last run", "Outcome"], ["2022-09-11T02:00", "ok"]])

    assert google.sheets.values(SHEET_ID, "Sync status") == [
        ["Last run", "Outcome"], ["2022-09-11T02:00", "ok"]]
    assert google.sheets.values(SHEET_ID, "Rotations") == rotations
    assert [unquote(c.path).rsplit("/", 1)[-1] for c in google.writes()] == [
        "'Sync status':clear", f"{SHEET_ID}:batchUpdate", "'Sync status'!A1",
        "'Sync status':clear", "'Sync status'!A1"]


def test_write_status_keeps_formulas_as_text(google):
    add_roster(google)

    source(google, status_tab="Sync status").write_status([["=IMPORTXML(\"x\")"]])

    assert google.sheets.values(SHEET_ID, "Sync status") == [["=IMPORTXML(\"x\")"]]
    assert google.calls("PUT")[0].query["valueInputOption"] == ["RAW"]


def test_write_status_without_edit_rights_asks_for_editor(google):
    add_roster(google)
    google.fail(r":clear$", google_error(403))

    with pytest.raises(SourceError, match=rf"share the sheet with {EMAIL} as Editor"):
        source(google, status_tab="Sync status").write_status([["ok"]])


# -- the Overrides tab: the third range of the same single batchGet ----------------------
OVERRIDES = [["Start", "End", "Engineer", "Cover", "Note"],
             [date(2022, 9, 12), "2022-09-14", "valerybugakov", "sven-larsen", "dentist"]]


def with_overrides_tab(overrides: list[list[Any]]) -> dict[str, Any]:
    return {"Rotations": rotation_cells(), "People": people_rows(), "Overrides": overrides}


def test_one_batch_get_reads_three_ranges(google: FakeGoogle) -> None:
    add_roster(google, with_overrides_tab(OVERRIDES))

    raw = source(google, overrides_tab="Overrides").read()

    (call,) = sheets_calls(google)
    assert call.path.endswith("/values:batchGet")
    assert call.query["ranges"] == ["'Rotations'", "'People'", "'Overrides'"]
    assert raw.overrides is not None and raw.overrides.name == "Overrides"
    assert raw.overrides.rows[1][:3] == [44816, "2022-09-14", "valerybugakov"]
    roster, findings = validate(raw, make_clock())
    assert [f for f in findings if f.tab == "Overrides"] == [] and roster is not None
    assert str(roster.overrides[0].start) == "2022-09-12"


def test_without_overrides_tab_the_read_asks_for_two_ranges(google: FakeGoogle) -> None:
    add_roster(google, with_overrides_tab(OVERRIDES))
    assert source(google).read().overrides is None
    (call,) = sheets_calls(google)
    assert call.query["ranges"] == ["'Rotations'", "'People'"]


def test_a_missing_overrides_tab_names_its_config_key(google: FakeGoogle) -> None:
    add_roster(google)
    with pytest.raises(SourceError) as raised:
        source(google, overrides_tab="Overrides").read()
    assert str(raised.value) == ("The spreadsheet has no tab named 'Overrides' (tabs: "
                                 "'Rotations', 'People'); set [source] overrides_tab.")


def test_a_sync_with_overrides_is_still_one_sheets_request(google: FakeGoogle,
                                                           tmp_path: Any) -> None:
    add_roster(google, with_overrides_tab(OVERRIDES))
    workspace = sheets_workspace(tmp_path, google, overrides_tab="Overrides")

    code, document = workspace.run_json("sync", "--today", "2022-09-13")

    assert code == 0, document
    assert (tmp_path / "out" / "rotations.ics").read_text().count("BEGIN:VEVENT") == 4
    assert len(sheets_calls(google)) == 1


def test_a_bad_override_cell_stops_the_sync_naming_tab_row_and_column(
        google: FakeGoogle, tmp_path: Any) -> None:
    bad = ["2022-09-12", "2022-09-14", "valerybugakov", "no-such-person", ""]
    add_roster(google, with_overrides_tab([OVERRIDES[0], bad]))
    workspace = sheets_workspace(tmp_path, google, overrides_tab="Overrides")
    before = workspace.snapshot()

    code, document = workspace.run_json("sync", "--today", "2022-09-13")

    assert code == 1
    [finding] = [f for f in document["findings"] if f["severity"] == "error"]
    assert (finding["code"], finding["tab"], finding["row"], finding["column"]) == (
        "unknown-handle", "Overrides", 2, "Cover")
    assert workspace.snapshot() == before
