"""The fake Slack's conversation routes (info, list, setTopic) and DMs through slack_sdk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from tests.helpers import CEILING
from tests.wire.fakes.slack import BOT_USER_ID, DEFAULT_TOKEN, FakeSlack

TOPIC = "On rotation: @BolajiOlajide @keegancsmith (until 2026-11-30)"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url, timeout=CEILING)


def error_of(exc: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(exc.value.response["error"])


def test_info_shows_the_topic_in_slacks_shape(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.add_channel("escalation-engineering")
    slack.set_topic(channel.id, "Old topic", creator="U0HUMAN01")

    info = client.conversations_info(channel=channel.id)["channel"]

    assert info["id"] == channel.id and info["name"] == "escalation-engineering"
    assert info["is_channel"] is True and info["is_private"] is False
    assert info["is_member"] is True and info["is_archived"] is False
    assert info["topic"] == {"value": "Old topic", "creator": "U0HUMAN01",
                             "last_set": slack.channel(channel.id).topic_last_set}
    assert set(info["purpose"]) == {"value", "creator", "last_set"}
    for ref in ("#escalation-engineering", "C0NOPE000"):  # these methods want an id
        with pytest.raises(SlackApiError) as exc:
            client.conversations_info(channel=ref)
        assert error_of(exc) == "channel_not_found"
    assert slack.write_calls() == []  # reads


def test_set_topic_changes_it_and_posts_the_change(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.add_channel("escalation-engineering", topic="Old topic")

    answer = client.conversations_setTopic(channel=channel.id, topic=TOPIC)

    assert answer["channel"]["id"] == channel.id
    assert answer["channel"]["topic"]["value"] == TOPIC
    assert answer["channel"]["topic"]["creator"] == BOT_USER_ID
    assert slack.topic("#escalation-engineering") == TOPIC
    assert client.conversations_info(channel=channel.id)["channel"]["topic"]["value"] == TOPIC
    assert [(m.channel, m.params["subtype"]) for m in slack.messages] == [
        (channel.id, "channel_topic")]
    assert len(slack.topic_calls()) == 1
    assert slack.topic_calls()[0].form() == {"channel": channel.id, "topic": TOPIC}
    assert [r.path for r in slack.write_calls()] == ["/api/conversations.setTopic"]


def test_no_call_is_observable(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.add_channel("escalation-engineering", topic=TOPIC)
    if client.conversations_info(channel=channel.id)["channel"]["topic"]["value"] != TOPIC:
        client.conversations_setTopic(channel=channel.id, topic=TOPIC)
    assert slack.topic_calls() == [] and slack.write_calls() == []
    assert len(slack.calls_to("conversations.info")) == 1


def test_set_topic_errors(slack: FakeSlack, client: WebClient) -> None:
    public = slack.add_channel("escalation-engineering")
    outside = slack.add_channel("quiet", members=[])
    secret = slack.add_channel("secret", members=[], is_private=True)
    archived = slack.add_channel("old", is_archived=True)
    cases = [
        (outside.id, "x", "not_in_channel"),
        (secret.id, "x", "channel_not_found"),  # a private channel the bot is not in
        ("C0NOPE000", "x", "channel_not_found"),
        ("#escalation-engineering", "x", "channel_not_found"),
        (archived.id, "x", "is_archived"),
        (public.id, "x" * 251, "too_long"),
    ]
    for channel, topic, error in cases:
        with pytest.raises(SlackApiError) as exc:
            client.conversations_setTopic(channel=channel, topic=topic)
        assert error_of(exc) == error, channel
        assert exc.value.response.status_code == 200
    assert client.conversations_setTopic(channel=public.id, topic="y" * 250)["ok"]
    assert len(slack.topic_calls()) == len(cases) + 1  # refused attempts count too
    assert slack.topic(public.id) == "y" * 250 and slack.topic(outside.id) == ""


def test_missing_scope_names_what_is_needed(slack: FakeSlack) -> None:
    slack.add_token("xoxb-no-topic", ["chat:write", "channels:read"])
    channel = slack.add_channel("escalation-engineering")
    with pytest.raises(SlackApiError) as exc:
        slack.client("xoxb-no-topic").conversations_setTopic(channel=channel.id, topic="x")
    assert exc.value.response.data == {
        "ok": False, "error": "missing_scope",
        "needed": "channels:write.topic,groups:write.topic,mpim:write.topic,im:write.topic",
        "provided": "chat:write,channels:read"}

    slack.add_token("xoxb-public-only", ["channels:write.topic", "channels:read"])
    private = slack.add_channel("private-oncall", is_private=True)
    with pytest.raises(SlackApiError) as exc:  # the scope of the channel's type is missing
        slack.client("xoxb-public-only").conversations_setTopic(channel=private.id, topic="x")
    assert exc.value.response["needed"] == "groups:write.topic"
    assert slack.client("xoxb-public-only").conversations_setTopic(
        channel=channel.id, topic="x")["ok"]


def test_list_resolves_a_name_to_an_id_with_paging(slack: FakeSlack, client: WebClient) -> None:
    for name in ("a", "b", "escalation-engineering", "d"):
        slack.add_channel(name)
    hidden = slack.add_channel("hidden-private", members=[], is_private=True)
    mine = slack.add_channel("my-private", is_private=True)

    names, pages = [], 0
    for page in client.conversations_list(types="public_channel,private_channel", limit=2,
                                          exclude_archived=True):
        pages += 1
        names += [c["name"] for c in page["channels"]]
    assert pages == 3
    assert names == ["a", "b", "escalation-engineering", "d", "my-private"]
    assert hidden.name not in names and mine.name in names
    public_only = client.conversations_list()["channels"]
    assert [c["name"] for c in public_only] == ["a", "b", "escalation-engineering", "d"]
    assert len(slack.calls_to("conversations.list")) == 4


def test_faults_reach_set_topic(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.add_channel("escalation-engineering")
    slack.server_error("conversations.setTopic", status=503)
    with pytest.raises(SlackApiError) as exc:
        client.conversations_setTopic(channel=channel.id, topic=TOPIC)
    assert exc.value.response.status_code == 503
    assert slack.topic(channel.id) == ""

    slack.drop("conversations.setTopic")  # the default ConnectionErrorRetryHandler retries once
    assert client.conversations_setTopic(channel=channel.id, topic=TOPIC)["ok"]

    slack.server_error("conversations.info", status=500)
    retrying = WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url, timeout=CEILING,
                         retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)])
    assert retrying.conversations_info(channel=channel.id)["channel"]["topic"]["value"] == TOPIC
    slack.ratelimit("conversations.info", retry_after=0)
    with pytest.raises(SlackApiError) as limited:  # 429 needs its own handler
        client.conversations_info(channel=channel.id)
    assert limited.value.response.status_code == 429
    assert len(slack.topic_calls()) == 3
    assert len(slack.calls_to("conversations.info")) == 3


def test_reminder_dm_round_trip(slack: FakeSlack, client: WebClient) -> None:
    bolaji = slack.add_user("bolaji", "bolaji@example.com")
    dm = client.conversations_open(users=[bolaji.id])["channel"]["id"]
    text = "Your escalation engineer rotation 2026-12-07 to 2027-01-03 starts in 7 days."
    client.chat_postMessage(channel=dm, text=text)
    assert [(m.channel, m.text) for m in slack.messages] == [(dm, text)]
    info = client.conversations_info(channel=dm)["channel"]
    assert info["is_im"] is True and info["user"] == bolaji.id
    with pytest.raises(SlackApiError) as exc:  # the bot token has no im:write.topic
        client.conversations_setTopic(channel=dm, topic="x")
    assert exc.value.response["needed"] == "im:write.topic"
    slack.add_token("xoxb-im-topic", ["im:write.topic"])
    with pytest.raises(SlackApiError) as exc:
        slack.client("xoxb-im-topic").conversations_setTopic(channel=dm, topic="x")
    assert error_of(exc) == "method_not_supported_for_channel_type"
    assert slack.handler_errors == []
