"""One cause, one finding: a bad People cell is reported once, on its row; an unknown handle
suggests the closest person; past rotations stay quiet."""

from __future__ import annotations

import pytest

from sync.core.findings import Finding
from sync.core.rules.validate import validate
from sync.core.tabs.raw import Cell, RawRoster, RawTab
from tests.helpers import make_clock, people_rows, rotations_rows

GOOD = [
    ("2022-08-10", "2022-09-06", ["keegancsmith", "kenji-sato", "tbliu98"]),
    ("2022-09-07", "2022-10-09", ["valerybugakov", "tbliu98", "kenji-sato"]),
    ("2022-10-10", "2022-11-07", ["priya-nair", "sven-larsen", "BolajiOlajide"]),
]


def check(rotations: list[list[Cell]] | None = None, people: list[list[Cell]] | None = None,
          today: str = "2022-08-15") -> list[Finding]:
    raw = RawRoster(RawTab("Rotations", rotations or rotations_rows(GOOD)),
                    RawTab("People", people or people_rows()))
    return validate(raw, make_clock(today))[1]


def people_with(handle: str, column: int, value: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = [list(row) for row in people_rows()]
    row = next(r for r in rows if r[0] == handle)
    row[column] = value
    return rows


def engineers(row: int, value: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = [list(r) for r in rotations_rows(GOOD)]
    rows[row - 1][2] = value
    return rows


@pytest.mark.parametrize(("column", "value", "code"), [
    (3, "Mars/Olympus", "unknown-timezone"),
    (2, "sven at example.com", "bad-email"),
    (1, "", "missing-value"),
    (4, "sven", "bad-slack-id"),
    (2, "#REF!", "sheet-error"),
])
def test_a_bad_people_cell_is_one_error_on_that_row(column: int, value: str,
                                                    code: str) -> None:
    findings = check(people=people_with("sven-larsen", column, value))
    assert [(f.code, f.tab) for f in findings] == [(code, "People")], findings
    assert findings[0].row == list(PEOPLE_ORDER).index("sven-larsen") + 2


PEOPLE_ORDER = [row[0] for row in people_rows()[1:]]


def test_people_errors_are_listed_before_rotation_errors() -> None:
    rows = engineers(2, "keegancsmith, kenji-sato, nobody-here")
    findings = check(rows, people_with("sven-larsen", 3, "Mars/Olympus"))
    assert [f.tab for f in findings] == ["People", "Rotations"]


def test_a_rotation_with_an_unknown_handle_gets_no_slot_count_warning() -> None:
    findings = check(engineers(3, "valerybugakov, tbliu98, nobody-here"))
    assert [f.code for f in findings] == ["unknown-handle"]


@pytest.mark.parametrize(("typed", "suggested"), [
    ("svenlarsen", "sven-larsen"),
    ("sven-larson", "sven-larsen"),
    ("Kenji-Satou", "kenji-sato"),
])
def test_an_unknown_handle_suggests_the_closest_person(typed: str, suggested: str) -> None:
    finding, = check(engineers(3, f"valerybugakov, tbliu98, {typed}"))
    assert finding.message == (f"Rotations row 3: @{typed} is not on the People tab; "
                               f"did you mean @{suggested}?")


def test_a_name_typed_as_a_handle_is_pointed_at_the_handle() -> None:
    finding, = check(engineers(3, "valerybugakov, tbliu98, Sven Larsen"))
    assert finding.code == "invalid-handle"
    assert "@sven-larsen" in finding.message


def test_an_unknown_handle_far_from_everyone_says_to_add_them() -> None:
    finding, = check(engineers(3, "valerybugakov, tbliu98, zzqqxx"))
    assert finding.message.endswith("add them there first.")


@pytest.mark.parametrize("cell", ["valerybugakov; tbliu98; kenji-sato",
                                  "valerybugakov / tbliu98, kenji-sato",
                                  "valerybugakov tbliu98 kenji-sato"])
def test_other_separators_say_how_to_separate_handles(cell: str) -> None:
    finding, = check(engineers(3, cell))
    assert finding.code == "invalid-handle" and finding.row == 3
    assert "separate handles with commas or new lines" in finding.message


def test_rotations_that_ended_before_today_get_no_warnings() -> None:
    past = [("2022-01-03", "2022-01-09", ["keegancsmith"]),  # short, 1 slot, narrow zones
            ("2022-02-01", "2022-02-28", ["keegancsmith", "BolajiOlajide", "valerybugakov"]),
            *GOOD]  # a gap before 2022-02-01, and one before 2022-08-10
    assert check(rotations_rows(past), today="2022-09-10") == []
    early = {f.code for f in check(rotations_rows(past), today="2022-01-04")}
    assert {"rotation-length", "engineer-count", "gap", "timezone-coverage"} <= early


# -- every tab (issue 22): no consequential finding on Overrides or Time off ---------------
OVERRIDES_HEADER: list[Cell] = ["Start", "End", "Engineer", "Cover", "Note"]
TIME_OFF_HEADER: list[Cell] = ["GitHub", "Start", "End"]


def check_all(rotations: list[list[Cell]] | None = None,
              people: list[list[Cell]] | None = None,
              overrides: list[list[Cell]] | None = None,
              time_off: list[list[Cell]] | None = None) -> list[Finding]:
    raw = RawRoster(RawTab("Rotations", rotations or rotations_rows(GOOD)),
                    RawTab("People", people or people_rows()),
                    RawTab("Overrides", [OVERRIDES_HEADER, *(overrides or [])]),
                    RawTab("Time off", [TIME_OFF_HEADER, *(time_off or [])]))
    return validate(raw, make_clock("2022-08-15"))[1]


def test_a_bad_people_cell_is_no_error_on_the_overrides_and_time_off_tabs() -> None:
    findings = check_all(
        people=people_with("sven-larsen", 3, "Mars/Olympus"),
        overrides=[["2022-08-20", "2022-08-21", "keegancsmith", "sven-larsen", ""],
                   ["2022-09-10", "2022-09-11", "tbliu98", "priya-nair", ""]],
        time_off=[["sven-larsen", "2022-08-22", "2022-08-23"]])
    assert [(f.code, f.tab) for f in findings if f.severity == "error"] == [
        ("unknown-timezone", "People")], findings


def test_an_empty_rotations_tab_is_empty_roster_first_and_alone() -> None:
    findings = check_all(rotations=[["Start", "End", "Engineers"], ["", "", ""]],
                         overrides=[["2022-08-20", "2022-08-21", "keegancsmith", "", ""]],
                         time_off=[["nobody-at-all", "2022-08-22", "2022-08-23"]])
    assert [f.code for f in findings] == ["empty-roster"]


def test_each_tab_is_checked_when_another_tab_has_errors() -> None:
    findings = check_all(
        people=[["GitHub", "Name", "Email"]],  # no Timezone column: the tab is unreadable
        rotations=[*engineers(3, "priya-nair, sven-larsen, BolajiOlajide"),
                   ["2022-11-08", "2022-11-01", "tbliu98"]],
        overrides=[["2022-08-20", "soon", "keegancsmith", "", ""]],
        time_off=[["tbliu98", "2022-08-22", "yesterday"]])
    assert {(f.code, f.tab, f.row) for f in findings if f.severity == "error"} == {
        ("missing-header", "People", 1), ("end-before-start", "Rotations", 5),
        ("bad-date", "Overrides", 2), ("bad-date", "Time off", 2)}, findings


def test_an_override_on_a_rotation_row_with_an_error_is_not_a_second_error() -> None:
    findings = check_all(
        rotations=engineers(2, "valerybugakov, tbliu98, nobody-here"),
        overrides=[["2022-09-10", "2022-09-11", "valerybugakov", "priya-nair", ""]])
    assert [(f.code, f.tab) for f in findings if f.severity == "error"] == [
        ("unknown-handle", "Rotations")], findings
