"""Say everything at once, and where: every missing secret in one message, and a network
failure that names the endpoint it tried, with each retry logged as it happens."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest

from sync.clients.retry import DEFAULT_POLICY
from sync.errors import SourceError
from sync.sources.sheets import SheetsSource
from tests.conftest import Workspace
from tests.wire.fakes.google import FakeGoogle, make_service_account

REAL_TARGETS = """
[slack]
kind = "slack"
usergroup = "escalation-engineers"

[handbook]
kind = "github"
repo = "acme/handbook"
path = "rotation.md"
"""


def real_targets(workspace: Workspace) -> None:
    text = workspace.config.read_text()
    local = text.split("[slack]")[0]
    workspace.config.write_text(local + REAL_TARGETS)


@pytest.mark.parametrize("command", ["plan", "sync"])
def test_every_missing_secret_is_named_in_one_message(workspace: Workspace,
                                                      command: str) -> None:
    real_targets(workspace)
    code, document = workspace.run_json(command)
    assert code == 2
    assert "SLACK_BOT_TOKEN is not set" in document["error"]
    assert "GITHUB_TOKEN is not set" in document["error"]
    assert "acme/handbook" in document["error"]


def test_a_secret_that_is_set_is_not_asked_for(workspace: Workspace,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real_targets(workspace)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not-a-real-token-at-all-000000000000")
    code, document = workspace.run_json("plan")
    assert code == 2 and "SLACK_BOT_TOKEN" in document["error"]
    assert "GITHUB_TOKEN" not in document["error"]


def test_only_asks_for_the_secrets_of_the_chosen_targets(workspace: Workspace) -> None:
    real_targets(workspace)
    code, document = workspace.run_json("plan", "--only", "calendar")
    assert code == 0, document


def unreachable_port() -> int:
    """A loopback port nobody listens on: connections to it are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_sheets_endpoint_is_named_and_each_retry_logged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    with FakeGoogle() as google:  # the token endpoint answers; Sheets itself is unreachable
        key = tmp_path / "key.json"
        key.write_text(json.dumps(make_service_account(google)))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        endpoint = f"http://127.0.0.1:{unreachable_port()}"
        source = SheetsSource("1RosterSheetId", endpoint=endpoint)
        with caplog.at_level(logging.WARNING, "sync.clients.retry"), \
                pytest.raises(SourceError) as failure:
            source.read()
    assert f"{endpoint}/v4/spreadsheets/1RosterSheetId/values:batchGet" in str(failure.value)
    assert "sheets_endpoint" in str(failure.value)
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == DEFAULT_POLICY.attempts - 1
    assert all(endpoint in line and "Google Sheets" in line for line in retries)
    assert retries[0].endswith(f"(attempt 2 of {DEFAULT_POLICY.attempts})")


def test_slack_retries_name_the_api_url(caplog: pytest.LogCaptureFixture) -> None:
    from sync.clients.slack import SlackApi, SlackFailure

    api_url = f"http://127.0.0.1:{unreachable_port()}/api/"
    slack = SlackApi.connect("xoxb-not-a-real-token", api_url, "escalation-engineers")
    with caplog.at_level(logging.WARNING, "sync.clients.retry"), \
            pytest.raises(SlackFailure) as failure:
        slack.call("auth.test")
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert retries and all(api_url in line for line in retries)
    assert api_url in str(failure.value)
