"""Lost state never repeats a message (issue 23, point 5): the state store is deleted
between runs, as when a disk is replaced or a CI cache expires, and nothing already sent
(a reminder, a handoff or override announcement, a shift-change DM) is sent again once
its moment is more than a day back. Time is moved with time-machine, never waited for."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conftest import Workspace
from tests.helpers import DictMemory, rotations_rows, to_csv
from tests.targets.test_slack_overrides import covered
from tests.targets.test_slack_target import CHANNEL, HANDLE, run, target
from tests.wire.fakes.slack import FakeSlack, User

ROTATIONS = [("2026-10-05", "2026-11-01", ["keegancsmith", "BolajiOlajide"]),
             ("2026-11-02", "2026-11-29", ["valerybugakov", "tbliu98", "kenji-sato"])]
SEVEN_DAYS_BEFORE = datetime(2026, 10, 26, 16, 0, tzinfo=UTC)  # 09:00 PDT


@pytest.fixture
def chatty(workspace: Workspace) -> Workspace:
    text = workspace.config.read_text().replace(
        'fallback = ["priya-nair"]\n',
        'fallback = ["priya-nair"]\nremind_before = ["7d"]\nnotify_changes = true\n')
    workspace.config.write_text(text.split("[handbook]")[0])
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rotations_rows(ROTATIONS)))
    return workspace


def sync_at(workspace: Workspace, moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        code, document = workspace.run_json("sync")
    assert code == 0, document


def sent(workspace: Workspace) -> list[str]:
    path = workspace.folder / "out" / "messages.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line)["channel"] + " " + json.loads(line)["text"] for line in lines]


def lose_state(workspace: Workspace) -> None:
    shutil.rmtree(workspace.folder / "state")


def test_reminders_are_not_sent_again_after_the_state_is_lost(chatty: Workspace) -> None:
    sync_at(chatty, SEVEN_DAYS_BEFORE)
    reminders = [m for m in sent(chatty) if "starts in 7 days" in m]
    assert len(reminders) == 3
    lose_state(chatty)
    sync_at(chatty, datetime(2026, 10, 28, 16, 0, tzinfo=UTC))
    assert [m for m in sent(chatty) if "starts in" in m] == reminders


def test_announcements_are_not_sent_again_after_the_state_is_lost(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_channel(CHANNEL)
    slack.add_group(HANDLE, [users["keegancsmith"].id, users["BolajiOlajide"].id])
    run(target(slack), "2022-09-07", DictMemory(), rotations=covered())  # the handoff
    run(target(slack), "2022-09-12", DictMemory(), rotations=covered())  # the override
    told = [m.text for m in slack.messages]
    assert len(told) == 2
    for day in ("2022-09-13", "2022-09-14"):  # each run with its state lost
        run(target(slack), day, DictMemory(), rotations=covered())
    assert [m.text for m in slack.messages] == told


def test_a_handoff_missed_for_two_days_is_not_announced_late(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_channel(CHANNEL)
    slack.add_group(HANDLE, [users["keegancsmith"].id, users["BolajiOlajide"].id])
    memory = DictMemory()
    run(target(slack), "2022-08-10", memory)
    assert len(slack.messages) == 1
    _plan, notes = run(target(slack), "2022-09-09", memory)  # the job was down since the 7th
    assert len(slack.messages) == 1
    assert any("not announced" in note or "first run" in note for note in notes), notes


def test_shift_change_messages_are_not_sent_again_after_the_state_is_lost(
        chatty: Workspace) -> None:
    sync_at(chatty, datetime(2026, 10, 20, 16, 0, tzinfo=UTC))
    moved = [("2026-10-05", "2026-11-08", ["keegancsmith", "BolajiOlajide"]),
             ("2026-11-09", "2026-11-29", ["valerybugakov", "tbliu98", "kenji-sato"])]
    (chatty.folder / "roster" / "rotations.csv").write_text(to_csv(rotations_rows(moved)))
    sync_at(chatty, datetime(2026, 10, 21, 16, 0, tzinfo=UTC))
    told = [m for m in sent(chatty) if m.startswith("@")]
    assert told, "the moved shifts were told"
    lose_state(chatty)
    sync_at(chatty, datetime(2026, 10, 22, 16, 0, tzinfo=UTC))
    assert [m for m in sent(chatty) if m.startswith("@")] == told
