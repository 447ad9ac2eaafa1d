"""Each validation rule of the contract: a roster that breaks it and one that does not."""

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
          today: str = "2022-09-10") -> list[Finding]:
    raw = RawRoster(RawTab("Rotations", rotations or rotations_rows(GOOD)),
                    RawTab("People", people or people_rows()))
    return validate(raw, make_clock(today))[1]


def codes(findings: list[Finding]) -> set[str]:
    return {finding.code for finding in findings}


def only(findings: list[Finding], code: str) -> Finding:
    matching = [finding for finding in findings if finding.code == code]
    assert len(matching) == 1, findings
    return matching[0]


def with_row(row: int, cells: list[Cell]) -> list[list[Cell]]:
    rows: list[list[Cell]] = [list(r) for r in rotations_rows(GOOD)]
    rows[row - 1] = cells
    return rows


def test_the_good_roster_has_no_findings() -> None:
    assert check() == []


def test_finding_carries_tab_row_column_and_a_manager_message() -> None:
    finding = only(check(with_row(3, ["2022-09-07", "2022-09-01", "tbliu98"])),
                   "end-before-start")
    assert (finding.severity, finding.tab, finding.row, finding.column) == \
        ("error", "Rotations", 3, "End")
    assert finding.message == "Rotations row 3: End 2022-09-01 is before Start 2022-09-07."


@pytest.mark.parametrize(("cell", "code"), [
    ("", "missing-date"),
    ("09/07/2022", "bad-date"),
    ("2022-13-01", "bad-date"),
    ("2022-9-7", "bad-date"),
    ("next monday", "bad-date"),
])
def test_bad_dates(cell: str, code: str) -> None:
    finding = only(check(with_row(3, [cell, "2022-10-09", "tbliu98, kenji-sato, priya-nair"])),
                   code)
    assert (finding.row, finding.column) == (3, "Start")


def test_a_real_date_cell_is_a_serial_number() -> None:
    rows = with_row(2, [44783, 44810.0, "keegancsmith, kenji-sato, tbliu98"])  # 2022-08-10
    raw = RawRoster(RawTab("Rotations", rows), RawTab("People", people_rows()))
    roster, findings = validate(raw, make_clock())
    assert findings == []
    assert roster is not None
    assert str(roster.rotations[0].start) == "2022-08-10"
    assert str(roster.rotations[0].end) == "2022-09-06"


def test_overlap_names_both_rows() -> None:
    finding = only(check(with_row(3, ["2022-09-06", "2022-10-09",
                                      "valerybugakov, tbliu98, kenji-sato"])), "overlap")
    assert finding.row == 3
    assert "row 2" in finding.message


@pytest.mark.parametrize(("handle", "code"), [
    ("-badstart", "invalid-handle"),
    ("has space", "invalid-handle"),
    ("a" * 40, "invalid-handle"),
    ("double--hyphen", "invalid-handle"),
    ("nobody-here", "unknown-handle"),
])
def test_bad_handles(handle: str, code: str) -> None:
    finding = only(check(with_row(2, ["2022-08-10", "2022-09-06",
                                      f"keegancsmith, {handle}, tbliu98"])), code)
    assert (finding.row, finding.column) == (2, "Engineers")


def test_handles_accept_at_signs_newlines_and_any_case() -> None:
    rows = with_row(2, ["2022-08-10", "2022-09-06", "@KeeganCSmith\n@kenji-sato,\n TBD"])
    assert check(rows) == []


def test_same_engineer_twice() -> None:
    finding = only(check(with_row(2, ["2022-08-10", "2022-09-06",
                                      "keegancsmith, kenji-sato, @KEEGANCSMITH"])),
                   "duplicate-engineer")
    assert finding.row == 2


def test_engineer_n_columns() -> None:
    rows: list[list[Cell]] = [["start ", " END", "Engineer 1", "Engineer 2", "Engineer 3",
                               "Notes"]]
    rows += [[s, e, *h, "x"] for s, e, h in GOOD]
    assert check(rows) == []
    rows[2][3] = "nobody-here"
    finding = only(check(rows), "unknown-handle")
    assert (finding.row, finding.column) == (3, "Engineer 2")


def test_newline_inside_an_engineer_n_cell_is_unsafe() -> None:
    rows: list[list[Cell]] = [["Start", "End", "Engineer 1", "Engineer 2"],
                              ["2022-08-10", "2022-09-06", "keegan\ncsmith", "tbliu98"]]
    assert only(check(rows), "unsafe-text").column == "Engineer 1"


@pytest.mark.parametrize("cell", ["keegancsmith | tbliu98", "<b>keegancsmith</b>",
                                  "[x](https://evil.example)"])
def test_markup_in_a_cell(cell: str) -> None:
    finding = only(check(with_row(2, ["2022-08-10", "2022-09-06", cell])), "unsafe-text")
    assert finding.row == 2


@pytest.mark.parametrize("cell", ["#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?"])
def test_spreadsheet_errors(cell: str) -> None:
    finding = only(check(with_row(3, ["2022-09-07", cell, "tbliu98, kenji-sato, keegancsmith"])),
                   "sheet-error")
    assert (finding.row, finding.column) == (3, "End")


def test_missing_headers() -> None:
    findings = check([["Begin", "End", "Engineers"], ["2022-08-10", "2022-09-06", "tbliu98"]])
    finding = only(findings, "missing-header")
    assert (finding.row, finding.column) == (1, "Start")
    assert only(check([["Start", "End", "Notes"], ["2022-08-10", "2022-09-06", ""]]),
                "missing-header").column == "Engineers"
    people = [["GitHub", "Name", "Email"]]
    assert only(check(people=people), "missing-header").column == "Timezone"


def test_an_empty_rotations_tab_is_an_error() -> None:
    finding = only(check([["Start", "End", "Engineers"], ["", "", ""]]), "empty-roster")
    assert finding.row is None
    assert only(check([["Start", "End", "Engineers"]]), "empty-roster").severity == "error"


def people_with(row: list[Cell]) -> list[list[Cell]]:
    return [*people_rows(), row]


@pytest.mark.parametrize(("row", "code", "column"), [
    (["tbliu98", "Twin", "twin@example.com", "UTC", ""], "duplicate-person", "GitHub"),
    (["newbie", "New Bie", "not-an-email", "UTC", ""], "bad-email", "Email"),
    (["newbie", "New Bie", "", "UTC", ""], "bad-email", "Email"),
    (["newbie", "New Bie", "n@example.com", "Mars/Olympus", ""], "unknown-timezone", "Timezone"),
    (["newbie", "", "n@example.com", "UTC", ""], "missing-value", "Name"),
    (["new_bie", "New Bie", "n@example.com", "UTC", ""], "invalid-handle", "GitHub"),
    (["newbie", "New Bie", "n@example.com", "UTC", "not-an-id"], "bad-slack-id", "Slack ID"),
    (["newbie", "New <i>Bie</i>", "n@example.com", "UTC", ""], "unsafe-text", "Name"),
])
def test_malformed_people_rows(row: list[Cell], code: str, column: str) -> None:
    finding = only(check(people=people_with(row)), code)
    assert (finding.tab, finding.row, finding.column) == ("People", len(people_rows()) + 1,
                                                         column)


# -- warnings ----------------------------------------------------------------------------
def warnings(findings: list[Finding]) -> set[str]:
    assert all(f.severity == "warning" for f in findings), findings
    return codes(findings)


def test_rotation_length() -> None:
    short = with_row(2, ["2022-08-20", "2022-09-06", "keegancsmith, kenji-sato, tbliu98"])
    assert "rotation-length" in warnings(check(short, today="2022-08-01"))
    long = with_row(4, ["2022-10-10", "2022-12-31", "priya-nair, sven-larsen, BolajiOlajide"])
    assert "rotation-length" in warnings(check(long))


def test_engineer_count() -> None:
    two = with_row(2, ["2022-08-10", "2022-09-06", "keegancsmith, tbliu98"])
    assert only(check(two, today="2022-08-01"), "engineer-count").row == 2


def test_tbd_soon_but_not_far_ahead() -> None:
    soon = with_row(4, ["2022-10-10", "2022-11-07", "priya-nair, TBD, BolajiOlajide"])
    assert "unfilled-soon" in codes(check(soon, today="2022-09-30"))
    assert "unfilled-soon" not in codes(check(soon, today="2022-09-10"))


def test_gap_between_rotations() -> None:
    gap = with_row(4, ["2022-10-17", "2022-11-07", "priya-nair, sven-larsen, BolajiOlajide"])
    finding = only(check(gap), "gap")
    assert "2022-10-10 to 2022-10-16" in finding.message


def test_timezone_coverage() -> None:
    narrow = with_row(2, ["2022-08-10", "2022-09-06", "keegancsmith, BolajiOlajide, "
                                                      "valerybugakov"])
    assert only(check(narrow, today="2022-08-01"), "timezone-coverage").row == 2


def test_no_rotation_today() -> None:
    assert "no-current-rotation" in codes(check(today="2023-06-01"))
    # the day before a rotation starts, but after handoff on its last day: nobody
    assert "no-current-rotation" not in codes(check(today="2022-11-07"))


def test_warnings_do_not_block_the_roster() -> None:
    two = with_row(2, ["2022-08-10", "2022-09-06", "keegancsmith, tbliu98"])
    raw = RawRoster(RawTab("Rotations", two), RawTab("People", people_rows()))
    roster, findings = validate(raw, make_clock("2022-08-01"))
    assert roster is not None
    assert findings
