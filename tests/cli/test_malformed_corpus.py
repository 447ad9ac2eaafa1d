"""A corpus of malformed rosters, each run through `rotation-sync sync`: exit 1, the row is
named, and every target file is byte-identical afterwards (nothing written anywhere)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import Workspace
from tests.helpers import people_rows, rotations_rows, to_csv

HEADER = ["Start", "End", "Engineers"]
OK1 = ["2022-08-10", "2022-09-06", "keegancsmith, kenji-sato, tbliu98"]
OK2 = ["2022-09-07", "2022-10-09", "valerybugakov, tbliu98, kenji-sato"]
PEOPLE_HEADER = ["GitHub", "Name", "Email", "Timezone", "Slack ID"]


@dataclass(frozen=True)
class Case:
    name: str
    rotations: list[list[str]]
    people: list[list[str]] | None
    code: str
    where: str  # the text the message must contain, e.g. "Rotations row 3"


def bad_rotation(name: str, row: list[str], code: str) -> Case:
    return Case(name, [HEADER, OK1, row], None, code, "Rotations row 3")


def bad_person(name: str, row: list[str], code: str) -> Case:
    return Case(name, [HEADER, OK1], [*people_rows(), row], code,
                f"People row {len(people_rows()) + 1}")


CASES = [
    bad_rotation("start missing", ["", "2022-10-09", "tbliu98"], "missing-date"),
    bad_rotation("end missing", ["2022-09-07", "", "tbliu98"], "missing-date"),
    bad_rotation("us date", ["09/07/2022", "2022-10-09", "tbliu98"], "bad-date"),
    bad_rotation("month 13", ["2022-13-07", "2022-10-09", "tbliu98"], "bad-date"),
    bad_rotation("february 30", ["2022-09-07", "2023-02-30", "tbliu98"], "bad-date"),
    bad_rotation("words", ["next week", "2022-10-09", "tbliu98"], "bad-date"),
    bad_rotation("time included", ["2022-09-07 09:00", "2022-10-09", "tbliu98"], "bad-date"),
    bad_rotation("end before start", ["2022-09-07", "2022-09-01", "tbliu98"],
                 "end-before-start"),
    bad_rotation("overlap", ["2022-09-01", "2022-10-09", "valerybugakov"], "overlap"),
    bad_rotation("same start", ["2022-08-10", "2022-10-09", "valerybugakov"], "overlap"),
    bad_rotation("unknown handle", ["2022-09-07", "2022-10-09", "ghost-user"],
                 "unknown-handle"),
    bad_rotation("handle with space", ["2022-09-07", "2022-10-09", "tb liu"], "invalid-handle"),
    bad_rotation("leading hyphen", ["2022-09-07", "2022-10-09", "-tbliu"], "invalid-handle"),
    bad_rotation("underscore", ["2022-09-07", "2022-10-09", "tb_liu"], "invalid-handle"),
    bad_rotation("too long", ["2022-09-07", "2022-10-09", "x" * 40], "invalid-handle"),
    bad_rotation("twice", ["2022-09-07", "2022-10-09", "tbliu98, @TBLIU98"],
                 "duplicate-engineer"),
    bad_rotation("pipe", ["2022-09-07", "2022-10-09", "tbliu98 | kenji-sato"], "unsafe-text"),
    bad_rotation("html", ["2022-09-07", "2022-10-09", "<script>x</script>"], "unsafe-text"),
    bad_rotation("markdown link", ["2022-09-07", "2022-10-09", "[tbliu98](http://x.example)"],
                 "unsafe-text"),
    bad_rotation("entity", ["2022-09-07", "2022-10-09", "tbliu98&nbsp;"], "unsafe-text"),
    bad_rotation("#REF!", ["2022-09-07", "#REF!", "tbliu98"], "sheet-error"),
    bad_rotation("#N/A", ["2022-09-07", "2022-10-09", "#N/A"], "sheet-error"),
    bad_rotation("#VALUE!", ["#VALUE!", "2022-10-09", "tbliu98"], "sheet-error"),
    bad_person("duplicate person", ["TBLIU98", "Twin", "twin@example.com", "UTC", ""],
               "duplicate-person"),
    bad_person("bad email", ["newbie", "New Bie", "newbie.example.com", "UTC", ""],
               "bad-email"),
    bad_person("two emails", ["newbie", "New Bie", "a@example.com, b@example.com", "UTC", ""],
               "bad-email"),
    bad_person("unknown timezone", ["newbie", "New Bie", "n@example.com", "PST", ""],
               "unknown-timezone"),
    bad_person("offset timezone", ["newbie", "New Bie", "n@example.com", "UTC+2", ""],
               "unknown-timezone"),
    bad_person("no name", ["newbie", "", "n@example.com", "UTC", ""], "missing-value"),
    bad_person("bad login", ["new bie", "New Bie", "n@example.com", "UTC", ""],
               "invalid-handle"),
    bad_person("bad slack id", ["newbie", "New Bie", "n@example.com", "UTC", "@newbie"],
               "bad-slack-id"),
    bad_person("html name", ["newbie", "<b>New</b>", "n@example.com", "UTC", ""],
               "unsafe-text"),
    Case("missing Start header", [["Begin", "End", "Engineers"], OK1], None, "missing-header",
         "Rotations row 1"),
    Case("missing Engineers header", [["Start", "End", "Notes"], OK1], None, "missing-header",
         "Rotations row 1"),
    Case("missing Email header", [HEADER, OK1], [["GitHub", "Name", "Timezone"]],
         "missing-header", "People row 1"),
    Case("cleared sheet", [HEADER], None, "empty-roster", "Rotations"),
    Case("empty file", [], None, "empty-roster", "Rotations"),
    Case("error on a later row", [HEADER, OK1, OK2,
                                  ["2022-10-10", "2022-11-07", "tbliu98, nobody-at-all"]],
         None, "unknown-handle", "Rotations row 4"),
]


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_malformed_roster_writes_nothing(workspace: Workspace, case: Case) -> None:
    assert workspace.run("sync", "--today", "2022-09-10").exit_code == 0
    before = workspace.snapshot()
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(case.rotations))
    if case.people is not None:
        (workspace.folder / "roster" / "people.csv").write_text(to_csv(case.people))
    code, document = workspace.run_json("sync", "--today", "2022-09-10")
    assert code == 1
    errors = [f for f in document["findings"] if f["severity"] == "error"]
    assert case.code in {f["code"] for f in errors}
    assert any(f["message"].startswith(case.where) for f in errors if f["code"] == case.code)
    assert workspace.snapshot() == before
    assert all(t["status"] == "skipped" for t in document["targets"].values())


def test_an_invalid_roster_on_a_first_run_creates_no_file(workspace: Workspace) -> None:
    rows = rotations_rows([("2022-08-10", "2022-08-01", ["tbliu98"])])
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    page = (workspace.folder / "handbook/page.md").read_bytes()
    assert workspace.run("sync").exit_code == 1
    assert not (workspace.folder / "out").exists()
    assert (workspace.folder / "handbook/page.md").read_bytes() == page
