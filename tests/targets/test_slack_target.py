"""The Slack user group backend (issue #4): the real slack_sdk over real HTTP against the
fake Slack Web API on 127.0.0.1 (tests/wire/fakes/slack.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import sync.clients.retry
from sync.clients.slack import SlackApi
from sync.config.model import parse_config
from sync.core.diff.plan import TargetPlan
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.errors import ConfigError, TargetError
from sync.run.engine import Engine, RunResult
from sync.run.factory import make_targets
from sync.run.messenger import Messenger, SlackTransport
from sync.sources.csv import CsvSource
from sync.targets.calendar.ics import IcsCalendar
from sync.targets.calendar.model import EventSettings
from sync.targets.slack.model import GroupSettings
from sync.targets.slack.slack import SlackUserGroup
from tests.conftest import Workspace, make_workspace
from tests.helpers import (
    HANDOFF,
    PEOPLE,
    TZ,
    DictMemory,
    make_clock,
    make_roster,
    rotations_rows,
    write_roster,
)
from tests.wire.fakes.base import Request
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack, User

HANDLE = "escalation-engineers"
CHANNEL = "#escalation-engineering"
ROTATIONS: list[tuple[str, str, list[str | None]]] = [
    ("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
    ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
    ("2022-10-10", "2022-11-07", ["tbliu98", None, None]),
    ("2022-11-08", "2022-12-05", [None, None, None]),
    ("2022-12-06", "2023-01-02", ["kenji-sato", "sven-larsen", "priya-nair"]),
]
NOBODY_DAY, NEXT_HANDOFF = "2022-11-10", "2022-12-06"


@pytest.fixture
def channel(slack: FakeSlack) -> None:
    slack.add_channel(CHANNEL)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the retry policy asked for (without waiting for them)."""
    waited: list[float] = []
    monkeypatch.setattr(sync.clients.retry, "sleep", waited.append)
    return waited


def target(slack: FakeSlack, policy: str = "keep", fallback: tuple[str, ...] = (),
           token: str = DEFAULT_TOKEN, announce: str | None = CHANNEL) -> SlackUserGroup:
    settings = GroupSettings(HANDLE, policy, fallback)  # type: ignore[arg-type]
    return SlackUserGroup(settings, SlackApi.connect(token, slack.api_url, HANDLE), announce)


def roster() -> Roster:
    return make_roster(ROTATIONS)


def run(group: SlackUserGroup, day: str, memory: DictMemory | None = None,
        dry_run: bool = False, clock: Clock | None = None,
        rotations: Roster | None = None) -> tuple[TargetPlan, list[str]]:
    """What the engine does for one target: plan, apply, then the plan's messages."""
    clock = clock or make_clock(day)
    plan = group.plan(rotations or roster(), clock)
    applied = group.apply(plan) if plan.changes and not dry_run else []
    messenger = Messenger(SlackTransport(group.api), memory or DictMemory())
    follow = messenger.deliver(plan.messages, plan.addresses, clock.now, dry_run)
    return plan, [*plan.notes, *applied, *follow]


def members(slack: FakeSlack) -> set[str]:
    return {slack.users[uid].name for uid in slack.group(HANDLE).users}


def form(request: Request) -> dict[str, str]:
    return request.form()


def methods(requests: list[Request]) -> list[str]:
    return [r.path.removeprefix("/api/") for r in requests]


# -- 1. membership ---------------------------------------------------------------------------
def test_the_group_gets_todays_engineers_in_one_update(slack: FakeSlack,
                                                       users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    slack.add_group("another-group", [users["priya-nair"].id])
    plan, _ = run(target(slack, announce=None), "2022-09-10")

    assert [c.summary for c in plan.changes] == [
        "add Keegan Carruthers-Smith (@keegancsmith), "
        "Valery Bugakov (@valerybugakov); remove Tammy Liu (@tbliu98)"]
    assert members(slack) == {"keegancsmith", "valerybugakov"}
    [update] = slack.write_calls()
    assert form(update)["users"] == f"{users['keegancsmith'].id},{users['valerybugakov'].id}"
    assert slack.group("another-group").users == [users["priya-nair"].id]


def test_a_disabled_group_is_enabled_again(slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id], disabled=True)
    plan, _ = run(target(slack, announce=None), "2022-09-10")

    assert "enable the group" in plan.changes[0].summary
    assert methods(slack.write_calls()) == ["usergroups.enable", "usergroups.users.update"]
    assert not slack.group(HANDLE).disabled
    assert members(slack) == {"keegancsmith", "valerybugakov"}


def test_the_slack_id_column_wins_over_the_email(slack: FakeSlack,
                                                 users: dict[str, User]) -> None:
    slack.add_group(HANDLE)
    people = dict(roster().people)
    people["keegancsmith"] = people["keegancsmith"].model_copy(
        update={"slack_id": users["keegancsmith"].id, "email": "keegan@personal.example"})
    with_ids = roster().model_copy(update={"people": people})
    run(target(slack, announce=None), "2022-09-10", rotations=with_ids)

    assert members(slack) == {"keegancsmith", "valerybugakov"}
    looked_up = [form(r)["email"] for r in slack.calls_to("users.lookupByEmail")]
    assert looked_up == ["valery@example.com"]


def test_each_person_is_looked_up_once_per_run(slack: FakeSlack, users: dict[str, User],
                                               channel: None) -> None:
    slack.add_group(HANDLE, [users["BolajiOlajide"].id, users["keegancsmith"].id])
    memory = DictMemory()
    run(target(slack), "2022-09-07", memory)  # plan, apply and the announcement

    looked_up = [form(r)["email"] for r in slack.calls_to("users.lookupByEmail")]
    assert sorted(looked_up) == ["bolaji@example.com", "keegan@example.com",
                                 "valery@example.com"]
    assert len(slack.messages) == 1


def test_the_group_switches_at_the_handoff_time(slack: FakeSlack,
                                                users: dict[str, User]) -> None:
    slack.add_group(HANDLE)
    tz = ZoneInfo(TZ)
    run(target(slack, announce=None), "", clock=Clock(datetime(2022, 10, 10, 8, 59, tzinfo=tz),
                                                       HANDOFF))
    assert members(slack) == {"keegancsmith", "valerybugakov"}
    run(target(slack, announce=None), "", clock=Clock(datetime(2022, 10, 10, 9, 0, tzinfo=tz),
                                                       HANDOFF))
    assert members(slack) == {"tbliu98"}


def test_a_member_added_by_hand_is_shown_and_removed(slack: FakeSlack,
                                                     users: dict[str, User]) -> None:
    slack.add_group(HANDLE)
    run(target(slack, announce=None), "2022-09-10")
    intruder = slack.add_user("intruder", "intruder@example.com")
    slack.group(HANDLE).users.append(intruder.id)

    plan = target(slack).plan(roster(), make_clock("2022-09-10"))
    assert [c.summary for c in plan.changes] == [
        "remove @intruder (not on the People tab, intruder@example.com)"]
    run(target(slack, announce=None), "2022-09-10")
    assert members(slack) == {"keegancsmith", "valerybugakov"}


def test_a_member_removed_by_hand_is_put_back(slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group(HANDLE)
    run(target(slack, announce=None), "2022-09-10")
    slack.group(HANDLE).users.remove(users["valerybugakov"].id)

    plan = target(slack).plan(roster(), make_clock("2022-09-10"))
    assert [c.summary for c in plan.changes] == [
        "add Valery Bugakov (@valerybugakov)"]
    run(target(slack, announce=None), "2022-09-10")
    assert members(slack) == {"keegancsmith", "valerybugakov"}


@pytest.mark.parametrize(("break_account", "problem"), [
    (lambda slack, user: slack.users.pop(user.id), "no Slack account was found by email"),
    (lambda slack, user: setattr(user, "deleted", True), "deactivated"),
    (lambda slack, user: setattr(user, "is_bot", True), "a bot"),
    (lambda slack, user: setattr(user, "is_restricted", True), "a guest"),
], ids=["not-found", "deactivated", "bot", "guest"])
def test_an_engineer_slack_cannot_hold_is_a_warning_and_the_others_are_set(
        slack: FakeSlack, users: dict[str, User],
        break_account: Callable[[FakeSlack, User], Any], problem: str) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    break_account(slack, users["valerybugakov"])
    _, notes = run(target(slack, announce=None), "2022-09-10")

    assert members(slack) == {"keegancsmith"}
    [warning] = notes
    assert "Valery Bugakov (@valerybugakov, valery@example.com)" in warning
    assert problem in warning


# -- empty_policy ----------------------------------------------------------------------------
def test_keep_leaves_the_group_alone_when_nobody_is_on_rotation(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    plan, notes = run(target(slack, "keep", announce=None), NOBODY_DAY)

    assert plan.changes == []
    assert slack.write_calls() == []
    assert members(slack) == {"tbliu98"}
    assert any("empty_policy = keep" in note for note in notes)


def test_disable_disables_and_the_next_handoff_enables_again(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    plan, notes = run(target(slack, "disable", announce=None), NOBODY_DAY)

    assert [c.summary for c in plan.changes] == ["disable the group"]
    assert any("empty_policy = disable" in note for note in notes)
    assert methods(slack.write_calls()) == ["usergroups.disable"]
    assert slack.group(HANDLE).disabled and members(slack) == {"tbliu98"}

    assert run(target(slack, "disable", announce=None), NOBODY_DAY)[0].changes == []
    slack.reset_log()
    run(target(slack, "disable", announce=None), NEXT_HANDOFF)
    assert methods(slack.write_calls()) == ["usergroups.enable", "usergroups.users.update"]
    assert not slack.group(HANDLE).disabled
    assert members(slack) == {"kenji-sato", "sven-larsen", "priya-nair"}


def test_fallback_sets_the_fallback_engineers(slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    _, notes = run(target(slack, "fallback", ("priya-nair",), announce=None), NOBODY_DAY)

    assert members(slack) == {"priya-nair"}
    assert any("empty_policy = fallback" in note for note in notes)


def test_fallback_engineers_missing_from_slack_never_empty_the_group(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    users["priya-nair"].deleted = True
    plan, notes = run(target(slack, "fallback", ("priya-nair",), announce=None), NOBODY_DAY)

    assert plan.changes == [] and slack.write_calls() == []
    assert members(slack) == {"tbliu98"}
    assert any("Priya Nair (@priya-nair, priya@example.com)" in note for note in notes)
    assert any("keeps its members" in note for note in notes)


@pytest.mark.parametrize("policy", ["keep", "disable", "fallback"])
def test_engineers_none_of_whom_slack_knows_are_an_empty_today(
        slack: FakeSlack, users: dict[str, User], policy: str) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    for handle in ("keegancsmith", "valerybugakov"):
        del slack.users[users[handle].id]
    _, notes = run(target(slack, policy, ("priya-nair",), announce=None), "2022-09-10")

    assert members(slack) == ({"priya-nair"} if policy == "fallback" else {"tbliu98"})
    assert slack.group(HANDLE).disabled is (policy == "disable")
    assert any(f"empty_policy = {policy}" in note for note in notes)
    assert sum("no Slack account was found" in note for note in notes) == 2


# -- 2. the handoff announcement -------------------------------------------------------------
def test_a_handoff_is_announced_once(slack: FakeSlack, users: dict[str, User],
                                     channel: None) -> None:
    slack.add_group(HANDLE, [users["keegancsmith"].id, users["BolajiOlajide"].id])
    memory = DictMemory()
    _, notes = run(target(slack), "2022-09-07", memory)

    [message] = slack.messages
    ids = {handle: user.id for handle, user in users.items()}
    assert f"<@{ids['keegancsmith']}>, <@{ids['valerybugakov']}> are on rotation" in message.text
    assert "from 2022-09-07 to 2022-10-09" in message.text
    assert f"Thank you <@{ids['BolajiOlajide']}> for the last rotation" in message.text
    assert f"<@{ids['keegancsmith']}> for" not in message.text  # staying on is not leaving
    assert any("announced the handoff" in note for note in notes)

    for day in ("2022-09-07", "2022-09-08", "2022-10-09"):
        run(target(slack), day, memory)
    assert len(slack.messages) == 1

    run(target(slack), "2022-10-10", memory)
    assert len(slack.messages) == 2
    assert f"<@{ids['tbliu98']}> is on rotation" in slack.messages[1].text
    assert (f"Thank you <@{ids['keegancsmith']}>, <@{ids['valerybugakov']}>"
            in slack.messages[1].text)


def test_an_announcement_names_who_slack_cannot_mention_in_plain_text(
        slack: FakeSlack, users: dict[str, User], channel: None) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    people = dict(roster().people)
    people["tbliu98"] = people["tbliu98"].model_copy(update={"name": "Tammy <b>Liu</b> & co"})
    renamed = roster().model_copy(update={"people": people})
    del slack.users[users["tbliu98"].id]
    memory = DictMemory()
    memory.remember(f"slack.announced.{HANDLE}", "2022-10-10")
    run(target(slack, "keep"), "2022-11-08", memory, rotations=renamed)

    [message] = slack.messages
    assert "the rotation from 2022-11-08 to 2022-12-05 has begun, but no engineer is " \
        "assigned yet" in message.text
    assert "Thank you Tammy &lt;b&gt;Liu&lt;/b&gt; &amp; co for the last rotation!" \
        in message.text


def test_the_first_run_does_not_announce_an_old_handoff(slack: FakeSlack,
                                                        users: dict[str, User],
                                                        channel: None) -> None:
    slack.add_group(HANDLE)
    memory = DictMemory()
    _, notes = run(target(slack), "2022-09-10", memory)

    assert slack.messages == []
    assert any("first run" in note for note in notes)
    assert memory.recall(f"slack.announced.{HANDLE}") == "2022-09-07"
    run(target(slack), "2022-10-10", memory)
    assert len(slack.messages) == 1


def test_dry_run_posts_and_remembers_nothing(slack: FakeSlack, users: dict[str, User],
                                             channel: None) -> None:
    slack.add_group(HANDLE)
    memory = DictMemory()
    plan, notes = run(target(slack), "2022-09-07", memory, dry_run=True)

    assert plan.changes
    assert slack.write_calls() == [] and memory.values == {}
    assert any("would announce the handoff to Keegan Carruthers-Smith, Valery Bugakov"
               in note for note in notes)


def test_a_post_refused_by_slack_is_retried_by_the_next_run(
        slack: FakeSlack, users: dict[str, User], channel: None) -> None:
    slack.add_group(HANDLE)
    memory = DictMemory()
    slack.ratelimit("chat.postMessage", times=6, retry_after=0)
    with pytest.raises(TargetError, match=r"kept rate-limiting chat\.postMessage"):
        run(target(slack), "2022-09-07", memory)
    assert slack.messages == [] and memory.values == {}

    run(target(slack), "2022-09-07", memory)
    run(target(slack), "2022-09-07", memory)
    assert len(slack.messages) == 1


@pytest.mark.parametrize("fault", ["drop", "server_error"])
def test_an_unconfirmed_post_is_never_repeated(slack: FakeSlack, users: dict[str, User],
                                               channel: None, fault: str) -> None:
    slack.add_group(HANDLE)
    memory = DictMemory()
    getattr(slack, fault)("chat.postMessage")
    with pytest.raises(TargetError, match="did not confirm the handoff announcement"):
        run(target(slack), "2022-09-07", memory)
    assert len(slack.calls_to("chat.postMessage")) == 1, "a maybe-posted message is not retried"

    run(target(slack), "2022-09-07", memory)
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_rate_limited_post_is_retried(slack: FakeSlack, users: dict[str, User],
                                        channel: None, sleeps: list[float]) -> None:
    slack.add_group(HANDLE)
    slack.ratelimit("chat.postMessage", times=1, retry_after=3)
    run(target(slack), "2022-09-07", DictMemory())
    assert len(slack.messages) == 1 and sleeps == [3.0]


# -- the engine: failures, retries, no-op runs ---------------------------------------------
def engine_run(tmp_path: Path, group: SlackUserGroup, day: str = "2022-09-10",
               memory: DictMemory | None = None, apply: bool = True) -> RunResult:
    """A whole run with the ICS calendar beside Slack, to show the other target still syncs."""
    write_roster(tmp_path, rotations_rows(ROTATIONS[:3]))
    calendar = IcsCalendar(tmp_path / "out" / "rotations.ics",
                           EventSettings("Rotation: {engineers}", True), "rotation-sync")
    source = CsvSource(tmp_path / "roster" / "rotations.csv", tmp_path / "roster" / "people.csv")
    engine = Engine(source, {"calendar": calendar, "slack": group}, make_clock(day),
                    Messenger(SlackTransport(group.api), memory or DictMemory()))
    return engine.run(apply=apply)


def revoke(slack: FakeSlack) -> str:
    slack.add_token("xoxb-revoked-token", ["usergroups:read", "usergroups:write"])
    slack.revoke_token("xoxb-revoked-token")
    return "xoxb-revoked-token"


def read_only(slack: FakeSlack) -> str:
    slack.add_token("xoxb-read-only-token",
                    ["usergroups:read", "users:read", "users:read.email", "chat:write"])
    return "xoxb-read-only-token"


@pytest.mark.parametrize(("server", "token_of", "with_group", "message"), [
    ({}, lambda s: "xoxb-not-a-real-token", True,
     "the Slack token in SLACK_BOT_TOKEN was rejected (invalid_auth)"),
    ({}, revoke, True, "the Slack token in SLACK_BOT_TOKEN was rejected (token_revoked)"),
    ({}, read_only, True, "add the usergroups:write scope to the Slack app and reinstall it"),
    ({}, lambda s: DEFAULT_TOKEN, False,
     "no user group with handle @escalation-engineers exists in this workspace; create it "
     "in Slack (rotation-sync never creates groups)"),
    ({"paid": False}, lambda s: DEFAULT_TOKEN, True, "they need a paid Slack plan"),
    ({"restrict_usergroups": True}, lambda s: DEFAULT_TOKEN, True,
     "put an admin's user token (xoxp-) in SLACK_BOT_TOKEN"),
], ids=["invalid-token", "revoked-token", "missing-scope", "no-such-group", "free-plan",
        "bots-may-not-manage-groups"])
def test_admin_errors_fail_only_the_slack_target(
        tmp_path: Path, server: dict[str, Any], token_of: Callable[[FakeSlack], str],
        with_group: bool, message: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeSlack(**server) as slack:
        for handle, (name, email, _tz) in PEOPLE.items():
            slack.add_user(handle.lower(), email, real_name=name)
        if with_group:
            slack.add_group(HANDLE)
        token = token_of(slack)
        result = engine_run(tmp_path, target(slack, token=token, announce=None))

    assert result.exit_code == 3
    assert result.targets["slack"].status == "failed"
    assert message in str(result.targets["slack"].error)
    assert result.targets["calendar"].status == "ok"
    assert (tmp_path / "out" / "rotations.ics").exists()
    assert slack.calls_to("usergroups.create") == []
    assert token not in json.dumps(result.as_json()) and token not in caplog.text


def test_a_rate_limit_is_retried_after_retry_after(slack: FakeSlack, users: dict[str, User],
                                                   sleeps: list[float]) -> None:
    slack.add_group(HANDLE)
    slack.ratelimit("usergroups.list", times=2, retry_after=7)
    slack.ratelimit("usergroups.users.update", times=1, retry_after=0)
    run(target(slack, announce=None), "2022-09-10")

    assert sleeps == [7.0, 7.0, 0.0]
    assert members(slack) == {"keegancsmith", "valerybugakov"}


@pytest.mark.parametrize("fault", ["server_error", "drop"])
def test_server_errors_and_dropped_connections_are_retried_with_backoff(
        slack: FakeSlack, users: dict[str, User], sleeps: list[float], fault: str) -> None:
    slack.add_group(HANDLE)
    getattr(slack, fault)("users.lookupByEmail", times=2)
    getattr(slack, fault)("usergroups.users.update", times=1)
    run(target(slack, announce=None), "2022-09-10")

    assert members(slack) == {"keegancsmith", "valerybugakov"}
    assert len(sleeps) == 3 and all(delay > 0 for delay in sleeps)
    assert sleeps[1] > sleeps[0] / 2, "the second wait backs off"


def test_a_server_error_that_persists_fails_the_target(tmp_path: Path, slack: FakeSlack,
                                                       users: dict[str, User],
                                                       sleeps: list[float]) -> None:
    slack.add_group(HANDLE)
    slack.server_error("usergroups.list", times=99, status=503)
    result = engine_run(tmp_path, target(slack, announce=None))

    assert result.exit_code == 3
    assert "Slack answered HTTP 503 to usergroups.list, even after retrying" \
        in str(result.targets["slack"].error)
    assert len(slack.calls_to("usergroups.list")) == len(sleeps) + 1 > 1


def test_a_second_sync_makes_no_write_call(tmp_path: Path, slack: FakeSlack,
                                           users: dict[str, User], channel: None) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    memory = DictMemory()
    first = engine_run(tmp_path, target(slack), "2022-09-07", memory)
    assert first.exit_code == 0 and first.targets["slack"].changes
    assert methods(slack.write_calls()) == ["usergroups.users.update", "chat.postMessage"]

    slack.reset_log()
    second = engine_run(tmp_path, target(slack), "2022-09-07", memory)
    assert second.exit_code == 0
    assert second.targets["slack"].changes == []
    assert slack.write_calls() == []


def test_plan_shows_the_changes_and_writes_nothing(tmp_path: Path, slack: FakeSlack,
                                                   users: dict[str, User],
                                                   channel: None) -> None:
    slack.add_group(HANDLE, [users["tbliu98"].id])
    result = engine_run(tmp_path, target(slack), "2022-09-07", apply=False)

    assert result.targets["slack"].status == "ok"
    [change] = result.targets["slack"].changes
    assert "remove Tammy Liu (@tbliu98)" in change.summary
    assert slack.write_calls() == []


# -- wiring and the command line ------------------------------------------------------------
def slack_config(tmp_path: Path, api_url: str) -> dict[str, Any]:
    return {"source": {"kind": "csv", "rotations": "r.csv", "people": "p.csv"},
            "slack": {"kind": "slack", "usergroup": HANDLE, "api_url": api_url,
                      "announce_channel": CHANNEL}}


def test_the_token_comes_only_from_slack_bot_token(tmp_path: Path, slack: FakeSlack,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config(slack_config(tmp_path, slack.api_url), tmp_path)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN is not set"):
        make_targets(config)

    monkeypatch.setenv("SLACK_BOT_TOKEN", DEFAULT_TOKEN)
    built = make_targets(config)["slack"]
    assert isinstance(built, SlackUserGroup) and built.announce_channel == CHANNEL


SLACK_SECTION = """
[slack]
kind = "slack"
usergroup = "escalation-engineers"
api_url = "{api_url}"
"""


def with_slack_section(workspace: Workspace, api_url: str) -> None:
    head, rest = workspace.config.read_text().split("[slack]")
    handbook = rest[rest.index("[handbook]"):]
    workspace.config.write_text(head + SLACK_SECTION.format(api_url=api_url) + "\n" + handbook)


def test_cli_without_slack_bot_token_is_a_config_error(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    with_slack_section(workspace, "http://127.0.0.1:9/api/")
    before = workspace.snapshot()
    code, document = workspace.run_json("sync", "--today", "2022-09-10")

    assert code == 2
    assert "SLACK_BOT_TOKEN is not set" in document["error"]
    assert workspace.snapshot() == before


def test_cli_missing_scope_fails_slack_with_exit_3_and_syncs_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path)
    with FakeSlack() as slack:
        slack.add_group(HANDLE)
        for handle, (name, email, _tz) in PEOPLE.items():
            slack.add_user(handle.lower(), email, real_name=name)
        monkeypatch.setenv("SLACK_BOT_TOKEN", read_only(slack))
        with_slack_section(workspace, slack.api_url)
        page_before = (tmp_path / "handbook" / "page.md").read_text()
        code, document = workspace.run_json("sync", "--today", "2022-09-10")

    assert code == 3 and document["exit_code"] == 3
    assert document["targets"]["slack"]["status"] == "failed"
    assert "add the usergroups:write scope" in document["targets"]["slack"]["error"]
    assert document["targets"]["calendar"]["status"] == "ok"
    assert document["targets"]["handbook"]["status"] == "ok"
    assert (tmp_path / "out" / "rotations.ics").exists()
    assert document["targets"]["handbook"]["changes"] == []  # the page already says it
    assert (tmp_path / "handbook" / "page.md").read_text() == page_before
    assert "xoxb-read-only-token" not in json.dumps(document)
