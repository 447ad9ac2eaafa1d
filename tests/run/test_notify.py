"""Failure notices and the all-clear: posted where the managers are, once per problem."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.config.model import load_config
from sync.core.lived.clock import Clock
from sync.run.messenger import SlackTransport
from sync.run.notify import MAX_LINES, notify_after_run
from sync.run.runner import run_sync
from sync.run.state import StateStore
from tests.conftest import Workspace
from tests.helpers import rotations_rows, to_csv
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack

TODAY = "2022-09-10"
CHANNEL = "#escalation-engineering"
GOOD = [("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
        ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
        ("2022-10-10", "2022-11-07", ["tbliu98", None, None])]


def with_notify(workspace: Workspace, section: str = f'[notify]\nchannel = "{CHANNEL}"\n',
                ) -> Workspace:
    workspace.config.write_text(workspace.config.read_text() + "\n" + section)
    return workspace


def write_rotations(workspace: Workspace, rotations: list[Any]) -> None:
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rotations_rows(rotations)))


def with_unknown(handle: str) -> list[Any]:
    return [*GOOD[:2], ("2022-10-10", "2022-11-07", ["tbliu98", handle, None])]


def notices(workspace: Workspace) -> list[str | None]:
    return [run.notice for run in reversed(StateStore(workspace.folder / "state").runs())]


@pytest.fixture
def notified(workspace: Workspace) -> Workspace:
    return with_notify(workspace)


def test_an_invalid_roster_is_posted_once_until_the_problem_changes(notified: Workspace) -> None:
    write_rotations(notified, with_unknown("ghost-engineer"))
    assert notified.run("sync", "--today", TODAY).exit_code == 1
    assert notified.run("sync", "--today", TODAY).exit_code == 1
    posted = notified.sent()
    assert len(posted) == 1, "the same unchanged problem is not posted every night"
    assert posted[0]["channel"] == CHANNEL
    text = posted[0]["text"]
    assert "roster has 1 error(s)" in text and "Nothing was changed" in text
    assert "• Rotations row 4: " in text and "ghost-engineer" in text

    write_rotations(notified, with_unknown("another-ghost"))
    assert notified.run("sync", "--today", TODAY).exit_code == 1
    assert len(notified.sent()) == 2
    assert "another-ghost" in notified.sent()[1]["text"]
    assert notices(notified) == [
        f"failure notice posted in {CHANNEL}",
        f"failure notice not repeated: the same problem was posted in {CHANNEL}",
        f"failure notice posted in {CHANNEL}"]


def test_the_first_success_after_a_notice_posts_one_all_clear(notified: Workspace) -> None:
    write_rotations(notified, with_unknown("ghost-engineer"))
    notified.run("sync", "--today", TODAY)
    write_rotations(notified, GOOD)
    assert notified.run("sync", "--today", TODAY).exit_code == 0
    assert notified.run("sync", "--today", TODAY).exit_code == 0
    texts = [m["text"] for m in notified.sent()]
    assert len(texts) == 2
    assert "works again" in texts[1]
    assert notices(notified)[1:] == [f"all-clear posted in {CHANNEL}", None]

    write_rotations(notified, with_unknown("ghost-engineer"))
    notified.run("sync", "--today", TODAY)
    assert len(notified.sent()) == 3, "after the all-clear the same problem is news again"


def test_a_failed_target_is_posted_with_its_error(notified: Workspace) -> None:
    (notified.folder / "handbook/page.md").write_text("# No table here\n")
    assert notified.run("sync", "--today", TODAY).exit_code == 3
    assert notified.run("sync", "--today", TODAY).exit_code == 3
    posted = notified.sent()
    assert len(posted) == 1
    text = posted[0]["text"]
    assert "could not update the handbook page" in text
    assert "the calendar and the Slack group are up to date" in text
    assert "• handbook: " in text and "no table" in text


def test_a_refused_mass_delete_says_how_to_force_it(notified: Workspace) -> None:
    notified.run("sync", "--today", TODAY)
    write_rotations(notified, [("2022-11-08", "2022-12-05", ["keegancsmith", "tbliu98"])])
    assert notified.run("sync", "--today", TODAY).exit_code == 1
    text = notified.sent()[0]["text"]
    assert "was refused" in text and "--force-delete" in text


def test_a_long_list_is_cut_short(notified: Workspace) -> None:
    rows = [(f"2023-{month:02d}-01", f"2023-{month:02d}-20", [f"ghost-{month}"])
            for month in range(1, 13)] + \
           [(f"2024-{month:02d}-01", f"2024-{month:02d}-20", [f"ghost-b{month}"])
            for month in range(1, 13)]
    write_rotations(notified, rows)
    notified.run("sync", "--today", TODAY)
    lines = notified.sent()[0]["text"].splitlines()
    assert len(lines) == 1 + MAX_LINES + 1
    assert lines[-1].startswith("…and 9 more.") and "rotation-sync validate" in lines[-1]


def test_announce_channel_is_the_default_channel(workspace: Workspace) -> None:
    text = workspace.config.read_text().replace(
        'usergroup = "escalation-engineers"',
        'usergroup = "escalation-engineers"\nannounce_channel = "#oncall"')
    workspace.config.write_text(text)
    write_rotations(workspace, with_unknown("ghost-engineer"))
    workspace.run("sync", "--today", TODAY)
    assert [m["channel"] for m in workspace.sent()] == ["#oncall"]


def test_no_channel_no_notice(workspace: Workspace) -> None:
    write_rotations(workspace, with_unknown("ghost-engineer"))
    assert workspace.run("sync", "--today", TODAY).exit_code == 1
    assert workspace.sent() == []
    assert notices(workspace) == [None]


class Unreachable:
    def post(self, channel: str, text: str) -> None:
        raise ConnectionError("Slack is down")


class Collecting:
    def __init__(self) -> None:
        self.posted: list[tuple[str, str]] = []

    def post(self, channel: str, text: str) -> None:
        self.posted.append((channel, text))


def sync_once(workspace: Workspace, messenger: Any) -> int:
    config = load_config(workspace.config)
    clock = Clock.at(config.tz, config.handoff_time, None)
    return run_sync(config, clock, messenger=messenger).exit_code


def test_a_notice_that_cannot_be_posted_changes_no_exit_code_and_is_tried_again(
        notified: Workspace, caplog: pytest.LogCaptureFixture) -> None:
    write_rotations(notified, with_unknown("ghost-engineer"))
    with caplog.at_level(logging.WARNING):
        assert sync_once(notified, Unreachable()) == 1
    assert "The failure notice could not be posted in #escalation-engineering: Slack is " \
           "down" in caplog.text
    assert notices(notified) == [f"failure notice could not be posted in {CHANNEL}: "
                                 "Slack is down"]
    collecting = Collecting()
    assert sync_once(notified, collecting) == 1
    assert len(collecting.posted) == 1


def test_a_missing_slack_section_is_explained(tmp_path: Path) -> None:
    from tests.conftest import make_workspace

    workspace = make_workspace(tmp_path)
    text = workspace.config.read_text()
    workspace.config.write_text(text.split("[slack]")[0] + "[handbook]" +
                                text.split("[handbook]")[1] + f'[notify]\nchannel = "{CHANNEL}"\n')
    write_rotations(workspace, with_unknown("ghost-engineer"))
    assert workspace.run("sync", "--today", TODAY).exit_code == 1
    assert "there is no [slack] section" in (notices(workspace)[0] or "")


# -- the Slack messenger, over HTTP to the fake Slack -------------------------------------------
@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.add_channel("escalation-engineering")
        yield server


def test_slack_messenger_posts_escaped_text(slack: FakeSlack) -> None:
    SlackTransport.connect(DEFAULT_TOKEN, slack.api_url, "escalation-engineers").post(
        CHANNEL, "rotation-sync: <!channel> & <https://evil.example|click>")
    assert [m.text for m in slack.messages] == [
        "rotation-sync: &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"]


def test_slack_messenger_failures_are_explained_and_retried_by_the_next_run(
        slack: FakeSlack, notified: Workspace) -> None:
    config = load_config(notified.config)
    write_rotations(notified, with_unknown("ghost-engineer"))
    result = run_sync(config, Clock.at(config.tz, config.handoff_time, None),
                      messenger=Collecting())
    memory = StateStore(config.state_dir)
    memory.remember("notify.posted-problem", None)
    messenger = SlackTransport.connect(DEFAULT_TOKEN, slack.api_url, "escalation-engineers")
    slack.channels.clear()
    note = notify_after_run(config, result, memory, messenger)
    assert note is not None and "does not exist" in note and CHANNEL in note
    slack.add_channel("escalation-engineering")
    assert notify_after_run(config, result, memory, messenger) == \
        f"failure notice posted in {CHANNEL}"
    assert len(slack.messages) == 1
