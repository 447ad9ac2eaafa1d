"""vcrpy cassettes pin the response shapes of every Slack method the adapter uses.

By default the cassettes in tests/wire/cassettes/slack/ are replayed (no server, no network):
each test drives `SlackUserGroup` at https://slack.com/api/ and vcrpy answers from the
cassette, so a change in which methods are called, or in how their answers are read, fails
here. Methods pinned: usergroups.list, users.lookupByEmail (found and `users_not_found`),
users.info, usergroups.enable, usergroups.users.update, usergroups.disable,
chat.postMessage, and the error envelopes `invalid_auth` and `missing_scope`.

Re-record them (against the fake Slack Web API, tests/wire/fakes/slack.py) with one command:

    .venv/bin/pytest tests/wire/test_slack_cassettes.py --record-mode=rewrite

To record against a real workspace instead, add SLACK_CASSETTE_API_URL=https://slack.com/api/
SLACK_BOT_TOKEN=xoxb-… SLACK_CASSETTE_LIMITED_TOKEN=xoxb-… (an app token without
usergroups:write) to that command. The workspace must hold what `seed()` gives the fake:
accounts for keegan@example.com and valery@example.com (edit EMAILS otherwise), none for
nobody@example.com, a disabled user group @rotation-sync-cassettes whose only member is a
user not in EMAILS, and a channel #rotation-sync-cassettes the app is in. The Authorization
header and any token= form field are filtered out; review user names and emails before
committing cassettes recorded against a real workspace.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sync.clients.slack import SlackApi, SlackFailure
from sync.core.lived.roster import Person, Roster, Rotation
from sync.run.messenger import Messenger, SlackTransport
from sync.targets.slack.model import GroupSettings, GroupState, Member
from sync.targets.slack.slack import SlackUserGroup
from tests.helpers import HANDOFF, TZ, DictMemory, make_clock
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack

HANDLE = "rotation-sync-cassettes"
CHANNEL = "#rotation-sync-cassettes"
EMAILS = {"keegancsmith": "keegan@example.com", "valerybugakov": "valery@example.com",
          "tbliu98": "nobody@example.com"}  # the last one has no Slack account
REPLAY_URL = "https://slack.com/api/"
LIMITED_SCOPES = ("usergroups:read", "users:read", "users:read.email", "chat:write")


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(Path(__file__).parent / "cassettes" / "slack")


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {"filter_headers": ["authorization"], "filter_post_data_parameters": ["token"],
            "match_on": ("method", "path"),  # not the host: replays at any address, in order
            "decode_compressed_response": True}


class Api:
    """Where the adapter talks: the cassette (replay), the fake or a real workspace."""

    def __init__(self, url: str, token: str, limited_token: str) -> None:
        self.url, self.token, self.limited_token = url, token, limited_token


@pytest.fixture(autouse=True)
def every_answer_is_used(vcr: Any, record_mode: str) -> Iterator[None]:
    """On replay the adapter must make exactly the recorded calls, no fewer."""
    yield
    if record_mode == "none":
        assert vcr.all_played, "the adapter no longer makes every recorded call"


def seed(slack: FakeSlack) -> None:
    slack.add_user("keegancsmith", EMAILS["keegancsmith"], real_name="Keegan Carruthers-Smith")
    slack.add_user("valerybugakov", EMAILS["valerybugakov"], real_name="Valery Bugakov")
    stranger = slack.add_user("stranger", "stranger@example.com", real_name="Sam Stranger")
    slack.add_group(HANDLE, [stranger.id], disabled=True)
    slack.add_channel(CHANNEL)
    slack.add_token("xoxb-limited", LIMITED_SCOPES)


@pytest.fixture
def api(record_mode: str) -> Iterator[Api]:
    if record_mode == "none":
        yield Api(REPLAY_URL, "xoxb-replay", "xoxb-replay-limited")
    elif os.environ.get("SLACK_CASSETTE_API_URL"):
        yield Api(os.environ["SLACK_CASSETTE_API_URL"], os.environ["SLACK_BOT_TOKEN"],
                  os.environ["SLACK_CASSETTE_LIMITED_TOKEN"])
    else:
        with FakeSlack() as slack:
            seed(slack)
            yield Api(slack.api_url, DEFAULT_TOKEN, "xoxb-limited")


def roster() -> Roster:
    people = {handle.lower(): Person(github=handle, name=handle, email=email,
                                     timezone="America/Los_Angeles")
              for handle, email in EMAILS.items()}
    on_call = Rotation(start=date(2022, 9, 7), end=date(2022, 10, 9), slots=tuple(EMAILS))
    nobody = Rotation(start=date(2022, 10, 10), end=date(2022, 11, 7), slots=(None,))
    return Roster(rotations=(on_call, nobody), people=people, timezone=TZ, handoff_time=HANDOFF)


def target(api: Api, policy: str = "keep", token: str | None = None) -> SlackUserGroup:
    settings = GroupSettings(HANDLE, policy, ())  # type: ignore[arg-type]
    return SlackUserGroup(settings, SlackApi.connect(token or api.token, api.url, HANDLE), CHANNEL)


@pytest.mark.vcr
def test_read_and_resolve(api: Api) -> None:
    """usergroups.list, users.lookupByEmail (hit and users_not_found), users.info."""
    plan = target(api).plan(roster(), make_clock("2022-09-07"))

    actual = plan.actual[HANDLE]
    assert isinstance(actual, GroupState) and actual.enabled is False
    assert actual.members == (Member("stranger", "stranger@example.com"),)
    wanted = plan.desired[HANDLE]
    assert wanted.enabled and {m.email for m in wanted.members} == {
        EMAILS["keegancsmith"], EMAILS["valerybugakov"]}
    assert [n for n in plan.notes if "nobody@example.com" in n and "no Slack account" in n]


@pytest.mark.vcr
def test_enable_update_disable(api: Api) -> None:
    """usergroups.enable and usergroups.users.update, then usergroups.disable."""
    group = target(api)
    plan = group.plan(roster(), make_clock("2022-09-07"))
    group.apply(plan)
    assert "enable the group" in plan.changes[0].summary

    emptied = target(api, "disable")
    plan = emptied.plan(roster(), make_clock("2022-10-10"))
    assert [c.summary for c in plan.changes] == ["disable the group"]
    emptied.apply(plan)


@pytest.mark.vcr
def test_post_message(api: Api) -> None:
    """chat.postMessage: the handoff announcement."""
    group, memory = target(api), DictMemory()
    plan = group.plan(roster(), make_clock("2022-09-07"))
    messenger = Messenger(SlackTransport(group.api), memory)
    notes = messenger.deliver(plan.messages, plan.addresses, make_clock("2022-09-07").now,
                              dry_run=False)

    assert memory.values == {f"slack.announced.{HANDLE}": "2022-09-07"}
    assert notes and "announced the handoff" in notes[0]


@pytest.mark.vcr
def test_error_envelopes(api: Api) -> None:
    """invalid_auth, and missing_scope naming the scope needed."""
    with pytest.raises(SlackFailure) as rejected:
        target(api, token="xoxb-invalid").plan(roster(), make_clock("2022-09-07"))
    assert rejected.value.code == "invalid_auth"

    limited = target(api, token=api.limited_token)
    plan = limited.plan(roster(), make_clock("2022-09-07"))
    with pytest.raises(SlackFailure) as refused:
        limited.apply(plan)
    assert refused.value.code == "missing_scope"
    assert "add the usergroups:write scope to the Slack app and reinstall it" \
        in str(refused.value)
