"""The fake Slack answers the real slack_sdk WebClient the way Slack does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from tests.helpers import CEILING
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack, User


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def people(slack: FakeSlack) -> dict[str, User]:
    return {
        "alice": slack.add_user("alice", "alice@example.com"),
        "bob": slack.add_user("bob", "bob@example.com"),
        "carol": slack.add_user("carol", "carol@example.com"),
        "gone": slack.add_user("gone", "gone@example.com", deleted=True),
        "guest": slack.add_user("guest", "guest@partner.example", is_restricted=True),
    }


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=f"{slack.base_url}/api/", timeout=CEILING)


def error_of(exc: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(exc.value.response["error"])


def test_auth_test_and_token_errors(slack: FakeSlack, client: WebClient) -> None:
    assert client.auth_test()["user_id"] == "U0BOT0001"
    slack.add_token("xoxb-old", ["users:read"])
    slack.revoke_token("xoxb-old")
    for token, error in [(None, "not_authed"), ("xoxb-nope", "invalid_auth"),
                         ("xoxb-old", "token_revoked")]:
        with pytest.raises(SlackApiError) as exc:
            slack.client(token).auth_test()
        assert error_of(exc) == error
        assert exc.value.response.status_code == 200  # Slack errors ride on HTTP 200


def test_lookup_by_email_hit_miss_and_deactivated(client: WebClient,
                                                  people: dict[str, User]) -> None:
    found = client.users_lookupByEmail(email="Alice@Example.com")["user"]
    assert found["id"] == people["alice"].id
    assert found["profile"]["email"] == "alice@example.com"
    assert found["deleted"] is False and found["is_bot"] is False

    assert client.users_lookupByEmail(email="gone@example.com")["user"]["deleted"] is True

    with pytest.raises(SlackApiError) as exc:
        client.users_lookupByEmail(email="nobody@example.com")
    assert error_of(exc) == "users_not_found"


def test_usergroups_list_hides_disabled_groups_unless_asked(
        slack: FakeSlack, client: WebClient, people: dict[str, User]) -> None:
    live = slack.add_group("oncall", [people["alice"].id])
    dead = slack.add_group("oncall-old", [people["bob"].id], disabled=True)

    plain = client.usergroups_list()["usergroups"]
    assert [g["id"] for g in plain] == [live.id]
    assert "users" not in plain[0] and plain[0]["is_usergroup"] is True

    full = client.usergroups_list(include_disabled=True, include_users=True,
                                  include_count=True)["usergroups"]
    by_id = {g["id"]: g for g in full}
    assert by_id[dead.id]["date_delete"] != 0 and by_id[live.id]["date_delete"] == 0
    assert by_id[live.id]["users"] == [people["alice"].id]
    assert by_id[live.id]["user_count"] == 1
    assert client.usergroups_users_list(usergroup=live.id)["users"] == [people["alice"].id]


def test_users_update_replaces_membership_and_refuses_bad_lists(
        slack: FakeSlack, client: WebClient, people: dict[str, User]) -> None:
    group = slack.add_group("oncall", [people["alice"].id, people["bob"].id])
    answer = client.usergroups_users_update(usergroup=group.id,
                                            users=[people["carol"].id, people["bob"].id])
    assert answer["usergroup"]["users"] == [people["carol"].id, people["bob"].id]
    assert slack.group("oncall").users == [people["carol"].id, people["bob"].id]

    refusals = [([], "no_users_provided"), ("", "no_users_provided"),
                (["U0NOTREAL"], "invalid_users"), ([people["gone"].id], "invalid_users"),
                ([people["guest"].id], "invalid_user"), (["U0BOT0001"], "invalid_user")]
    for users, error in refusals:
        with pytest.raises(SlackApiError) as exc:
            client.usergroups_users_update(usergroup=group.id, users=users)
        assert error_of(exc) == error, users
    assert slack.group("oncall").users == [people["carol"].id, people["bob"].id]
    assert len(slack.write_calls()) == 1 + len(refusals)  # refused attempts still count
    assert slack.calls_to("usergroups.create") == []


def test_disable_enable_round_trip(slack: FakeSlack, client: WebClient,
                                   people: dict[str, User]) -> None:
    group = slack.add_group("oncall", [people["alice"].id])
    assert client.usergroups_disable(usergroup=group.id)["usergroup"]["date_delete"] != 0
    assert client.usergroups_disable(usergroup=group.id)["ok"]  # idempotent
    assert client.usergroups_list()["usergroups"] == []
    assert client.usergroups_enable(usergroup=group.id)["usergroup"]["date_delete"] == 0
    with pytest.raises(SlackApiError) as exc:
        client.usergroups_enable(usergroup="S0MISSING")
    assert error_of(exc) == "no_such_subteam"


def test_missing_scope_envelope(slack: FakeSlack) -> None:
    slack.add_token("xoxb-readonly", ["usergroups:read", "users:read"])
    with pytest.raises(SlackApiError) as exc:
        slack.client("xoxb-readonly").usergroups_users_update(usergroup="S1", users=["U1"])
    assert exc.value.response.data == {"ok": False, "error": "missing_scope",
                                       "needed": "usergroups:write",
                                       "provided": "usergroups:read,users:read"}
    assert exc.value.response["needed"] == "usergroups:write"


def test_free_plan_and_restricted_workspace() -> None:
    with FakeSlack(paid=False) as free:
        with pytest.raises(SlackApiError) as exc:
            free.client().usergroups_list()
        assert error_of(exc) == "paid_teams_only"

    with FakeSlack(restrict_usergroups=True) as strict:
        alice = strict.add_user("alice", "alice@example.com")
        group = strict.add_group("oncall", [alice.id])
        with pytest.raises(SlackApiError) as exc:
            strict.client().usergroups_users_update(usergroup=group.id, users=[alice.id])
        assert error_of(exc) == "permission_denied"
        strict.add_token("xoxp-admin", ["usergroups:write"], user_id=alice.id, is_bot=False)
        assert strict.client("xoxp-admin").usergroups_users_update(
            usergroup=group.id, users=[alice.id])["ok"]


def test_ratelimit_is_retried_after_retry_after(slack: FakeSlack, client: WebClient,
                                                people: dict[str, User]) -> None:
    group = slack.add_group("oncall", [people["alice"].id])
    slack.ratelimit("usergroups.users.update", times=1, retry_after=0)
    with pytest.raises(SlackApiError) as exc:
        client.usergroups_users_update(usergroup=group.id, users=[people["bob"].id])
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "0"
    assert error_of(exc) == "ratelimited"

    slack.ratelimit("usergroups.users.update", times=1, retry_after=0)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    assert client.usergroups_users_update(usergroup=group.id, users=[people["bob"].id])["ok"]
    assert len(slack.calls_to("usergroups.users.update")) == 3  # 429, 429, then success
    assert slack.group("oncall").users == [people["bob"].id]


def test_server_error_and_dropped_connection(slack: FakeSlack, client: WebClient) -> None:
    slack.server_error("auth.test", status=503)
    with pytest.raises(SlackApiError) as exc:
        client.auth_test()
    assert exc.value.response.status_code == 503
    slack.drop("auth.test")  # the default ConnectionErrorRetryHandler retries once
    assert client.auth_test()["ok"]
    assert len(slack.calls_to("auth.test")) == 3


def test_post_message_by_channel_name_and_membership(slack: FakeSlack,
                                                     client: WebClient) -> None:
    channel = slack.add_channel("escalation-engineering")
    for ref in ("#escalation-engineering", "escalation-engineering", channel.id):
        answer = client.chat_postMessage(channel=ref, text="on call: @alice")
        assert answer["channel"] == channel.id
        assert answer["message"]["text"] == "on call: @alice"
    assert [m.channel for m in slack.messages] == [channel.id] * 3
    assert slack.messages[0].ts == "1700000000.000100"

    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="#no-such-channel", text="hi")
    assert error_of(exc) == "channel_not_found"

    slack.add_channel("quiet", members=[])
    slack.add_token("xoxb-nopublic", ["chat:write"])
    with pytest.raises(SlackApiError) as exc:
        slack.client("xoxb-nopublic").chat_postMessage(channel="#quiet", text="hi")
    assert error_of(exc) == "not_in_channel"
    assert client.chat_postMessage(channel="#quiet", text="hi")["ok"]  # chat:write.public


def test_direct_messages(slack: FakeSlack, client: WebClient,
                         people: dict[str, User]) -> None:
    alice = people["alice"].id
    dm = client.conversations_open(users=alice)["channel"]["id"]
    assert dm.startswith("D")
    assert client.conversations_open(users=[alice])["already_open"] is True
    assert client.chat_postMessage(channel=dm, text="you are on call")["channel"] == dm
    assert client.chat_postMessage(channel=alice, text="reminder")["channel"] == dm
    with pytest.raises(SlackApiError) as exc:
        client.conversations_open(users=people["gone"].id)
    assert error_of(exc) == "user_disabled"
    assert [r.path for r in slack.write_calls()] == ["/api/chat.postMessage"] * 2
    assert slack.handler_errors == []
