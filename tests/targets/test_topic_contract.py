"""The topic contract suite against the JSON file and the real Slack backend (slack_sdk over
HTTP against the fake Slack), plus what only Slack does: ids, scopes, membership."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import sync.targets.topic.file as topic_file
from sync.clients.slack import SlackApi
from sync.core.diff.plan import TargetPlan
from sync.errors import TargetError
from sync.targets.base import Target
from sync.targets.topic.file import TopicFile
from sync.targets.topic.model import TopicSettings
from sync.targets.topic.slack import SlackTopic
from tests.helpers import make_clock, make_roster
from tests.targets.contract import ROSTER_A, TopicContract, broken, sync
from tests.wire.fakes.slack import BOT_SCOPES, FakeSlack

CHANNEL = "#escalation-engineering"
SETTINGS = TopicSettings(CHANNEL)


class TestTopicFile(TopicContract):
    @pytest.fixture(autouse=True)
    def _file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = tmp_path / "out" / "topic.json"
        self.rewrites = 0
        real_write = topic_file.write_atomically

        def counting_write(path: Path, text: str) -> None:
            self.rewrites += 1
            real_write(path, text)

        monkeypatch.setattr(topic_file, "write_atomically", counting_write)

    def make_target(self) -> Target:
        return TopicFile(self.path, SETTINGS)

    def writes(self) -> int:
        return self.rewrites

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        yield from broken(topic_file)

    def tamper(self, target: Target) -> None:
        self.path.write_text(json.dumps({"channel": CHANNEL, "topic": "Edited by hand"}))

    def topic(self) -> str:
        data = json.loads(self.path.read_text())
        assert data["channel"] == CHANNEL
        return str(data["topic"])


class TestTopicSlack(TopicContract):
    @pytest.fixture(autouse=True)
    def _slack(self) -> Iterator[None]:
        with FakeSlack() as slack:
            slack.add_channel("random")
            self.channel = slack.add_channel("escalation-engineering", topic="Old topic")
            self.slack = slack
            yield

    def make_target(self) -> Target:
        return SlackTopic(SETTINGS, SlackApi.connect("xoxb-fake-bot-token", self.slack.api_url,
                                                     "escalation-engineers"))

    def writes(self) -> int:
        return len(self.slack.write_calls())

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        self.slack.server_error("conversations.setTopic", times=99)
        yield
        with self.slack.lock:
            self.slack.faults.clear()

    def tamper(self, target: Target) -> None:
        self.slack.set_topic(self.channel.id, "Edited by hand")

    def topic(self) -> str:
        return self.slack.topic(self.channel.id)


# -- what only Slack does ------------------------------------------------------------------
def topic_target(slack: FakeSlack, channel: str = CHANNEL, token: str = "xoxb-fake-bot-token",
                 template: str | None = None) -> SlackTopic:
    settings = TopicSettings(channel) if template is None else TopicSettings(channel, template)
    return SlackTopic(settings, SlackApi.connect(token, slack.api_url, "escalation-engineers"))


def test_unchanged_topic_makes_no_set_topic_call(slack: FakeSlack) -> None:
    slack.add_channel("escalation-engineering",
                      topic="On rotation: @keegancsmith @valerybugakov (until 2022-10-09)")
    plan = sync(topic_target(slack), make_roster(ROSTER_A))
    assert plan.changes == []
    assert slack.topic_calls() == [] and slack.write_calls() == []


def test_the_change_names_the_whole_old_and_new_topic(slack: FakeSlack) -> None:
    slack.add_channel("escalation-engineering", topic="x" * 80)
    plan = topic_target(slack).plan(make_roster(ROSTER_A), make_clock())
    assert plan.changes[0].summary == (
        "set the topic of #escalation-engineering to “On rotation: @keegancsmith "
        f"@valerybugakov (until 2022-10-09)” (was “{'x' * 80}”)")


def test_too_long_topic_is_shortened_and_accepted_by_slack(slack: FakeSlack) -> None:
    channel = slack.add_channel("escalation-engineering")
    template = "Please page the engineers on rotation. " * 5 + "Thank you! " + \
        "{engineers} (until {end})"  # 206 characters before the engineers
    sync(topic_target(slack, template=template), make_roster(ROSTER_A))
    topic = slack.topic(channel.id)
    assert len(topic) <= 250
    assert topic.endswith("@keegancsmith …+1 (until 2022-10-09)")
    assert len(slack.topic_calls()) == 1


def test_a_channel_given_by_id_and_a_private_one(slack: FakeSlack) -> None:
    private = slack.add_channel("oncall-private", is_private=True)
    sync(topic_target(slack, channel=private.id), make_roster(ROSTER_A))
    assert slack.topic(private.id).startswith("On rotation: @keegancsmith")
    assert slack.calls_to("conversations.list") == []


@pytest.mark.parametrize(("setup", "expected"), [
    ("absent", "does not exist or the Slack app cannot see it; fix [topic] channel"),
    ("outside", "not a member of #escalation-engineering, and only members may set its "
                "topic; invite the app"),
    ("no-scope", "add channels:read and channels:write.topic (for a private channel "
                 "groups:read and groups:write.topic) to the Slack app and reinstall it"),
])
def test_errors_name_the_fix(slack: FakeSlack, setup: str, expected: str) -> None:
    token = "xoxb-fake-bot-token"
    if setup == "outside":
        slack.add_channel("escalation-engineering", members=[])
    elif setup == "no-scope":
        slack.add_channel("escalation-engineering")
        token = "xoxb-no-topic-scope"
        slack.add_token(token, [s for s in BOT_SCOPES if "write.topic" not in s])
    with pytest.raises(TargetError) as error:
        sync(topic_target(slack, token=token), make_roster(ROSTER_A))
    assert str(error.value).startswith("[topic] ")
    assert expected in str(error.value)
