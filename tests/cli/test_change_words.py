"""Changes in words, through the CLI on the local backends: who came and went, which dates
moved, whole titles; the same words in `plan`, `--json` and the status tab."""

from __future__ import annotations

import csv

from tests.conftest import Workspace
from tests.helpers import rotations_rows, to_csv

TODAY = "2022-09-10"
EDITED = [
    ("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
    ("2022-09-07", "2022-10-16", ["keegancsmith", "priya-nair"]),  # End moved, valery → priya
    ("2022-10-17", "2022-11-07", ["tbliu98", None, None]),
]


def edit_roster(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text().replace(
        'people = "roster/people.csv"\n', 'people = "roster/people.csv"\nstatus_tab = "S"\n'))
    assert workspace.run("sync", "--today", TODAY).exit_code == 0
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rotations_rows(EDITED)))


def summaries(document: dict[str, object], target: str) -> dict[str, str]:
    targets = document["targets"]
    assert isinstance(targets, dict)
    return {c["key"]: c["summary"] for c in targets[target]["changes"]}


def test_calendar_and_handbook_name_who_changed_and_the_dates(workspace: Workspace) -> None:
    edit_roster(workspace)
    code, document = workspace.run_json("plan", "--today", TODAY)
    assert code == 0
    calendar = summaries(document, "calendar")["2022-09-07"]
    assert calendar.startswith("update 2022-09-07 to 2022-10-16: dates 2022-09-07 to "
                               "2022-10-09 → 2022-09-07 to 2022-10-16; engineers add "
                               "@priya-nair and remove @valerybugakov; title ")
    assert '"Escalation engineer rotation: Keegan Carruthers-Smith, Priya Nair"' in calendar
    assert '(was "Escalation engineer rotation: Keegan Carruthers-Smith, Valery Bugakov")' \
        in calendar
    handbook = summaries(document, "handbook")["2022-09-07"]
    assert handbook.endswith(": dates 2022-09-07 to 2022-10-09 → 2022-09-07 to 2022-10-16; "
                             "engineers add @priya-nair and remove @valerybugakov")


def test_a_long_title_is_never_cut(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text().replace(
        'path = "out/rotations.ics"\n', 'path = "out/rotations.ics"\nevent_title = '
        '"Escalation engineer rotation of the platform team: {engineers} ({handles})"\n'))
    edit_roster(workspace)
    _, document = workspace.run_json("plan", "--today", TODAY)
    calendar = summaries(document, "calendar")["2022-09-07"]
    assert ("Escalation engineer rotation of the platform team: Keegan Carruthers-Smith, "
            "Priya Nair (@keegancsmith, @priya-nair)") in calendar
    assert "..." not in calendar


def test_the_status_tab_and_the_human_plan_use_the_same_words(workspace: Workspace) -> None:
    edit_roster(workspace)
    _, planned = workspace.run_json("plan", "--today", TODAY)
    human = workspace.run("plan", "--today", TODAY).stdout
    assert "engineers add @priya-nair and remove @valerybugakov" in " ".join(human.split())
    code, synced = workspace.run_json("sync", "--today", TODAY)
    assert code == 0
    status = list(csv.reader((workspace.folder / "roster" / "sync-status.csv").read_text()
                             .splitlines()))
    for target in ("calendar", "handbook"):
        for key, summary in summaries(synced, target).items():
            assert summaries(planned, target)[key] == summary
            assert any(row[3:5] == [key, summary] for row in status), (key, status)
