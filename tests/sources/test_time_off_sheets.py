"""The Time off tab of a Google Sheet: read in the roster's one values:batchGet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.sources.test_sheets_source import (  # the module's fixtures and builders
    EMAIL,
    SHEET_ID,
    google,
    people_rows,
    rotation_cells,
    sa_info,
    sheets_calls,
    sheets_workspace,
)
from tests.wire.fakes.google import FakeGoogle

__all__ = ["google", "sa_info"]  # pytest finds the fixtures through this module

TIME_OFF_ROWS = [["GitHub", "Start", "End", "Note"],
                 ["valerybugakov", date(2022, 9, 20), "2022-09-22", "family"],
                 ["@KeeganCSmith", "2022-09-30", "2022-09-30", ""]]


def add(google: FakeGoogle, time_off: list[list[object]]) -> None:
    google.sheets.add_spreadsheet(SHEET_ID, "Escalation roster",
                                  {"Rotations": rotation_cells(), "People": people_rows(),
                                   "Time off": time_off}, shared_with=[EMAIL])


def test_the_time_off_tab_comes_in_the_same_single_batch_get(google: FakeGoogle,
                                                             tmp_path: Path) -> None:
    add(google, TIME_OFF_ROWS)
    workspace = sheets_workspace(tmp_path, google)
    workspace.config.write_text(workspace.config.read_text() + '\n[time_off]\ntab = "Time off"\n')
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0
    (call,) = sheets_calls(google)
    assert call.query["ranges"] == ["'Rotations'", "'People'", "'Time off'"]
    assert [f["message"].split(" during")[0] for f in document["findings"]
            if f["code"] == "time-off-conflict"] == [
        "Rotations row 3: Keegan Carruthers-Smith is away 2022-09-30",
        "Rotations row 3: Valery Bugakov is away 2022-09-20 to 2022-09-22"]


def test_a_bad_cell_on_the_time_off_tab_is_an_error_with_its_place(google: FakeGoogle,
                                                                   tmp_path: Path) -> None:
    add(google, [*TIME_OFF_ROWS, ["tbliu98", "#REF!", "2022-09-21", ""]])
    workspace = sheets_workspace(tmp_path, google)
    workspace.config.write_text(workspace.config.read_text() + '\n[time_off]\ntab = "Time off"\n')
    before = workspace.snapshot()
    code, document = workspace.run_json("sync", "--today", "2022-09-10")
    assert code == 1 and workspace.snapshot() == before
    [error] = [f for f in document["findings"] if f["severity"] == "error"]
    assert (error["code"], error["tab"], error["row"], error["column"]) == \
        ("sheet-error", "Time off", 4, "Start")


def test_a_missing_time_off_tab_names_its_key(google: FakeGoogle, tmp_path: Path) -> None:
    google.sheets.add_spreadsheet(SHEET_ID, "Escalation roster",
                                  {"Rotations": rotation_cells(), "People": people_rows()},
                                  shared_with=[EMAIL])
    workspace = sheets_workspace(tmp_path, google)
    workspace.config.write_text(workspace.config.read_text() + '\n[time_off]\ntab = "Leave"\n')
    result = workspace.run("validate")
    assert result.exit_code == 2 and "set [time_off] tab" in result.output
