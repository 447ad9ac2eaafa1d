"""A manager adds one Overrides row: from its start the Slack group, the calendar and the
messages tell the truth, and removing the row undoes it all. Local backends, the real CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests.conftest import Workspace, make_workspace
from tests.helpers import to_csv

HEADER = ["Start", "End", "Engineer", "Cover", "Note"]
ROW = ["2022-09-12", "2022-09-14", "valerybugakov", "sven-larsen", "dentist"]
TO_VALERY = ("An override was added: you are off the escalation engineer rotation from "
             "2022-09-12 to 2022-09-14; @sven-larsen covers you. It begins Mon 2022-09-12 09:00 "
             "America/Los_Angeles (Mon 2022-09-12 18:00 Europe/Berlin) and ends Thu 2022-09-15 "
             "09:00 America/Los_Angeles (Thu 2022-09-15 18:00 Europe/Berlin). Note: dentist")
TO_SVEN = ("You cover @valerybugakov on the escalation engineer rotation from 2022-09-12 to "
           "2022-09-14. It begins Mon 2022-09-12 09:00 America/Los_Angeles (Mon 2022-09-12 "
           "12:00 America/New_York) and ends Thu 2022-09-15 09:00 America/Los_Angeles (Thu "
           "2022-09-15 12:00 America/New_York). Note: dentist")


def overrides_workspace(folder: Path) -> Workspace:
    workspace = make_workspace(folder)
    text = workspace.config.read_text().replace(
        'people = "roster/people.csv"\n',
        'people = "roster/people.csv"\noverrides = "roster/overrides.csv"\n'
        'status_tab = "Sync status"\n').replace(
        'empty_policy = "keep"', 'empty_policy = "keep"\nnotify_changes = true\n'
        'announce_channel = "#escalation-engineering"')
    workspace.config.write_text(text)
    write_overrides(workspace)
    return workspace


def write_overrides(workspace: Workspace, *rows: list[str]) -> None:
    (workspace.folder / "roster" / "overrides.csv").write_text(to_csv([HEADER, *rows]))


def sync(workspace: Workspace, day: str) -> dict[str, Any]:
    code, document = workspace.run_json("sync", "--today", day)
    assert code == 0, document
    return document


def test_one_row_moves_the_group_the_calendar_and_the_messages(tmp_path: Path) -> None:
    workspace = overrides_workspace(tmp_path)
    sync(workspace, "2022-09-10")
    assert workspace.said() == [], "never on the first sync"

    write_overrides(workspace, ROW)
    code, plan = workspace.run_json("plan", "--today", "2022-09-10")
    assert code == 0
    assert [c["key"] for c in plan["targets"]["calendar"]["changes"]] == [
        "override-valerybugakov-20220912"]
    notes = plan["targets"]["slack"]["notes"]
    assert f"would message Valery Bugakov (@valerybugakov): {TO_VALERY}" in notes
    assert f"would message Sven Larsen (@sven-larsen): {TO_SVEN}" in notes
    assert plan["targets"]["handbook"]["changes"] == [], "the handbook table is the plan"

    sync(workspace, "2022-09-10")
    assert workspace.said() == [("@valerybugakov", TO_VALERY), ("@sven-larsen", TO_SVEN)]
    assert workspace.members() == ["keegancsmith", "valerybugakov"], "not before its start"

    sync(workspace, "2022-09-12")
    assert workspace.members() == ["keegancsmith", "sven-larsen"]
    announced = ("#escalation-engineering", "Sven Larsen covers Valery Bugakov until "
                 "2022-09-14 (@escalation-engineers). Back to the plan: Thu 2022-09-15 09:00 "
                 "America/Los_Angeles (Thu 12:00 America/New_York for @sven-larsen, Thu 18:00 "
                 "Europe/Berlin for @valerybugakov). Note: dentist")
    assert workspace.said()[2:] == [announced], "announce_channel on the file backend too"
    sync(workspace, "2022-09-13")
    assert len(workspace.said()) == 3, "no DM and no announcement again"
    assert workspace.run_json("plan", "--today", "2022-09-13")[1]["targets"]["slack"][
        "changes"] == [], "the cover is not reverted by drift repair"

    sync(workspace, "2022-09-15")
    assert workspace.members() == ["keegancsmith", "valerybugakov"], "back the day after End"


def test_removing_the_row_deletes_the_event_and_tells_both(tmp_path: Path) -> None:
    workspace = overrides_workspace(tmp_path)
    write_overrides(workspace, ROW)
    sync(workspace, "2022-09-10")
    ics = workspace.folder / "out" / "rotations.ics"
    assert "rotation-sync-override-valerybugakov-20220912@rotation-sync" in ics.read_text()

    write_overrides(workspace)
    document = sync(workspace, "2022-09-10")
    assert [(c["action"], c["key"]) for c in document["targets"]["calendar"]["changes"]] == [
        ("delete", "override-valerybugakov-20220912")]
    assert "override-valerybugakov" not in ics.read_text()
    assert workspace.said() == [
        ("@valerybugakov", "The override from 2022-09-12 to 2022-09-14 was removed: you are "
                           "on the escalation engineer rotation on those days again."),
        ("@sven-larsen", "You no longer cover @valerybugakov on the escalation engineer "
                         "rotation from 2022-09-12 to 2022-09-14.")]


def test_a_changed_row_tells_the_old_and_the_new_cover(tmp_path: Path) -> None:
    workspace = overrides_workspace(tmp_path)
    write_overrides(workspace, ROW)
    sync(workspace, "2022-09-10")
    write_overrides(workspace, [*ROW[:3], "priya-nair", "dentist"])
    sync(workspace, "2022-09-10")
    assert [channel for channel, _ in workspace.said()] == [
        "@valerybugakov", "@priya-nair", "@sven-larsen"]
    assert workspace.said()[0][1].startswith("An override changed: you are now off")


def test_a_bad_override_row_stops_everything_naming_the_cell(tmp_path: Path) -> None:
    workspace = overrides_workspace(tmp_path)
    sync(workspace, "2022-09-10")
    before = workspace.snapshot()
    write_overrides(workspace, ["2022-09-12", "2022-09-14", "valerybugakov", "keegancsmith",
                                ""])

    code, document = workspace.run_json("sync", "--today", "2022-09-12")

    assert code == 1
    [finding] = [f for f in document["findings"] if f["severity"] == "error"]
    assert (finding["code"], finding["tab"], finding["row"], finding["column"]) == (
        "override-conflict", "Overrides", 2, "Cover")
    assert workspace.snapshot() == before
    assert [m for m in workspace.said() if m[0].startswith("@")] == [], "no DM"
    result = workspace.run("validate")
    assert "Traceback" not in result.output and "Overrides row 2" in result.output


def test_the_status_tab_carries_override_findings_and_changes(tmp_path: Path) -> None:
    workspace = overrides_workspace(tmp_path)
    write_overrides(workspace, ["2022-09-12", "2022-09-14", "valerybugakov", "TBD", ""])
    sync(workspace, "2022-09-10")
    status = workspace.folder / "roster" / "sync-status.csv"
    rows = list(csv.reader(io.StringIO(status.read_text())))
    assert any(row[:4] == ["warning", "Overrides", "2", "Cover"] for row in rows)
    assert any(row[2:4] == ["create", "override-valerybugakov-20220912"] for row in rows)


def test_report_counts_days_covered_and_away(tmp_path: Path) -> None:
    workspace = overrides_workspace(tmp_path)
    write_overrides(workspace, ROW)
    code, document = workspace.run_json("report", "--today", "2022-09-10")
    assert code == 0
    people = {p["github"]: p for p in document["people"]}
    assert (people["sven-larsen"]["days_covered"], people["sven-larsen"]["days_away"]) == (3, 0)
    assert (people["valerybugakov"]["days_covered"], people["valerybugakov"]["days_away"]) \
        == (0, 3)
    html = tmp_path / "report.html"
    assert workspace.run("report", "--today", "2022-09-10", "--html", str(html)).exit_code == 0
    assert "<rect class='override'" in html.read_text()
    assert "@sven-larsen covers @valerybugakov 2022-09-12 to 2022-09-14" in html.read_text()
