"""The Slack contract suite, run against the JSON-file backend and the real Slack backend
(slack_sdk over HTTP against the fake Slack Web API), so both behave the same."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import sync.targets.slack.file
from sync.clients.slack import SlackApi
from sync.core.diff.plan import TargetPlan
from sync.targets.base import Target
from sync.targets.slack.file import SlackFile
from sync.targets.slack.model import GroupSettings
from sync.targets.slack.slack import SlackUserGroup
from tests.helpers import PEOPLE
from tests.targets.contract import SlackContract, broken
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack

SETTINGS = GroupSettings("escalation-engineers", "keep", ())


class TestSlackFile(SlackContract):
    @pytest.fixture(autouse=True)
    def _file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = tmp_path / "out" / "slack-usergroup.json"
        self.rewrites = 0
        real_write = sync.targets.slack.file.write_atomically

        def counting_write(path: Path, text: str) -> None:
            self.rewrites += 1
            real_write(path, text)

        monkeypatch.setattr(sync.targets.slack.file, "write_atomically", counting_write)

    def make_target(self) -> Target:
        return SlackFile(self.path, SETTINGS)

    def writes(self) -> int:
        return self.rewrites

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        yield from broken(sync.targets.slack.file)

    def tamper(self, target: Target) -> None:
        data = json.loads(self.path.read_text())
        data["members"].append({"handle": "added-by-hand", "email": "hand@example.com"})
        self.path.write_text(json.dumps(data))

    def members(self) -> set[str]:
        return {m["email"] for m in json.loads(self.path.read_text())["members"]}


class TestSlackWebApi(SlackContract):
    @pytest.fixture(autouse=True)
    def _slack(self) -> Iterator[None]:
        with FakeSlack() as slack:
            for handle, (name, email, _tz) in PEOPLE.items():
                slack.add_user(handle.lower(), email, real_name=name)
            self.stranger = slack.add_user("stranger", "stranger@example.com")
            slack.add_group("escalation-engineers")
            self.slack = slack
            yield

    def make_target(self) -> Target:
        return SlackUserGroup(SETTINGS, SlackApi.connect(DEFAULT_TOKEN, self.slack.api_url,
                                                         SETTINGS.handle))

    def writes(self) -> int:
        return len(self.slack.write_calls())

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        self.slack.server_error("usergroups.users.update", times=99)
        yield
        with self.slack.lock:
            self.slack.faults.clear()

    def tamper(self, target: Target) -> None:
        self.slack.group("escalation-engineers").users.append(self.stranger.id)

    def members(self) -> set[str]:
        users = self.slack.users
        return {str(users[uid].email) for uid in self.slack.group("escalation-engineers").users}
