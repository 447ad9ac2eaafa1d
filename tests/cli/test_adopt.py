"""Adopting an existing handbook page: a new roster that lacks the page's rows is refused
with a message naming the handbook, its rows and both ways forward; `init --from-handbook`
writes a starter roster from the page (CSV files, or the sheet's tabs through the fake
Google with the write scope) and never overwrites a roster that has rows."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.run.adopt import starter_roster
from sync.targets.handbook.model import Page, RowState, cut_page, parse_rows
from tests.conftest import Workspace, make_workspace
from tests.helpers import PEOPLE, people_rows, rotations_rows, to_csv
from tests.sources.test_sheets_source import sheets_workspace
from tests.wire.fakes.google import SHEETS_SCOPE, FakeGoogle, make_service_account

NEW_ROSTER = [("2026-10-19", "2026-11-22", ["kenji-sato", "sven-larsen", "priya-nair"])]
PAGE_ROWS = ["2022-08-10 to 2022-09-06", "2022-09-07 to 2022-10-09", "2022-10-10 to 2022-11-07"]
SHEET_ID = "1RosterSheetId"
SAMPLE = Path(__file__).parents[1] / "data" / "escalation-engineer-rotation.md"


def page_rows(workspace: Workspace) -> dict[str, RowState]:
    return parse_rows(cut_page((workspace.folder / "handbook/page.md").read_text()).table)


def test_a_new_roster_over_the_real_page_is_refused_naming_the_handbook_rows(
        workspace: Workspace) -> None:
    (workspace.folder / "roster/rotations.csv").write_text(to_csv(rotations_rows(NEW_ROSTER)))
    before = workspace.snapshot()
    code, document = workspace.run_json("sync")
    assert code == 1 and workspace.snapshot() == before
    (refusal,) = [f for f in document["findings"] if f["code"] == "mass-delete"]
    message = refusal["message"]
    assert "handbook page's Rotations table" in message and "calendar" not in message
    assert all(row in message for row in PAGE_ROWS)
    assert "init --from-handbook" in message and "--force-delete" in message
    assert "add these rows to the Rotations tab" in message


def empty_roster(workspace: Workspace) -> None:
    for name in ("rotations", "people"):
        (workspace.folder / f"roster/{name}.csv").unlink()


def csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text().splitlines()))


def test_init_writes_a_starter_roster_from_the_page(workspace: Workspace) -> None:
    empty_roster(workspace)
    code, document = workspace.run_json("init", "--from-handbook")
    assert code == 0, document
    assert document["rotations"] == 3
    assert csv_cells(workspace.folder / "roster/rotations.csv") == [
        ["Start", "End", "Engineers"],
        ["2022-08-10", "2022-09-06", "keegancsmith, BolajiOlajide"],
        ["2022-09-07", "2022-10-09", "keegancsmith, valerybugakov"],
        ["2022-10-10", "2022-11-07", "tbliu98, TBD, TBD"]]
    assert csv_cells(workspace.folder / "roster/people.csv") == [
        ["GitHub", "Name", "Email", "Timezone", "Slack ID"],
        *[[handle, "", "", "", ""] for handle in
          ("keegancsmith", "BolajiOlajide", "valerybugakov", "tbliu98")]]


def fill_people(path: Path) -> None:
    rows = csv_cells(path)
    path.write_text(to_csv([rows[0]] + [[row[0], *PEOPLE[row[0]], ""] for row in rows[1:]]))


def test_after_filling_people_the_first_sync_keeps_every_row_of_the_table(
        workspace: Workspace) -> None:
    empty_roster(workspace)
    rows_before = page_rows(workspace)
    assert workspace.run("init", "--from-handbook").exit_code == 0
    assert workspace.run_json("validate")[0] == 1, "People still needs Name, Email, Timezone"
    fill_people(workspace.folder / "roster/people.csv")
    page_before = (workspace.folder / "handbook/page.md").read_bytes()
    code, plan = workspace.run_json("plan", "--today", "2022-09-10")
    assert code == 0, plan
    assert plan["targets"]["handbook"]["changes"] == []
    assert workspace.run_json("sync", "--today", "2022-09-10")[0] == 0
    assert page_rows(workspace) == rows_before
    assert (workspace.folder / "handbook/page.md").read_bytes() == page_before
    assert workspace.run_json("plan", "--today", "2022-09-10")[1]["targets"]["handbook"][
        "changes"] == []


def test_init_refuses_a_roster_that_has_rows(workspace: Workspace) -> None:
    before = {p: p.read_bytes() for p in (workspace.folder / "roster").iterdir()}
    code, document = workspace.run_json("init", "--from-handbook")
    assert code == 2 and "never overwrites" in document["error"]
    assert "rotations.csv has 3 row(s)" in document["error"]
    assert {p: p.read_bytes() for p in (workspace.folder / "roster").iterdir()} == before


def test_init_without_from_handbook_is_a_usage_error(workspace: Workspace) -> None:
    empty_roster(workspace)
    result = workspace.run("init")
    assert result.exit_code == 2 and "--from-handbook" in result.output
    assert not (workspace.folder / "roster/rotations.csv").exists()


def page_with(rows: list[tuple[str, str]]) -> Page:
    table = "| Rotation | Engineers |\n| --- | --- |\n" + "".join(
        f"| {rotation} | {engineers} |\n" for rotation, engineers in rows)
    return cut_page("# EE\n\n## Rotations\n\n" + table + "\n## More\n")


def test_starter_roster_reads_links_handles_and_tbd() -> None:
    starter = starter_roster(page_with([
        ("2026-01-05 to 2026-02-01", "[@ann](https://github.com/ann), @bo, TBD"),
        ("2026-02-02 to 2026-03-01", "@Ann, tbd")]))
    assert starter.rotations[1:] == [["2026-01-05", "2026-02-01", "ann, bo, TBD"],
                                    ["2026-02-02", "2026-03-01", "Ann, TBD"]]
    assert [row[0] for row in starter.people[1:]] == ["Ann", "bo"]
    assert starter.problems == []


def test_every_date_form_of_real_pages_is_read_with_the_year_carried() -> None:
    starter = starter_roster(page_with([
        ("Aug 10 – Sep 6, 2022", "@a"), ("Sep 7 – Oct 9", "@a"), ("Oct 10—Nov 7", "@a"),
        ("Nov 8-Dec 31", "@a"), ("Jan 1 – 30", "@a"), ("31 January to 27 February 2023", "@a"),
        ("2023-02-28 – 2023-03-27", "@a"), ("Mar 28, 2023 - Apr 30, 2023", "@a"),
        ("Sept. 1st through Oct 2nd", "@a")]))
    assert starter.problems == []
    assert [row[:2] for row in starter.rotations[1:]] == [
        ["2022-08-10", "2022-09-06"], ["2022-09-07", "2022-10-09"],
        ["2022-10-10", "2022-11-07"], ["2022-11-08", "2022-12-31"],
        ["2023-01-01", "2023-01-30"], ["2023-01-31", "2023-02-27"],
        ["2023-02-28", "2023-03-27"], ["2023-03-28", "2023-04-30"],
        ["2023-09-01", "2023-10-02"]]


def test_a_row_that_cannot_be_read_names_its_page_line() -> None:
    starter = starter_roster(page_with([
        ("Sep 7 – Oct 9", "@a"), ("2022-10-10 to 2022-11-07", "Keegan Smith, @b"),
        ("next quarter", "TBD"), ("Feb 30 – Mar 3, 2023", "@a")]))
    assert starter.problems == [
        'page line 7: the Rotation "Sep 7 – Oct 9" has no year and no row above it has one; '
        'write the year, e.g. "Sep 7 – Oct 9, 2022".',
        'page line 8: "Keegan Smith" is a name, not a GitHub login; write the person\'s GitHub '
        "handle as @login (or a link to their GitHub profile).",
        'page line 9: the Rotation "next quarter" is not a date range such as "2022-09-07 to '
        '2022-10-09" or "Sep 7 – Oct 9, 2022".',
        'page line 10: the Rotation "Feb 30 – Mar 3, 2023" names a day that does not exist '
        "(2023-02-30)."]


def test_a_plain_name_on_the_page_is_an_error_and_nothing_is_written(
        workspace: Workspace) -> None:
    empty_roster(workspace)
    page = workspace.folder / "handbook/page.md"
    page.write_text(page.read_text().replace("[@tbliu98](https://github.com/tbliu98)",
                                             "Tammy"))
    before = page.read_bytes()
    code, document = workspace.run_json("init", "--from-handbook")
    assert code == 1, document
    assert 'page line 17: "Tammy" is a name, not a GitHub login' in document["error"]
    assert not (workspace.folder / "roster/rotations.csv").exists()
    assert not (workspace.folder / "roster/people.csv").exists()
    assert page.read_bytes() == before


EN_DASH_PAGE = {"2022-08-10 to 2022-09-06": "Aug 10 – Sep 6, 2022",
                "2022-09-07 to 2022-10-09": "Sep 7 – Oct 9    ",
                "2022-10-10 to 2022-11-07": "Oct 10 – Nov 7   "}


def test_the_real_page_written_with_en_dashes_adopts_every_row_and_is_left_as_written(
        workspace: Workspace) -> None:
    """The page as the handbook writes it: "Sep 7 – Oct 9", the year on the first row."""
    empty_roster(workspace)
    page = workspace.folder / "handbook/page.md"
    text = SAMPLE.read_text()
    for iso, written in EN_DASH_PAGE.items():
        text = text.replace(f"| {iso} ", f"| {written}".ljust(len(iso) + 3))
    page.write_text(text)
    code, document = workspace.run_json("init", "--from-handbook")
    assert code == 0 and document["rotations"] == 3, document
    assert [row[:2] for row in csv_cells(workspace.folder / "roster/rotations.csv")[1:]] == [
        key.split(" to ") for key in EN_DASH_PAGE]
    fill_people(workspace.folder / "roster/people.csv")
    code, plan = workspace.run_json("plan", "--today", "2022-09-10")
    assert code == 0 and plan["targets"]["handbook"]["changes"] == [], plan
    assert workspace.run_json("sync", "--today", "2022-09-10")[0] == 0
    assert page.read_text() == text, "the first sync changes nothing in the page"


def test_the_real_sample_page_adopts_with_every_row() -> None:
    starter = starter_roster(cut_page(SAMPLE.read_text()))
    assert starter.problems == [] and len(starter.rotations) - 1 == len(PAGE_ROWS)


# -- the Sheets source: the tabs through values.update, with the write scope ---------------
@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(make_service_account(server)))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        yield server


def test_init_writes_the_sheets_tabs_with_the_write_scope(google: FakeGoogle,
                                                          tmp_path: Path) -> None:
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": [["Start", "End",
                                                                      "Engineers"]]})
    workspace = sheets_workspace(tmp_path / "ws", google)
    code, document = workspace.run_json("init", "--from-handbook")
    assert code == 0, document
    assert google.sheets.values(SHEET_ID, "Rotations")[1] == [
        "2022-08-10", "2022-09-06", "keegancsmith, BolajiOlajide"]
    assert [row[0] for row in google.sheets.values(SHEET_ID, "People")] == [
        "GitHub", "keegancsmith", "BolajiOlajide", "valerybugakov", "tbliu98"]
    assert google.writes(), "the tabs were written through the API"
    assert google.oauth.grants[-1].scopes == {SHEETS_SCOPE}, "the read-write scope"


def test_init_refuses_a_sheet_that_has_rows(google: FakeGoogle, tmp_path: Path) -> None:
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": rotations_rows(),
                                                       "People": people_rows()})
    workspace = sheets_workspace(tmp_path / "ws", google)
    code, document = workspace.run_json("init", "--from-handbook")
    assert code == 2 and "the 'Rotations' tab has 3 row(s)" in document["error"]
    assert google.writes() == []


def test_make_workspace_has_the_sample_page(tmp_path: Path) -> None:
    """The refusal test above relies on the real page's three 2022 rows."""
    assert sorted(page_rows(make_workspace(tmp_path)).keys()) == [r[:10] for r in PAGE_ROWS]
