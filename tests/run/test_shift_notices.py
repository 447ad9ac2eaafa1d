"""`[slack] notify_changes`: engineers whose upcoming shift moved get one direct message."""

from __future__ import annotations

import json
from pathlib import Path

from sync.clients.slack import SlackApi
from sync.targets.slack.model import GroupSettings
from sync.targets.slack.slack import SlackUserGroup
from tests.conftest import Workspace, make_workspace
from tests.helpers import DictMemory, make_roster, rotations_rows, to_csv
from tests.targets.test_slack_target import run
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack, User

BEFORE = [("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
          ("2022-10-10", "2022-11-07", ["tbliu98", None, None])]
AFTER = [BEFORE[0], ("2022-10-10", "2022-11-07", ["tbliu98", "kenji-sato", None])]
ADDED = ("You were added to the escalation engineer rotation 2022-10-10 to 2022-11-07 with "
         "@tbliu98. It begins Mon 2022-10-10 09:00 America/Los_Angeles (Tue 2022-10-11 01:00 "
         "Asia/Tokyo) and ends Tue 2022-11-08 09:00 America/Los_Angeles (Wed 2022-11-09 02:00 "
         "Asia/Tokyo).")


def group(slack: FakeSlack) -> SlackUserGroup:
    settings = GroupSettings("escalation-engineers", "keep", (), notify_changes=True)
    return SlackUserGroup(settings, SlackApi.connect(DEFAULT_TOKEN, slack.api_url,
                                                     "escalation-engineers"))


def test_a_dm_once_per_change_and_none_on_the_first_sync(slack: FakeSlack,
                                                          users: dict[str, User]) -> None:
    slack.add_group("escalation-engineers", [users["tbliu98"].id])
    memory = DictMemory()
    _, notes = run(group(slack), "2022-09-10", memory, rotations=make_roster(BEFORE))
    assert any("first sync" in note for note in notes)
    assert slack.messages == []
    _, notes = run(group(slack), "2022-09-10", memory, dry_run=True,
                   rotations=make_roster(AFTER))
    assert notes == [f"would message Kenji Sato (@kenji-sato): {ADDED}"]
    assert slack.messages == []
    run(group(slack), "2022-09-10", memory, rotations=make_roster(AFTER))
    assert [(m.params["channel"], m.text) for m in slack.messages] == \
        [(users["kenji-sato"].id, ADDED)]
    run(group(slack), "2022-09-11", memory, rotations=make_roster(AFTER))
    assert len(slack.messages) == 1, "never twice for the same change"


def dms(workspace: Workspace) -> list[dict[str, str]]:
    path = workspace.folder / "out" / "messages.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


def test_local_backend_writes_dms_to_the_messages_file(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    workspace.config.write_text(workspace.config.read_text().replace(
        'empty_policy = "keep"', 'empty_policy = "keep"\nnotify_changes = true'))
    rotations = workspace.folder / "roster" / "rotations.csv"
    rotations.write_text(to_csv(rotations_rows(BEFORE)))
    assert workspace.run("sync", "--today", "2022-09-10").exit_code == 0
    assert dms(workspace) == []
    rotations.write_text(to_csv(rotations_rows(AFTER)))
    _, document = workspace.run_json("plan", "--today", "2022-09-10")
    assert f"would message Kenji Sato (@kenji-sato): {ADDED}" in \
        document["targets"]["slack"]["notes"]
    assert dms(workspace) == []
    workspace.run("sync", "--today", "2022-09-10")
    workspace.run("sync", "--today", "2022-09-10")
    assert [(m["channel"], m["text"]) for m in dms(workspace)] == [("@kenji-sato", ADDED)]
