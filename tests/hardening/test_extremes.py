"""Class 3 and 4: values the calendars cannot hold are findings with the row; every number
a person types is bounded (exit 2); templates are checked when the config is loaded."""

from __future__ import annotations

from datetime import date

import pytest

from sync.core.limits import CSV_FIELD_LIMIT
from sync.core.messages.templates import check_template, render
from sync.core.rules.validate import validate
from sync.core.tabs.raw import RawRoster, RawTab
from tests.conftest import Workspace
from tests.helpers import make_clock, people_rows, rotations_rows, write_roster

TODAY = "2022-09-10"


@pytest.mark.parametrize("cell", ["0001-01-01", "9999-12-31", "1969-12-31", "2100-01-01"])
def test_dates_calendars_cannot_hold_are_a_finding_naming_the_row(cell: str) -> None:
    rows = rotations_rows()
    rows[3][1] = cell if cell > rows[3][0] else rows[3][1]
    rows[3][0] = cell if cell < rows[3][0] else rows[3][0]
    roster, findings = validate(RawRoster(RawTab("Rotations", rows),
                                          RawTab("People", people_rows())), make_clock())
    assert roster is None
    assert [(f.code, f.row) for f in findings if f.severity == "error"] == \
        [("date-out-of-range", 4)]
    assert cell in findings[0].message


@pytest.mark.parametrize("serial", [0.5, 2958465.0, 1e300, -5.0])
def test_date_serial_numbers_out_of_range(serial: float) -> None:
    rows: list[list[object]] = [list(r) for r in rotations_rows()]
    rows[2][1] = serial
    roster, findings = validate(RawRoster(RawTab("Rotations", rows),  # type: ignore[arg-type]
                                          RawTab("People", people_rows())), make_clock())
    assert roster is None
    assert {f.row for f in findings if f.severity == "error"} == {3}


def test_year_9999_through_the_cli_writes_nothing(workspace: Workspace) -> None:
    rows = rotations_rows()
    rows[3][1] = "9999-12-31"
    write_roster(workspace.folder, rotations=rows)
    before = workspace.snapshot()
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 1 and workspace.snapshot() == before
    assert document["findings"][0]["code"] == "date-out-of-range"


@pytest.mark.parametrize("args", [
    ("validate", "--today", "0001-01-01"), ("validate", "--today", "9999-12-31"),
    ("validate", "--today", "99999-01-01"), ("status", "--max-age", "0s"),
    ("status", "--max-age", "999999999d"), ("status", "--max-age", "9" * 400 + "d"),
    ("status", "--limit", "0"), ("status", "--limit", "99999999999999999999"),
    ("report", "--html", "."), ("report", "--html", "out")])
def test_numbers_and_paths_out_of_bounds_are_exit_2(workspace: Workspace,
                                                     args: tuple[str, ...]) -> None:
    (workspace.folder / "out").mkdir(exist_ok=True)
    args = tuple(str(workspace.folder / a) if a in (".", "out") else a for a in args)
    result = workspace.run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("value", ["0", "1000000000", "-3"])
def test_keep_runs_is_bounded(workspace: Workspace, value: str) -> None:
    workspace.config.write_text(workspace.config.read_text()
                                + f"\n[history]\nkeep_runs = {value}\n")
    code, document = workspace.run_json("validate", "--today", TODAY)
    assert code == 2 and "history.keep_runs" in document["error"]


def test_a_csv_cell_over_the_field_limit_is_a_finding(workspace: Workspace) -> None:
    notes = ["Notes", "x" * (CSV_FIELD_LIMIT + 1), "", ""]
    rows = [[*row, note] for row, note in zip(rotations_rows(), notes, strict=True)]
    write_roster(workspace.folder, rotations=rows)
    code, document = workspace.run_json("validate", "--today", TODAY)
    assert code == 1
    assert [(f["code"], f["row"], f["column"]) for f in document["findings"]
            if f["severity"] == "error"] == [("cell-too-long", 2, "Notes")]


def test_a_huge_name_is_one_finding_and_no_huge_output(workspace: Workspace) -> None:
    people = people_rows()
    people[1][1] = "N" * 1_000_000
    write_roster(workspace.folder, people=people)
    result = workspace.run("validate", "--today", TODAY, "--json")
    assert result.exit_code == 1 and len(result.output) < 20_000


@pytest.mark.parametrize(("title", "why"), [
    ("{engineer}", "unknown placeholder {engineer}"), ("{}", "unknown placeholder {}"),
    ("{0}", "unknown placeholder {0}"), ("{start.__class__}", "unknown placeholder"),
    ("{engineers[0]}", "unknown placeholder"), ("{engineers:>999999999}", "formats"),
    ("{start!r}", "formats"), ("{engineers", "unmatched"), ("}", "unmatched"),
    ("{start}" * 9, "placeholders"), ("x" * 201, "characters long")])
def test_templates_are_checked_at_load(workspace: Workspace, title: str, why: str) -> None:
    text = workspace.config.read_text().replace(
        'path = "out/rotations.ics"',
        f'path = "out/rotations.ics"\nevent_title = """{title}"""')
    workspace.config.write_text(text)
    code, document = workspace.run_json("validate", "--today", TODAY)
    assert code == 2
    assert "calendar.event_title" in document["error"] and why in document["error"]


def test_a_checked_template_renders_and_is_cut_at_a_sane_size() -> None:
    template = check_template("{engineers} {{literal}} {start}", ("engineers", "start"))
    assert render(template, {"engineers": "A", "start": "2022"}) == "A {literal} 2022"
    long = render("{engineers}", {"engineers": "x" * 10_000})
    assert len(long) == 1024 and long.endswith("…")


def test_far_dates_in_range_do_not_overflow(workspace: Workspace) -> None:
    rows = rotations_rows()
    rows[3][1] = date(2099, 12, 31).isoformat()
    write_roster(workspace.folder, rotations=rows)
    code, _ = workspace.run_json("sync", "--today", TODAY)
    assert code == 0
