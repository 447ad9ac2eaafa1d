"""CSV files as people make them, read from disk and validated, and through the CLI."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sync.core.findings import Finding
from sync.core.rules.validate import validate
from sync.sources.csv import CsvSource
from sync.sources.csv_text import parse_tab
from tests.conftest import Workspace
from tests.helpers import make_clock, people_rows, rotations_rows, to_csv

TODAY = "2022-09-10"
ROW_SPLITTERS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"


def roster_in(folder: Path, rotations: bytes | None = None,
              people: bytes | None = None) -> list[Finding]:
    (folder / "rotations.csv").write_bytes(rotations or to_csv(rotations_rows()).encode())
    (folder / "people.csv").write_bytes(people or to_csv(people_rows()).encode())
    source = CsvSource(folder / "rotations.csv", folder / "people.csv")
    return validate(source.read(), make_clock(TODAY))[1]


def errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == "error"]


def test_an_unquoted_list_of_handles_is_an_error_naming_the_row(tmp_path: Path) -> None:
    text = to_csv(rotations_rows()) + "2022-11-08,2022-12-05,tbliu98, kenji-sato, priya-nair\n"
    found = errors(roster_in(tmp_path, text.encode()))
    assert [(f.code, f.tab, f.row) for f in found] == [("extra-cells", "Rotations", 5)]
    assert "double quotes" in found[0].message and "5 cells" in found[0].message


def test_trailing_empty_cells_are_not_extra(tmp_path: Path) -> None:
    text = to_csv(rotations_rows()).replace("\n", ",,\n")
    assert errors(roster_in(tmp_path, text.encode())) == []


def test_a_semicolon_separated_file_says_so(tmp_path: Path) -> None:
    text = to_csv(people_rows()).replace(",", ";")
    found = roster_in(tmp_path, people=text.encode())
    assert [(f.code, f.tab) for f in found] == [("csv-separator", "People")]
    assert "people.csv is separated by semicolons" in found[0].message


def test_a_file_that_is_not_utf8_names_the_file_and_the_fix(tmp_path: Path) -> None:
    text = to_csv(people_rows()).replace("Sven Larsen", "Sven Lårsen")
    found = roster_in(tmp_path, people=text.encode("cp1252"))
    assert [(f.code, f.tab) for f in found] == [("csv-encoding", "People")]
    assert "people.csv is not UTF-8" in found[0].message
    assert "save it as UTF-8" in found[0].message


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    text = to_csv(people_rows()).encode("utf-8-sig")
    assert errors(roster_in(tmp_path, people=text)) == []


@given(st.sampled_from(ROW_SPLITTERS), st.sampled_from(["\n", "\r\n", "\r"]))
def test_only_real_line_ends_split_rows(splitter: str, line_end: str) -> None:
    rows = people_rows()
    rows[2][1] = f"Bolaji{splitter}Olajide"  # People row 3: a character inside a Name
    text = to_csv(rows).replace("\n", line_end) + "last-row"
    tab = parse_tab("People", "people.csv", text.encode())
    assert tab.rows[2][1] == f"Bolaji{splitter}Olajide"
    assert tab.rows[len(rows)] == ["last-row"]  # every later row keeps its number
    assert len(tab.rows) == len(rows) + 1


def test_a_quoted_cell_may_hold_line_breaks(tmp_path: Path) -> None:
    text = ('Start,End,Engineers\n2022-08-10,2022-09-06,"keegancsmith\r\nBolajiOlajide"\n'
            "2022-09-07,2022-10-09,keegancsmith\n2022-09-07,2022-10-09,keegancsmith\n")
    found = errors(roster_in(tmp_path, text.encode()))
    assert [(f.code, f.row) for f in found] == [("overlap", 4)]  # row numbers unshifted


def test_through_the_cli_nothing_is_written_and_exit_1(workspace: Workspace) -> None:
    roster = workspace.folder / "roster" / "rotations.csv"
    roster.write_text(roster.read_text() + "2022-11-08,2022-12-05,tbliu98, kenji-sato\n")
    before = workspace.snapshot()
    code, document = workspace.run_json("sync", "--today", TODAY)
    assert code == 1
    assert document["findings"][0]["code"] == "extra-cells"
    assert document["findings"][0]["row"] == 5
    assert workspace.snapshot() == before
    (workspace.folder / "roster" / "people.csv").write_bytes("Name\nSørensen\n".encode("latin-1"))
    result = workspace.run("validate", "--today", TODAY)
    assert result.exit_code == 1
    assert "people.csv is not UTF-8" in result.stdout + result.stderr
