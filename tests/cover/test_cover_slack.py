"""`/rotation` over Socket Mode, end to end: slack_sdk's real Socket Mode client connects to
the fake Slack (apps.connections.open, then a WebSocket on 127.0.0.1), which delivers
slash_commands and interactive envelopes and checks the acks; the Web API calls after
(chat.postMessage, chat.update, chat.postEphemeral, users.info) land on the fake too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from sync.chat.serve import serve_cover
from sync.config.model import load_config
from sync.core.lived.clock import Clock
from sync.run.cover import CoverDesk
from sync.run.cover_blocks import APPROVE, CANCEL, TAKE
from sync.run.cover_store import CoverStore
from sync.run.state import StateStore
from tests.cover.slack_team import HEADER, Team, eventually, sync_now, today, write_team
from tests.helpers import CEILING, to_csv
from tests.run.test_scheduler import wait_for_line
from tests.wire.fakes.slack import APP_TOKEN, BOT_USER_ID, DEFAULT_TOKEN, FakeSlack, User

ACK_SECONDS = 3.0  # Slack shows the user an error when an envelope is not acked by then


def serve(tmp_path: Path, slack: FakeSlack, users: dict[str, User],
          monkeypatch: pytest.MonkeyPatch, cover: str = "") -> Iterator[Team]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    channel = slack.add_channel("escalation-engineering",
                                members=[BOT_USER_ID, *(u.id for u in users.values())])
    slack.add_group("escalation-engineers")
    config = load_config(write_team(tmp_path, slack, cover))
    stop = serve_cover(config, BackgroundScheduler(timezone=config.tz), sync_now(config),
                       lambda: Clock.at(config.tz, config.handoff_time).now)
    try:
        assert slack.socket is not None, "apps.connections.open was asked for the URL"
        slack.socket.wait_connected(CEILING)
        yield Team(slack, users, channel, config, tmp_path)
    finally:
        stop()


@pytest.fixture
def team(tmp_path: Path, slack: FakeSlack, users: dict[str, User],
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Team]:
    yield from serve(tmp_path, slack, users, monkeypatch)


def days(first: int, last: int) -> tuple[str, str]:
    return ((today() + timedelta(days=first)).isoformat(),
            (today() + timedelta(days=last)).isoformat())


def ask(team: Team, text: str = "family") -> None:
    first, last = days(0, 2)
    ack = team.slash(team.users["valerybugakov"], f"cover {first} {last} {text}".strip())
    assert ack.seconds < ACK_SECONDS
    eventually(team.posts, "the request is posted")


def buttons(team: Team) -> list[str]:
    message = team.posts()[0]
    return [e["action_id"] for b in message.params["blocks"] if b["type"] == "actions"
            for e in b["elements"]]


def group(team: Team) -> list[str]:
    handles = {u.id: handle for handle, u in team.users.items()}
    return sorted(handles[i] for i in team.slack.group("escalation-engineers").users)


def test_slash_cover_then_take_writes_the_row_syncs_and_updates_the_message(team: Team
                                                                            ) -> None:
    ask(team)
    (message,) = team.posts()
    first, last = days(0, 2)
    assert message.text == (
        f"Cover request 1: @valerybugakov needs cover on {first} to {last} (family). "
        "Suggested: @priya-nair, @sven-larsen, @tbliu98. Who takes it?")
    assert buttons(team) == [TAKE, CANCEL]
    assert eventually(lambda: team.ephemerals(team.users["valerybugakov"]), "told") == [
        "Cover request 1 is posted; you will see who takes it there."]

    ack = team.click(team.users["sven-larsen"], message, TAKE)

    assert not isinstance(ack, str) and ack.seconds < ACK_SECONDS
    eventually(lambda: "Done:" in team.posts()[0].text, "the message says who covers")
    assert team.posts()[0].text.endswith(
        f"Done: @sven-larsen covers @valerybugakov on {first} to {last}.")
    assert buttons(team) == [], "no buttons once done"
    assert team.override_rows() == [
        f"{first},{last},valerybugakov,sven-larsen,cover request 1: family"]
    eventually(lambda: group(team) == ["keegancsmith", "sven-larsen"], "the sync ran at once")
    assert len(team.slack.calls_to("chat.update")) >= 1


def test_who_answers_only_the_asker(team: Team) -> None:
    team.slash(team.users["tbliu98"], "who")
    (text,) = eventually(lambda: team.ephemerals(team.users["tbliu98"]), "who answers")
    assert text.startswith("On rotation now: Keegan Carruthers-Smith (@keegancsmith), "
                           "Valery Bugakov (@valerybugakov) until ")


def test_a_replayed_envelope_and_a_double_click_make_one_cover(team: Team) -> None:
    ask(team)
    message = team.posts()[0]
    sven = team.users["sven-larsen"]
    team.click(sven, message, TAKE, envelope_id="take-once")
    team.click(sven, message, TAKE, envelope_id="take-once")  # replayed after a reconnect
    team.click(sven, message, TAKE)  # a double click: a new envelope
    team.click(team.users["kenji-sato"], message, TAKE)
    refusal = eventually(lambda: team.ephemerals(team.users["kenji-sato"]), "kenji is told")
    assert refusal == ["Cover request 1 is done: @sven-larsen covers it."]
    assert len(team.override_rows()) == 1
    assert team.ephemerals(sven) == []


def test_two_takes_at_the_same_moment_make_one_cover(team: Team) -> None:
    ask(team)
    message = team.posts()[0]
    first = team.click(team.users["sven-larsen"], message, TAKE, wait=False)
    second = team.click(team.users["kenji-sato"], message, TAKE, wait=False)
    assert team.slack.socket is not None
    for envelope in (first, second):
        assert team.slack.socket.wait_for_ack(str(envelope), CEILING).seconds < ACK_SECONDS
    eventually(lambda: team.ephemerals(team.users["kenji-sato"]), "the second is told")
    assert team.ephemerals(team.users["kenji-sato"]) == [
        "Cover request 1 is done: @sven-larsen covers it."]
    assert len(team.override_rows()) == 1


def test_a_slack_user_not_on_people_is_told_and_nothing_happens(team: Team) -> None:
    stranger = team.slack.add_user("stranger", "stranger@example.com")
    team.channel.members.add(stranger.id)
    team.slash(stranger, f"cover {' '.join(days(0, 1))}")
    (text,) = eventually(lambda: team.ephemerals(stranger), "the stranger is told")
    assert text.startswith("You are not on the roster")
    assert team.posts() == []
    history = StateStore(team.config.state_dir).runs()
    assert history[0].outcome == "refused"
    assert history[0].targets["cover"]["by"] == f"Slack user {stranger.id}"


@pytest.mark.parametrize(("text", "reason"), [
    ("cover tomorrow", "'tomorrow' is not a date in the form YYYY-MM-DD"),
    ("swap 2026-01-01", "I did not understand"),
    ("cover {0} {1} *urgent*", "The note must be plain text"),
    ("cover {0} {1} " + "x" * 201, "keep it to 200"),
    ("cover {0} {1} @keegancsmith", "Only @keegancsmith or a manager may ask"),
    ("cover {0} {1} @nobody", "@nobody is not on the People tab"),
    ("cover {1} {0}", "is before the first day"),
])
def test_bad_slash_text_is_refused_naming_the_problem(team: Team, text: str, reason: str
                                                      ) -> None:
    valery = team.users["valerybugakov"]
    team.slash(valery, text.format(*days(0, 2)))
    (answer,) = eventually(lambda: team.ephemerals(valery), "valery is told")
    assert reason in answer
    assert team.posts() == [] and team.override_rows() == []


def test_dates_outside_the_rotation_and_days_already_overridden(team: Team) -> None:
    first, last = days(0, 1)
    (team.folder / "roster" / "overrides.csv").write_text(to_csv([
        HEADER, [first, last, "keegancsmith", "tbliu98", ""]]))
    keegan = team.users["keegancsmith"]
    team.slash(keegan, f"cover {first} {last}")
    team.slash(keegan, f"cover {days(40, 41)[0]} {days(40, 41)[1]}")
    answers = eventually(lambda: len(team.ephemerals(keegan)) == 2 and team.ephemerals(keegan),
                         "both refused")
    assert f"@keegancsmith is already off rotation on {first}" in answers[0]
    assert "is not on rotation on every day" in answers[1]
    assert team.posts() == []


@pytest.fixture
def approving_team(tmp_path: Path, slack: FakeSlack, users: dict[str, User],
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Team]:
    yield from serve(tmp_path, slack, users, monkeypatch, 'approval = "manager"')


def test_manager_approval_in_slack(approving_team: Team) -> None:
    team = approving_team
    ask(team)
    team.click(team.users["sven-larsen"], team.posts()[0], TAKE)
    eventually(lambda: APPROVE in buttons(team), "the Approve button appears")
    assert "waiting for a manager to approve" in team.posts()[0].text
    kenji = team.users["kenji-sato"]
    team.click(kenji, team.posts()[0], APPROVE)
    (refusal,) = eventually(lambda: team.ephemerals(kenji), "kenji may not approve")
    assert "Only a manager (@priya-nair" in refusal
    assert team.override_rows() == []
    team.click(team.users["priya-nair"], team.posts()[0], APPROVE)
    eventually(lambda: "Done:" in team.posts()[0].text, "approved and done")
    assert len(team.override_rows()) == 1


def test_a_restart_between_the_row_and_the_message_finishes_once(team: Team) -> None:
    """What a crash after the append leaves: a taken request, its row, an old message."""
    ask(team)
    store = CoverStore(StateStore(team.config.state_dir))
    before = store.get(1)
    assert before is not None
    assert store.move(before, replace(before, state="taken", taken_by="sven-larsen"))
    first, last = days(0, 2)
    row = [first, last, "valerybugakov", "sven-larsen", "cover request 1: family"]
    (team.folder / "roster" / "overrides.csv").write_text(to_csv([HEADER, row]))

    config = team.config
    desk = CoverDesk(config, lambda: Clock.at(config.tz, config.handoff_time),
                     sync=sync_now(config))
    (done,) = desk.resume()

    assert done.state == "done"
    assert team.posts()[0].text.endswith(f"Done: @sven-larsen covers @valerybugakov on "
                                         f"{first} to {last}.")
    assert len(team.override_rows()) == 1
    assert desk.resume() == []


def test_a_reconnect_asks_for_a_new_url_and_a_replay_does_nothing(team: Team) -> None:
    ask(team)
    message = team.posts()[0]
    team.click(team.users["sven-larsen"], message, TAKE, envelope_id="before-the-drop")
    eventually(lambda: "Done:" in team.posts()[0].text, "done")
    socket = team.slack.socket
    assert socket is not None
    socket.drop()
    eventually(lambda: len(team.slack.calls_to("apps.connections.open")) == 2 and
               socket.state.connections, "the client reconnected")
    updates = len(team.slack.calls_to("chat.update"))
    team.click(team.users["sven-larsen"], message, TAKE, envelope_id="before-the-drop")
    team.slash(team.users["tbliu98"], "who")  # handled after the replay: the queue is FIFO
    eventually(lambda: team.ephemerals(team.users["tbliu98"]), "who answered")
    assert len(team.slack.calls_to("chat.update")) == updates
    assert len(team.override_rows()) == 1


def test_schedule_serves_rotation_over_socket_mode(tmp_path: Path, slack: FakeSlack,
                                                   users: dict[str, User]) -> None:
    """The real `rotation-sync schedule` process starts the bot when SLACK_APP_TOKEN is set."""
    channel = slack.add_channel("escalation-engineering",
                                members=[BOT_USER_ID, *(u.id for u in users.values())])
    slack.add_group("escalation-engineers")
    config = write_team(tmp_path, slack)
    process = subprocess.Popen(
        [sys.executable, "-m", "sync", "schedule", "-c", str(config)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "SLACK_BOT_TOKEN": DEFAULT_TOKEN,
             "SLACK_APP_TOKEN": APP_TOKEN})
    try:
        wait_for_line(process, "Serving /rotation over Slack Socket Mode.")
        assert slack.socket is not None
        slack.socket.wait_connected(CEILING)
        team = Team(slack, users, channel, load_config(config), tmp_path)
        assert team.slash(users["kenji-sato"], "who").seconds < ACK_SECONDS
        (text,) = eventually(lambda: team.ephemerals(users["kenji-sato"]), "who answers")
        assert text.startswith("On rotation now: Keegan Carruthers-Smith")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=CEILING) == 0
    finally:
        process.kill()
    assert APP_TOKEN not in (process.stderr.read() if process.stderr else "")


def test_cancel_button_and_expiry_update_the_message(team: Team) -> None:
    ask(team)
    kenji = team.users["kenji-sato"]
    team.click(kenji, team.posts()[0], CANCEL)
    (refusal,) = eventually(lambda: team.ephemerals(kenji), "kenji may not cancel")
    assert "may not" in refusal
    team.click(team.users["valerybugakov"], team.posts()[0], CANCEL)
    eventually(lambda: "Cancelled by @valerybugakov." in team.posts()[0].text, "cancelled")
    assert buttons(team) == []

    first, last = days(5, 6)
    team.slash(team.users["valerybugakov"], f"cover {first} {last}")
    eventually(lambda: len(team.ephemerals(team.users["valerybugakov"])) == 2,
               "the second request is posted and its place kept")
    config = team.config
    later = Clock.at(config.tz, config.handoff_time, today() + timedelta(days=4))
    (expired,) = CoverDesk(config, lambda: later, sync=sync_now(config)).expire_due()
    assert expired.id == 2
    second = next(m for m in team.posts() if m.text.startswith("Cover request 2"))
    assert second.text.endswith("Expired: nobody took it in time.")
    assert team.override_rows() == []


def test_a_roster_with_errors_is_said_and_nothing_happens(team: Team) -> None:
    rotations = team.folder / "roster" / "rotations.csv"
    rotations.write_text(rotations.read_text() + "2099-13-01,2099-13-02,keegancsmith\n")
    valery = team.users["valerybugakov"]
    team.slash(valery, f"cover {' '.join(days(0, 1))}")
    (answer,) = eventually(lambda: team.ephemerals(valery), "valery is told")
    assert answer.startswith("The roster has errors, so no cover can be arranged")
    assert team.posts() == []
