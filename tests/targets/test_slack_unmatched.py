"""`slack-unmatched`: a current engineer Slack cannot match is a warning in the findings,
`--json` and the status tab, through the real slack_sdk against the fake Slack."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sync.core.lived.roster import Person
from tests.conftest import Workspace, make_workspace
from tests.helpers import PEOPLE, make_clock, make_roster
from tests.targets.test_slack_target import HANDLE, ROTATIONS, target, with_slack_section
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack, User

VALERY_ROW = list(PEOPLE).index("valerybugakov") + 2  # header = row 1


def slack_workspace(tmp_path: Path, slack: FakeSlack,
                    monkeypatch: pytest.MonkeyPatch) -> Workspace:
    workspace = make_workspace(tmp_path)
    with_slack_section(workspace, slack.api_url)
    text = workspace.config.read_text()
    workspace.config.write_text(text.replace('people = "roster/people.csv"\n',
                                             'people = "roster/people.csv"\n'
                                             'status_tab = "Sync status"\n'))
    monkeypatch.setenv("SLACK_BOT_TOKEN", DEFAULT_TOKEN)
    return workspace


@pytest.mark.parametrize(("break_account", "problem"), [
    (lambda slack, user: slack.users.pop(user.id),
     "no Slack account was found by email valery@example.com"),
    (lambda slack, user: setattr(user, "deleted", True), "deactivated"),
    (lambda slack, user: setattr(user, "is_bot", True), "a bot"),
    (lambda slack, user: setattr(user, "is_restricted", True), "a guest"),
], ids=["not-found", "deactivated", "bot", "guest"])
def test_a_current_engineer_slack_cannot_match_is_a_warning_everywhere(
        tmp_path: Path, slack: FakeSlack, users: dict[str, User],
        monkeypatch: pytest.MonkeyPatch,
        break_account: Callable[[FakeSlack, User], Any], problem: str) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    break_account(slack, users["valerybugakov"])
    workspace = slack_workspace(tmp_path, slack, monkeypatch)
    code, document = workspace.run_json("sync", "--today", "2022-09-10")

    assert code == 0
    [finding] = [f for f in document["findings"] if f["code"] == "slack-unmatched"]
    assert (finding["severity"], finding["tab"], finding["row"], finding["column"]) == \
        ("warning", "People", VALERY_ROW, "Email")
    assert finding["message"].startswith(f"People row {VALERY_ROW}: Valery Bugakov "
                                         "(@valerybugakov) is on rotation now but is not in "
                                         f"@{HANDLE}: ")
    assert problem in finding["message"]
    status = (workspace.folder / "roster" / "sync-status.csv").read_text()
    assert any(row[:2] == ["warning", "People"] and "@valerybugakov" in row[4]
               for row in csv.reader(status.splitlines()))
    _, planned = workspace.run_json("plan", "--today", "2022-09-10")
    assert [f["code"] for f in planned["findings"]].count("slack-unmatched") == 1


def test_engineers_not_on_rotation_now_are_not_reported(slack: FakeSlack,
                                                        users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    slack.users.pop(users["sven-larsen"].id)  # on a later rotation only
    plan = target(slack, announce=None).plan(make_roster(ROTATIONS), make_clock("2022-09-10"))
    assert plan.findings == ()


def test_an_email_shared_with_another_people_row_is_unmatched(slack: FakeSlack,
                                                              users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    roster = make_roster(ROTATIONS)
    twin = Person(github="sven-larsen", name="Sven Larsen", email="valery@example.com",
                  timezone="America/New_York", row=7)
    roster = roster.model_copy(update={"people": {**roster.people, "sven-larsen": twin}})
    plan = target(slack, announce=None).plan(roster, make_clock("2022-09-10"))

    [finding] = plan.findings
    assert finding.code == "slack-unmatched"
    assert "Valery Bugakov (@valerybugakov)" in finding.message
    assert "valery@example.com is also on People row 7 (Sven Larsen)" in finding.message
    assert "Give each person their own Email, or fill in their Slack ID." in finding.message
    assert [m.handle for m in plan.desired[HANDLE].members] == ["keegancsmith"]
