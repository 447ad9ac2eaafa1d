"""Logging: text or one JSON object per line, and never a secret, with real-looking tokens."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from sync.cli.logs import LogFormat, setup_logging
from tests.conftest import make_workspace

SLACK_TOKEN = "xoxb-2718281828-3141592653589-Zq8Xv3LmN0pRtY7uWb2Kc9Ds"
GITHUB_TOKEN = "ghp_R4nd0mL00k1ngT0k3nV4lu3F0rT3st1ng00"


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)


def log_leaky_lines(log_format: LogFormat) -> str:
    stream = io.StringIO()
    setup_logging(log_format, logging.INFO, stream)
    log = logging.getLogger("sync.test")
    log.info("calling Slack with %s", SLACK_TOKEN)
    log.warning("Authorization: Bearer " + GITHUB_TOKEN)
    try:
        raise RuntimeError(f"401 for token {GITHUB_TOKEN}")
    except RuntimeError:
        log.exception("the handbook failed")
    log.info("a run", extra={"run": {"header": f"token {SLACK_TOKEN}"}})
    return stream.getvalue()


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.usefixtures("tokens", "restore_root_logger")
def test_no_token_reaches_a_log_line(log_format: LogFormat) -> None:
    output = log_leaky_lines(log_format)
    assert SLACK_TOKEN not in output and GITHUB_TOKEN not in output
    assert output.count("[secret]") >= 3
    assert "RuntimeError" in output, "the traceback is kept, only the token is masked"


@pytest.mark.usefixtures("tokens", "restore_root_logger")
def test_json_lines_carry_time_level_logger_and_message() -> None:
    lines = [json.loads(line) for line in log_leaky_lines("json").splitlines()]
    assert len(lines) == 4, "one object per line, tracebacks included"
    assert set(lines[0]) == {"time", "level", "logger", "message"}
    assert (lines[1]["level"], lines[1]["logger"]) == ("WARNING", "sync.test")
    assert lines[2]["error"].startswith("Traceback")
    assert lines[3]["run"] == {"header": "token [secret]"}


@pytest.mark.usefixtures("tokens", "restore_root_logger")
def test_sync_logs_one_json_line_per_run_without_secrets(tmp_path: Path) -> None:
    """A failing target whose error names a path that holds a token: masked everywhere."""
    workspace = make_workspace(tmp_path / f"copied-{GITHUB_TOKEN}")
    (workspace.folder / "out").mkdir()
    (workspace.folder / "out" / "slack-usergroup.json").write_text("not json")
    result = workspace.run("sync", "--today", "2022-09-10", "--log-format", "json", "--json")
    assert result.exit_code == 3
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    run = next(line for line in lines if line["logger"] == "sync.run")
    assert run["level"] == "ERROR"
    assert run["run"]["outcome"] == "target failed" and run["run"]["exit_code"] == 3
    assert run["run"]["targets"]["slack"] == "failed"
    assert any("Slack group file" in line["message"] for line in lines)
    assert GITHUB_TOKEN not in result.stderr + result.stdout
    assert "[secret]" in result.stderr
