"""The Overrides tab's rules one by one: each bad row is one finding naming the Overrides
tab, the row and the column as the manager sees them; a good tab changes who is on call."""

from __future__ import annotations

from datetime import datetime

import pytest

from sync.core.findings import Finding
from sync.core.lived.roster import Roster
from sync.core.rules.validate import validate
from sync.core.tabs.raw import Cell, RawRoster, RawTab
from tests.core.test_validate import GOOD
from tests.helpers import make_clock, people_rows, rotations_rows

HEADER: list[Cell] = ["Start", "End", "Engineer", "Cover", "Note"]
COVERED: list[Cell] = ["2022-09-12", "2022-09-16", "valerybugakov", "sven-larsen", "dentist"]


def check(*rows: list[Cell], header: list[Cell] = HEADER,
          today: str = "2022-09-10") -> tuple[Roster | None, list[Finding]]:
    raw = RawRoster(RawTab("Rotations", rotations_rows(GOOD)), RawTab("People", people_rows()),
                    RawTab("Overrides", [header, *rows]))
    return validate(raw, make_clock(today))


def test_a_good_override_changes_who_is_on_call_and_nothing_else() -> None:
    roster, findings = check(COVERED)
    assert findings == []
    assert roster is not None and len(roster.overrides) == 1
    override = roster.overrides[0]
    assert (override.engineer, override.cover, override.note, override.row) == \
        ("valerybugakov", "sven-larsen", "dentist", 2)
    at = datetime(2022, 9, 12, 9, tzinfo=roster.tz)
    assert [p.github for p in roster.on_call(at).people] == ["sven-larsen", "tbliu98",
                                                             "kenji-sato"]
    assert roster.override_for("valerybugakov", at.date()) == override


def test_no_overrides_tab_means_no_overrides() -> None:
    raw = RawRoster(RawTab("Rotations", rotations_rows(GOOD)), RawTab("People", people_rows()))
    roster, findings = validate(raw, make_clock())
    assert findings == [] and roster is not None and roster.overrides == ()


@pytest.mark.parametrize(("cells", "code", "column", "message"), [
    (["", "2022-09-16", "valerybugakov", "sven-larsen"], "missing-date", "Start",
     "Overrides row 2: Start is empty; every override needs a Start and an End date."),
    (["2022-09-12", "16/09/2022", "valerybugakov", "sven-larsen"], "bad-date", "End",
     'Overrides row 2: End "16/09/2022" is not a date; write it as YYYY-MM-DD, e.g. '
     "2022-08-10."),
    (["2022-09-16", "2022-09-12", "valerybugakov", "sven-larsen"], "end-before-start", "End",
     "Overrides row 2: End 2022-09-12 is before Start 2022-09-16."),
    (["2022-09-12", "2022-09-16", "", "sven-larsen"], "missing-value", "Engineer",
     "Overrides row 2: Engineer is empty; name the engineer who is away."),
    (["2022-09-12", "2022-09-16", "sven-larsen", "priya-nair"], "override-not-on-rotation",
     "Engineer", "Overrides row 2: @sven-larsen is not on a rotation that holds every day "
     "from 2022-09-12 to 2022-09-16; check the dates, or split the override at the handoff "
     "between two rotations."),
    (["2022-10-08", "2022-10-11", "valerybugakov", "sven-larsen"], "override-not-on-rotation",
     "Engineer", None),
    (["2022-09-12", "2022-09-16", "valerybugakov", "nobody-here"], "unknown-handle", "Cover",
     "Overrides row 2: @nobody-here is not on the People tab; add them there first."),
    (["2022-09-12", "2022-09-16", "valerybugakov", "bad handle!"], "invalid-handle", "Cover",
     None),
    (["2022-09-12", "2022-09-16", "valerybugakov", "@ValeryBugakov"], "override-conflict",
     "Cover", "Overrides row 2: @valerybugakov cannot cover themselves; name who stands in "
     "for them."),
    (["2022-09-12", "2022-09-16", "valerybugakov", "tbliu98"], "override-conflict", "Cover",
     "Overrides row 2: @tbliu98 is already on the rotation 2022-09-07 to 2022-10-09; name "
     "someone who is not."),
    (["2022-09-12", "2022-09-16", "valerybugakov", "sven-larsen", "<b>sick</b>"],
     "unsafe-text", "Note", None),
    (["2022-09-12", "2022-09-16", "valerybugakov", "sven-larsen", "line\nbreak"],
     "unsafe-text", "Note", None),
    (["2022-09-12", "2022-09-16", "valerybugakov", "#REF!"], "sheet-error", "Cover", None),
])
def test_each_bad_row_is_one_error_naming_tab_row_and_column(
        cells: list[Cell], code: str, column: str, message: str | None) -> None:
    roster, findings = check(cells)
    assert roster is None, "an invalid Overrides row stops the run"
    assert len(findings) == 1, findings
    finding = findings[0]
    assert (finding.severity, finding.code, finding.tab, finding.row, finding.column) == \
        ("error", code, "Overrides", 2, column)
    if message is not None:
        assert finding.message == message


def test_two_overrides_of_one_engineer_sharing_a_day_conflict() -> None:
    roster, findings = check(COVERED, ["2022-09-16", "2022-09-20", "valerybugakov",
                                       "priya-nair", ""])
    assert roster is None
    [finding] = findings
    assert (finding.code, finding.row, finding.column) == ("override-conflict", 3, "Start")
    assert "already away from 2022-09-12 to 2022-09-16 (row 2)" in finding.message


def test_a_missing_required_header_names_the_overrides_tab() -> None:
    roster, findings = check(COVERED[:3], header=["Start", "End", "Engineer"])
    assert roster is None
    assert [(f.code, f.tab, f.row, f.column) for f in findings] == [
        ("missing-header", "Overrides", 1, "Cover")]


def test_headers_match_as_for_rotations_and_real_date_cells_work() -> None:
    roster, findings = check([44816, 44820.0, "@ValeryBugakov", "Sven-Larsen"],
                             header=[" start ", "END", "engineer", "COVER"])
    assert findings == []
    assert roster is not None
    assert (str(roster.overrides[0].start), roster.overrides[0].cover) == \
        ("2022-09-12", "sven-larsen")


def test_an_override_with_no_cover_is_a_warning_naming_days_and_who_remains() -> None:
    for cover in ("", "TBD"):
        roster, [finding] = check(["2022-09-12", "2022-09-16", "valerybugakov", cover, ""])
        assert roster is not None and roster.overrides[0].cover is None
        assert (finding.severity, finding.code, finding.tab, finding.row, finding.column) == \
            ("warning", "override-uncovered", "Overrides", 2, "Cover")
        assert finding.message == ("Overrides row 2: nobody covers @valerybugakov from "
                                   "2022-09-12 to 2022-09-16; 2 engineers remain on rotation "
                                   "on those days.")


def test_an_uncovered_override_that_has_ended_is_not_warned_about() -> None:
    _, findings = check(["2022-08-11", "2022-08-12", "keegancsmith", "", ""])
    assert findings == []


def test_a_bad_rotation_row_does_not_add_override_errors() -> None:
    """One cause, one finding: the override pointing at a broken rotation is not blamed."""
    rows = [list(r) for r in rotations_rows(GOOD)]
    rows[2][0] = "not a date"
    raw = RawRoster(RawTab("Rotations", rows), RawTab("People", people_rows()),
                    RawTab("Overrides", [HEADER, COVERED]))
    roster, findings = validate(raw, make_clock())
    assert roster is None
    assert [(f.code, f.tab) for f in findings if f.severity == "error"] == [
        ("bad-date", "Rotations")]
    assert [f for f in findings if f.tab == "Overrides"] == []


def test_timezone_coverage_sees_the_roster_as_lived() -> None:
    """Berlin, Los Angeles and Tokyo cover the day; with Lagos and Johannesburg covering
    the two far ones, all three sit within 3 hours for those five days."""
    rotations = [("2022-09-07", "2022-10-09", ["valerybugakov", "tbliu98", "kenji-sato"])]
    overrides = [HEADER, ["2022-09-12", "2022-09-16", "kenji-sato", "keegancsmith", ""],
                 ["2022-09-12", "2022-09-16", "tbliu98", "BolajiOlajide", ""]]
    raw = RawRoster(RawTab("Rotations", rotations_rows(rotations)),
                    RawTab("People", people_rows()), RawTab("Overrides", overrides[:1]))
    planned = [f for f in validate(raw, make_clock())[1] if f.code == "timezone-coverage"]
    assert planned == []
    lived = [f for f in validate(RawRoster(raw.rotations, raw.people,
                                           RawTab("Overrides", overrides)), make_clock())[1]
             if f.code == "timezone-coverage"]
    assert [(f.tab, f.row) for f in lived] == [("Rotations", 2)]
    assert "2022-09-07 to 2022-10-09 from 2022-09-12 to 2022-09-16 (with the overrides)" in \
        lived[0].message
