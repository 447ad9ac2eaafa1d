"""Time off end to end on the local backends: the Time off file, the warning everywhere a
manager looks, one post per conflict, and never a change to a target."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.conftest import Workspace
from tests.helpers import people_rows, to_csv, write_roster
from tests.wire.fakes.feed import FakeFeed, FeedEvent, ics_feed

TIME_OFF = """
[time_off]
file = "roster/time-off.csv"

[notify]
channel = "#escalation-engineering"
"""
WARNING = ("Rotations row 3: Valery Bugakov is away 2022-09-20 to 2022-09-22 during the "
           "rotation 2022-09-07 to 2022-10-09 and no Overrides row covers it.")


def with_time_off(workspace: Workspace, rows: list[list[str]], status_tab: bool = True) -> None:
    config = workspace.config.read_text()
    if "[time_off]" in config:
        config = config.split(TIME_OFF)[0]
    if status_tab and "status_tab" not in config:
        config = config.replace('people = "roster/people.csv"\n',
                                'people = "roster/people.csv"\nstatus_tab = "Sync status"\n')
    workspace.config.write_text(config + TIME_OFF)
    (workspace.folder / "roster" / "time-off.csv").write_text(
        to_csv([["GitHub", "Start", "End", "Note"], *rows]))


def posts(workspace: Workspace) -> list[str]:
    path = workspace.folder / "out" / "messages.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line)["text"] for line in lines]


def test_a_conflict_is_a_warning_in_json_status_tab_and_posted_once(workspace: Workspace
                                                                     ) -> None:
    with_time_off(workspace, [["valerybugakov", "2022-09-20", "2022-09-22", "dentist, private"]])
    code, document = workspace.run_json("sync", "--today", "2022-09-10")
    assert code == 0
    [finding] = [f for f in document["findings"] if f["code"] == "time-off-conflict"]
    assert finding["severity"] == "warning" and finding["message"].startswith(WARNING)
    assert (finding["tab"], finding["row"], finding["column"]) == ("Rotations", 3, "Engineers")
    status = (workspace.folder / "roster" / "sync-status.csv").read_text()
    assert WARNING in status
    assert [text for text in posts(workspace) if "away" in text] == [
        "rotation-sync: " + finding["message"].removeprefix("Rotations row 3: ")]
    code, _again = workspace.run_json("sync", "--today", "2022-09-11")
    assert code == 0 and len([t for t in posts(workspace) if "away" in t]) == 1
    everything = json.dumps(document) + status + "".join(posts(workspace))
    assert "dentist" not in everything  # the Note is never copied anywhere


def test_changed_days_are_a_new_conflict_and_posted_again(workspace: Workspace) -> None:
    with_time_off(workspace, [["valerybugakov", "2022-09-20", "2022-09-22"]])
    assert workspace.run("sync", "--today", "2022-09-10").exit_code == 0
    with_time_off(workspace, [["valerybugakov", "2022-09-20", "2022-09-23"]])
    assert workspace.run("sync", "--today", "2022-09-10").exit_code == 0
    assert [t.split(" is away ")[1][:24] for t in posts(workspace) if "away" in t] == [
        "2022-09-20 to 2022-09-22", "2022-09-20 to 2022-09-23"]


def test_time_off_never_changes_a_target(workspace: Workspace, tmp_path: Path) -> None:
    assert workspace.run("sync", "--today", "2022-09-10").exit_code == 0
    before = workspace.snapshot()
    with_time_off(workspace, [["keegancsmith", "2022-09-08", "2022-10-09"]], status_tab=False)
    code, document = workspace.run_json("sync", "--today", "2022-09-10")
    assert code == 0
    assert all(not t["changes"] for t in document["targets"].values())
    assert workspace.snapshot() == before
    assert "keegancsmith" in json.dumps(workspace.slack_group())  # still on the group


def test_plan_and_validate_show_the_conflict_but_post_nothing(workspace: Workspace) -> None:
    with_time_off(workspace, [["valerybugakov", "2022-09-20", "2022-09-22"]])
    for command in ("validate", "plan"):
        code, document = workspace.run_json(command, "--today", "2022-09-10")
        assert code == 0
        assert [f["code"] for f in document["findings"]].count("time-off-conflict") == 1
    assert posts(workspace) == []


def test_bad_time_off_rows_name_tab_row_and_column_and_write_nothing(workspace: Workspace
                                                                     ) -> None:
    with_time_off(workspace, [["valerybugakov", "2022-09-20", "20.9.2022"],
                              ["nobody-here", "2022-09-20", "2022-09-21"],
                              ["keegancsmith", "2022-09-25", "2022-09-21"],
                              ["tbliu98", "", "2022-09-21"]])
    before = workspace.snapshot()
    code, document = workspace.run_json("sync", "--today", "2022-09-10")
    assert code == 1
    found = [(f["code"], f["tab"], f["row"], f["column"]) for f in document["findings"]
             if f["severity"] == "error"]
    assert found == [("bad-date", "Time off", 2, "End"),
                     ("unknown-handle", "Time off", 3, "GitHub"),
                     ("end-before-start", "Time off", 4, "End"),
                     ("missing-date", "Time off", 5, "Start")]
    assert workspace.snapshot() == before
    messages = [f["message"] for f in document["findings"]]
    assert "Time off row 4: End 2022-09-21 is before Start 2022-09-25." in messages


def test_report_has_a_conflicts_section_and_marks_the_timeline(workspace: Workspace) -> None:
    with_time_off(workspace, [["valerybugakov", "2022-09-20", "2022-09-22"]])
    code, document = workspace.run_json("report", "--today", "2022-09-10")
    assert code == 0
    assert document["conflicts"] == [{"github": "valerybugakov", "name": "Valery Bugakov",
                                      "from": "2022-09-20", "to": "2022-09-22",
                                      "rotation": "2022-09-07 to 2022-10-09", "row": 3}]
    page = workspace.folder / "report.html"
    text = workspace.run("report", "--today", "2022-09-10", "--html", str(page))
    assert "Time-off conflicts" in text.stdout and "Valery Bugakov" in text.stdout
    html = page.read_text()
    assert "class='conflict'" in html and "id='conflicts'" in html


def test_a_time_off_tab_with_a_csv_source_is_a_config_error(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text() + '\n[time_off]\ntab = "Time off"\n')
    result = workspace.run("validate")
    assert result.exit_code == 2 and "[time_off] tab" in result.output


def test_a_bad_horizon_is_a_config_error_naming_the_key(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text() + '\n[time_off]\nhorizon = "soon"\n')
    result = workspace.run("validate")
    assert result.exit_code == 2 and "time_off.horizon" in result.output


def people_with_countries(countries: dict[str, str]) -> list[list[str]]:
    rows = [[*row, "Country"] if number == 0 else [*row, countries.get(row[0], "")]
            for number, row in enumerate(people_rows())]
    return rows


HOLIDAYS = '\n[time_off]\nholidays = true\n\n[notify]\nchannel = "#escalation-engineering"\n'
COUNTRIES = {"valerybugakov": "de", "keegancsmith": "za", "tbliu98": "us"}
UNITY_DAY = ("German Unity Day (DE) on 2022-10-03: @valerybugakov is on rotation (2022-09-07 "
             "to 2022-10-09). To plan around it, add an Overrides row: Start 2022-10-03, End "
             "2022-10-03, Engineer valerybugakov, Cover @BolajiOlajide.")


def with_holidays(workspace: Workspace) -> None:
    write_roster(workspace.folder, people=people_with_countries(COUNTRIES))
    workspace.config.write_text(workspace.config.read_text() + HOLIDAYS)


def test_a_public_holiday_is_a_warning_naming_the_holiday_and_country(workspace: Workspace
                                                                      ) -> None:
    with_holidays(workspace)
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0
    holidays = [f for f in document["findings"] if f["code"] == "holiday-on-rotation"]
    assert [f["message"].split(": ", 1)[1] for f in holidays] == [
        "Heritage Day (ZA) on 2022-09-24: @keegancsmith is on rotation (2022-09-07 to "
        "2022-10-09). To plan around it, add an Overrides row: Start 2022-09-24, End "
        "2022-09-24, Engineer keegancsmith, Cover @BolajiOlajide.", UNITY_DAY,
        "Columbus Day (US) on 2022-10-10: @tbliu98 is on rotation (2022-10-10 to 2022-11-07). "
        "To plan around it, add an Overrides row: Start 2022-10-10, End 2022-10-10, Engineer "
        "tbliu98, Cover @BolajiOlajide."]
    assert all(f["severity"] == "warning" and f["column"] == "Engineers" for f in holidays)
    assert [f for f in document["findings"] if f["code"] == "time-off-conflict"] == []


def test_following_the_suggestion_leaves_no_warning_behind(workspace: Workspace) -> None:
    with_holidays(workspace)
    config = workspace.config.read_text().replace(
        'people = "roster/people.csv"\n',
        'people = "roster/people.csv"\noverrides = "roster/overrides.csv"\n')
    workspace.config.write_text(config)
    (workspace.folder / "roster" / "overrides.csv").write_text(to_csv([
        ["Start", "End", "Engineer", "Cover", "Note"],
        ["2022-10-03", "2022-10-03", "valerybugakov", "BolajiOlajide", ""]]))
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0, document
    messages = [f["message"] for f in document["findings"]]
    assert not any("German Unity Day" in m for m in messages)
    assert not [f for f in document["findings"] if f["code"].startswith("override")]


def test_holidays_are_one_message_per_run_and_never_repeated(workspace: Workspace) -> None:
    with_holidays(workspace)
    assert workspace.run_json("sync", "--today", "2022-09-10")[0] == 0
    (message,) = posts(workspace)
    lines = message.splitlines()
    assert lines[0] == "rotation-sync: public holidays during rotations"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "- Heritage Day (ZA) on 2022-09-24", "- German Unity Day (DE) on 2022-10-03",
        "- Columbus Day (US) on 2022-10-10"]
    assert f"- {UNITY_DAY}" in lines
    assert workspace.run_json("sync", "--today", "2022-09-11")[0] == 0
    assert len(posts(workspace)) == 1, "not again while unchanged"


def test_a_country_that_is_not_an_iso_code_is_an_error_on_its_cell(workspace: Workspace
                                                                   ) -> None:
    write_roster(workspace.folder, people=people_with_countries({"valerybugakov": "Germany"}))
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 1
    [error] = [f for f in document["findings"] if f["severity"] == "error"]
    assert (error["code"], error["tab"], error["row"], error["column"]) == \
        ("bad-country", "People", 4, "Country")
    assert [f for f in document["findings"] if f["code"] == "unknown-handle"] == []


def test_the_hr_feed_from_the_loopback_server(workspace: Workspace) -> None:
    with FakeFeed() as feed:
        url = feed.serve("/hr.ics", ics_feed([FeedEvent(
            "Keegan Carruthers-Smith - Vacation", date(2022, 9, 12), date(2022, 9, 14))]))
        workspace.config.write_text(workspace.config.read_text() +
                                    f'\n[time_off]\nics_url = "{url}"\n')
        code, document = workspace.run_json("sync", "--today", "2022-09-10")
        feed.remove("/hr.ics")
        _code, later = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0
    assert [f["message"].split(": ", 1)[1][:60] for f in document["findings"]
            if f["code"] == "time-off-conflict"] == [
        "Keegan Carruthers-Smith is away 2022-09-12 to 2022-09-13 dur"]
    assert "Vacation" not in json.dumps(document)
    [unreadable] = [f for f in later["findings"] if f["code"] == "time-off-unreadable"]
    assert unreadable["tab"] == "Time off" and "HTTP 404" in unreadable["message"]


def test_a_plain_http_feed_off_this_machine_is_refused(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text() +
                                '\n[time_off]\nics_url = "http://hr.example.com/t.ics"\n')
    result = workspace.run("validate")
    assert result.exit_code == 2 and "time_off.ics_url" in result.output


def test_a_country_without_a_holiday_calendar_is_a_warning(workspace: Workspace) -> None:
    write_roster(workspace.folder, people=people_with_countries({"keegancsmith": "ZZ"}))
    workspace.config.write_text(workspace.config.read_text() + "\n[time_off]\nholidays = true\n")
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0
    [warning] = [f for f in document["findings"] if f["code"] == "time-off-unreadable"]
    assert (warning["tab"], warning["row"], warning["column"]) == ("People", 2, "Country")
    assert "Country ZZ has no public holiday calendar" in warning["message"]


def test_an_overrides_row_covering_the_time_off_is_no_conflict(workspace: Workspace) -> None:
    with_time_off(workspace, [["valerybugakov", "2022-09-20", "2022-09-22"]])
    config = workspace.config.read_text().replace(
        'people = "roster/people.csv"\n',
        'people = "roster/people.csv"\noverrides = "roster/overrides.csv"\n')
    workspace.config.write_text(config)
    overrides = workspace.folder / "roster" / "overrides.csv"
    header = ["Start", "End", "Engineer", "Cover", "Note"]
    overrides.write_text(to_csv([header]))
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0
    [finding] = [f for f in document["findings"] if f["code"] == "time-off-conflict"]
    assert finding["message"].startswith(WARNING)

    overrides.write_text(to_csv([header, ["2022-09-20", "2022-09-22", "valerybugakov",
                                          "sven-larsen", ""]]))
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0, document
    assert [f for f in document["findings"] if f["code"] == "time-off-conflict"] == []
