"""`rotation-sync propose` and `ledger` on the local backends, black-box through the CLI."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from tests.conftest import Workspace
from tests.helpers import people_rows, rotations_rows, to_csv, write_roster

TODAY = "2022-09-10"


def proposed(workspace: Workspace, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    return workspace.run_json("propose", "--today", TODAY, *args)


def add_config(workspace: Workspace, text: str) -> None:
    workspace.config.write_text(workspace.config.read_text() + text)


def test_propose_fills_the_tbd_slots_and_drafts_with_reasons(workspace: Workspace) -> None:
    code, document = proposed(workspace, "--until", "2022-12-31")
    assert code == 0 and set(document) >= {"exit_code", "findings", "proposed"}
    first, *drafts = document["proposed"]
    assert (first["start"], first["end"], first["fills_row"]) == ("2022-10-10", "2022-11-07", 4)
    assert first["engineers"][0] == {"handle": "tbliu98", "proposed": False,
                                     "reason": "on the roster"}
    assert all(e["proposed"] and e["reason"] for e in first["engineers"][1:])
    assert [(d["start"], d["fills_row"]) for d in drafts] == [("2022-11-08", None),
                                                              ("2022-12-06", None)]


def test_without_until_drafts_reach_horizon_and_each_is_length_long(workspace: Workspace) -> None:
    """[propose] horizon, length and engineers shape the drafts when no --until is given."""
    add_config(workspace, '\n[propose]\nhorizon = "10w"\nlength = "35d"\nengineers = 2\n')
    code, document = proposed(workspace)
    drafts = [d for d in document["proposed"] if d["fills_row"] is None]
    assert code == 0 and drafts, document
    assert all(d["start"] <= "2022-11-19" for d in drafts)  # today + 10 weeks
    assert {(date.fromisoformat(d["end"]) - date.fromisoformat(d["start"])).days + 1
            for d in drafts} == {35}
    assert {len(d["engineers"]) for d in drafts} == {2}


def test_the_same_input_prints_the_same_bytes_and_writes_nothing(workspace: Workspace) -> None:
    first = workspace.run("propose", "--today", TODAY, "--json")
    second = workspace.run("propose", "--today", TODAY, "--json")
    assert first.exit_code == 0 and first.stdout == second.stdout
    assert not (workspace.folder / "proposed.csv").exists()
    assert not (workspace.folder / "state").exists() and not (workspace.folder / "out").exists()


def test_write_replaces_the_proposed_file_and_never_the_rotations(workspace: Workspace) -> None:
    rotations = (workspace.folder / "roster" / "rotations.csv").read_bytes()
    (workspace.folder / "proposed.csv").write_text("old,rows\n" * 50)
    code, document = proposed(workspace, "--write", "--until", "2022-11-30")
    rows = list(csv.reader((workspace.folder / "proposed.csv").read_text().splitlines()))
    assert code == 0 and rows[0] == ["Start", "End", "Engineers", "Fills", "Reason"]
    assert len(rows) == 1 + len(document["proposed"])
    start, end, engineers, fills, reason = rows[1]
    assert (start, end, fills) == ("2022-10-10", "2022-11-07", "4")
    assert engineers.startswith("tbliu98, ") and reason.startswith("@")
    assert (workspace.folder / "roster" / "rotations.csv").read_bytes() == rotations


def test_the_written_rows_validate_as_rotations(workspace: Workspace) -> None:
    """A manager copies rows as they are: the file reads as a Rotations tab."""
    proposed(workspace, "--write", "--until", "2022-11-30")
    rows = list(csv.reader((workspace.folder / "proposed.csv").read_text().splitlines()))
    kept = [row for row in rotations_rows() if row[0] != "2022-10-10"]
    write_roster(workspace.folder, kept + [r[:3] for r in rows[1:]], people_rows())
    code, document = workspace.run_json("validate", "--today", TODAY)
    assert code == 0 and not [f for f in document["findings"] if (f["row"] or 0) >= 4]


def test_an_invalid_roster_is_exit_1_and_nothing_is_proposed(workspace: Workspace) -> None:
    (workspace.folder / "roster" / "rotations.csv").write_text(
        "Start,End,Engineers\n2022-08-10,2022-08-01,tbliu98\n")
    code, document = proposed(workspace, "--write")
    assert code == 1 and document["proposed"] == []
    assert document["findings"][0]["code"] == "end-before-start"
    assert not (workspace.folder / "proposed.csv").exists()


def test_a_propose_value_out_of_range_is_exit_2_naming_the_key(workspace: Workspace) -> None:
    add_config(workspace, '\n[propose]\nlength = "2d"\n')
    result = workspace.run("propose", "--today", TODAY)
    assert result.exit_code == 2 and "propose.length" in result.output
    add_config(workspace, 'engineers = 0\n')
    assert "propose.engineers" in workspace.run("propose").output


def test_a_team_too_small_leaves_tbd_with_a_warning(workspace: Workspace) -> None:
    add_config(workspace, '\n[propose]\nmin_gap = "52w"\nengineers = 3\n')
    code, document = proposed(workspace, "--until", "2023-06-30")
    assert code == 0
    unfilled = [f for f in document["findings"] if f["code"] == "propose-unfilled"]
    assert unfilled and "within min_gap" in unfilled[-1]["message"]
    assert any(e["handle"] == "TBD" for p in document["proposed"] for e in p["engineers"])


def test_validate_points_the_tbd_warning_at_propose(workspace: Workspace) -> None:
    _code, document = workspace.run_json("validate", "--today", "2022-09-30")
    [tbd] = [f for f in document["findings"] if f["code"] == "unfilled-soon"]
    assert tbd["message"].endswith("`rotation-sync propose` suggests engineers.")


def with_people_columns(workspace: Workspace, eligible: str, due_by: str) -> None:
    rows = [[*row, "Eligible", "Team", "Due by"] if n == 0 else [*row, "", "", ""]
            for n, row in enumerate(people_rows())]
    rows[2][-3:] = [eligible, "core", due_by]
    (workspace.folder / "roster" / "people.csv").write_text(to_csv(rows))


def test_people_planning_columns_are_validated_naming_tab_row_and_column(
        workspace: Workspace) -> None:
    with_people_columns(workspace, "maybe", "soon")
    code, document = workspace.run_json("validate", "--today", TODAY)
    found = {(f["code"], f["tab"], f["row"], f["column"]) for f in document["findings"]
             if f["tab"] == "People"}
    assert code == 1
    assert found == {("bad-eligible", "People", 3, "Eligible"), ("bad-date", "People", 3, "Due by")}


def test_eligible_no_is_never_proposed_and_due_by_is_preferred(workspace: Workspace) -> None:
    with_people_columns(workspace, "no", "")
    code, document = proposed(workspace, "--until", "2023-12-31")
    handle = people_rows()[2][0]
    assert code == 0
    assert not any(e["handle"] == handle and e["proposed"]
                   for p in document["proposed"] for e in p["engineers"])


# -- ledger ------------------------------------------------------------------------------
def test_sync_records_and_ledger_prints_per_person_totals(workspace: Workspace,
                                                          tmp_path: Path) -> None:
    assert workspace.run("sync", "--today", TODAY).exit_code == 0
    code, document = workspace.run_json("ledger", "--today", TODAY)
    lines = {line["handle"]: line for line in document["people"]}
    assert code == 0 and lines["keegancsmith"]["rotations"] == 2
    assert lines["keegancsmith"]["days_served"] == 28 + 3  # 08-10..09-06, 09-07..09-09
    assert lines["keegancsmith"]["first_day"] == "2022-08-10"
    assert lines["keegancsmith"]["last_day"] == "2022-09-09"
    assert {day["origin"] for day in document["days"]} == {"from roster"}
    assert workspace.run("ledger", "--today", TODAY, "--csv", str(tmp_path / "l.csv")
                         ).exit_code == 0
    rows = list(csv.reader((tmp_path / "l.csv").read_text().splitlines()))
    assert rows[0][:3] == ["GitHub", "Rotations", "Days served"] and len(rows) == 8
    code, report = workspace.run_json("report", "--today", TODAY)
    assert {line["handle"]: line for line in report["ledger"]} == lines


def test_a_past_edit_is_a_warning_and_accept_edits_is_in_the_history(
        workspace: Workspace) -> None:
    workspace.run("sync", "--today", TODAY)
    rotations = rotations_rows()
    rotations[1][2] = "keegancsmith, priya-nair"
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rotations))
    code, document = workspace.run_json("sync", "--today", "2022-09-11")
    [edit] = [f for f in document["findings"] if f["code"] == "past-edited"]
    assert code == 0 and (edit["tab"], edit["row"]) == ("Rotations", 2)
    assert "2022-08-10 to 2022-09-06, recorded as @BolajiOlajide, @keegancsmith" in \
        edit["message"]
    result = workspace.run("ledger", "--today", "2022-09-11", "--accept-edits", "--from",
                           "2022-08-10", "--to", "2022-09-06")
    assert result.exit_code == 0 and "Re-recorded 2022-08-10 to 2022-09-06" in result.output
    runs = json.loads(workspace.run("status", "--json").stdout)["runs"]
    assert runs[0]["notice"].startswith("re-recorded 2022-08-10 to 2022-09-06")
    code, document = workspace.run_json("sync", "--today", "2022-09-12")
    assert not [f for f in document["findings"] if f["code"] == "past-edited"]


def test_ledger_refuses_bad_option_combinations(workspace: Workspace) -> None:
    assert workspace.run("ledger", "--json", "--csv", "x.csv").exit_code == 2
    assert workspace.run("ledger", "--accept-edits", "--from", "2022-08-10").exit_code == 2
    assert workspace.run("ledger", "--from", "2022-09-10", "--to", "2022-09-01").exit_code == 2


def test_the_example_rosters_tbd_slots_are_filled_by_propose(tmp_path: Path) -> None:
    """The README's loop on config/example.toml: validate warns, propose fills, --write
    writes the ignored out/proposed.csv, and nothing tracked changes."""
    import shutil

    from typer.testing import CliRunner

    from sync.cli.commands import app

    root = Path(__file__).parent.parent.parent / "config"
    shutil.copytree(root, tmp_path / "config",
                    ignore=shutil.ignore_patterns("out", "state", "*.sqlite"))
    config = str(tmp_path / "config" / "example.toml")
    before = {p: p.read_bytes() for p in (tmp_path / "config").rglob("*") if p.is_file()}
    result = CliRunner().invoke(app, ["propose", "-c", config, "--today", "2027-01-25",
                                      "--write", "--json"])
    document = json.loads(result.stdout)
    fills = {p["fills_row"]: p for p in document["proposed"] if p["fills_row"]}
    assert result.exit_code == 0 and set(fills) == {8, 9}
    assert all(e["handle"] != "TBD" for p in fills.values() for e in p["engineers"])
    assert (tmp_path / "config" / "out" / "proposed.csv").exists()
    assert before == {p: p.read_bytes() for p in before}


def test_write_never_targets_a_roster_file(workspace: Workspace) -> None:
    rotations = (workspace.folder / "roster" / "rotations.csv").read_bytes()
    add_config(workspace, '\n[propose]\nfile = "roster/rotations.csv"\n')
    result = workspace.run("propose", "--today", TODAY, "--write")
    assert result.exit_code == 2 and "[propose] file" in result.output
    assert (workspace.folder / "roster" / "rotations.csv").read_bytes() == rotations


def test_ledger_counts_public_holidays_served_when_holidays_are_on(
        workspace: Workspace) -> None:
    rows = [[*row, "Country"] if n == 0 else [*row, "US" if row[0] == "keegancsmith" else ""]
            for n, row in enumerate(people_rows())]
    (workspace.folder / "roster" / "people.csv").write_text(to_csv(rows))
    code, document = workspace.run_json("ledger", "--today", TODAY)
    assert code == 0 and {line["public_holidays"] for line in document["people"]} == {None}
    add_config(workspace, "\n[time_off]\nholidays = true\n")
    code, document = workspace.run_json("ledger", "--today", TODAY)
    holidays = {line["handle"]: line["public_holidays"] for line in document["people"]}
    assert code == 0 and holidays["keegancsmith"] == 1  # Labor Day, 2022-09-05
    assert set(holidays.values()) == {0, 1}


def test_time_off_from_the_tab_and_the_hr_feed_keeps_people_out(workspace: Workspace) -> None:
    from datetime import date

    from tests.wire.fakes.feed import FakeFeed, FeedEvent, ics_feed

    (workspace.folder / "roster" / "time-off.csv").write_text(
        to_csv([["GitHub", "Start", "End"], ["kenji-sato", "2022-11-01", "2022-11-03"]]))
    with FakeFeed() as feed:
        url = feed.serve("/hr.ics", ics_feed([FeedEvent("Sven Larsen - PTO", date(2022, 10, 1),
                                                        date(2022, 10, 12))]))
        add_config(workspace, f'\n[time_off]\nfile = "roster/time-off.csv"\nics_url = "{url}"\n')
        code, document = proposed(workspace, "--until", "2022-10-01")
    [rotation] = document["proposed"]
    assert code == 0 and [e["handle"] for e in rotation["engineers"]] == [
        "tbliu98", "priya-nair", "TBD"]
    [unfilled] = [f for f in document["findings"] if f["code"] == "propose-unfilled"]
    assert "2 away, 3 within min_gap, 2 already on it" in unfilled["message"]


def test_a_ledger_run_is_not_a_successful_sync_for_health_checks(workspace: Workspace) -> None:
    workspace.run("ledger", "--today", TODAY, "--accept-edits", "--from", "2022-08-10",
                  "--to", "2022-08-11")
    document = json.loads(workspace.run("status", "--json").stdout)
    assert document["runs"][0]["notice"].startswith("nothing re-recorded")
    assert document["last_success"] is None
