"""The smaller things seen using the tool for a month (issue 22, point 8): the topic says who
covers during an override; each finding is its own JSON log line for every command that
finds them (also `schedule`'s runs); a retried connection is one readable line per attempt
and the advice names the real key; `who`, `report` and `status --json` say which command
they are; nobody gets the same DM twice in a run; the README's People table lists every
column validation reads. (The Country column's warning: tests/cli/test_time_off_cli.py.)"""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest

from sync.cli.logs import setup_logging
from sync.config.model import load_config
from sync.core.rules.validate import PEOPLE_HEADERS, PEOPLE_OPTIONAL
from sync.run.messenger import FileTransport, Messenger
from sync.run.runner import run_sync
from sync.targets.topic.file import TopicFile
from sync.targets.topic.model import TopicSettings
from tests.conftest import ROOT, Workspace
from tests.helpers import DictMemory, make_clock, make_roster, to_csv, with_overrides


def test_the_topic_says_who_covers_during_an_override(tmp_path: Path) -> None:
    roster = with_overrides(make_roster(), ("2022-09-12", "2022-09-14", "valerybugakov",
                                            "sven-larsen", ""))
    target = TopicFile(tmp_path / "topic.json", TopicSettings("#ee"))
    plan = target.plan(roster, make_clock("2022-09-13"))
    target.apply(plan)
    assert json.loads((tmp_path / "topic.json").read_text())["topic"] == (
        "On rotation: @keegancsmith @sven-larsen (covering @valerybugakov) (until 2022-10-09)")


def with_a_warning(workspace: Workspace) -> None:
    """A rotation of two engineers: the `engineer-count` warning, and others."""
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv([
        ["Start", "End", "Engineers"],
        ["2022-09-07", "2022-10-09", "keegancsmith, valerybugakov"]]))


def finding_lines(stderr: str) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [line for line in lines if "finding" in line]


@pytest.mark.parametrize("command", ["validate", "plan", "sync", "who", "report"])
def test_each_finding_is_its_own_json_log_line(workspace: Workspace, command: str) -> None:
    with_a_warning(workspace)
    result = workspace.run(command, "--today", "2022-09-10", "--log-format", "json", "--json")
    document = json.loads(result.stdout)
    lines = finding_lines(result.stderr)
    assert [line["finding"] for line in lines] == document["findings"] != []
    assert all(line["level"] == "WARNING" for line in lines)


@pytest.mark.usefixtures("restore_root_logger")
def test_each_finding_of_a_scheduled_run_is_its_own_json_log_line(workspace: Workspace
                                                                  ) -> None:
    """`schedule` runs through run_sync, with no command line to print the findings."""
    with_a_warning(workspace)
    stream = io.StringIO()
    setup_logging("json", logging.INFO, stream)
    result = run_sync(load_config(workspace.config), make_clock("2022-09-10"), trigger="cron")
    lines = finding_lines(stream.getvalue())
    assert [line["finding"] for line in lines] == [f.as_json() for f in result.findings] != []


def test_text_logs_do_not_repeat_the_findings(workspace: Workspace) -> None:
    with_a_warning(workspace)
    result = workspace.run("sync", "--today", "2022-09-10")
    assert "sync.findings" not in result.stderr


def test_a_retried_connection_is_one_readable_line_and_names_the_key(workspace: Workspace,
                                                                      monkeypatch: pytest.
                                                                      MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-small-things")
    workspace.config.write_text(workspace.config.read_text().replace(
        'kind = "file"\npath = "out/slack-usergroup.json"',
        'kind = "slack"\napi_url = "http://127.0.0.1:9/api/"'))
    result = workspace.run("sync", "--today", "2022-09-10", "--only", "slack")
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert lines and not [line for line in lines if "slack_sdk" in line or "urllib3" in line]
    retries = [line for line in lines if "retrying in" in line]
    assert len(retries) == 5 and all("Slack users.lookupByEmail at http://127.0.0.1:9/api/ "
                                     "failed (URLError)" in line for line in retries)
    assert "Check [slack] api_url and the network." in result.output


@pytest.mark.parametrize(("command", "args"), [("who", ()), ("report", ()), ("status", ())])
def test_who_report_and_status_say_which_command_they_are(workspace: Workspace, command: str,
                                                          args: tuple[str, ...]) -> None:
    code, document = workspace.run_json(command, *args)
    assert code == 0 and document["command"] == command


def test_nobody_is_sent_the_same_dm_twice_in_a_run(tmp_path: Path) -> None:
    path = tmp_path / "messages.jsonl"
    messenger = Messenger(FileTransport(path), DictMemory())
    for _ in range(2):
        assert messenger.direct("@kenji-sato", "Your rotation moved.") is None
    messenger.direct("@kenji-sato", "Another message.")
    messenger.direct("@tbliu98", "Your rotation moved.")
    assert [(m["channel"], m["text"]) for m in map(json.loads, path.read_text().splitlines())
            ] == [("@kenji-sato", "Your rotation moved."), ("@kenji-sato", "Another message."),
                  ("@tbliu98", "Your rotation moved.")]


def test_the_readme_people_table_lists_every_column() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("**People** tab", 1)[1].split("\n\n**", 1)[0]
    listed = {cell.strip("` ").lower() for cell in re.findall(r"^\| (`[^`]+`) \|", section,
                                                              re.MULTILINE)}
    assert listed == {*PEOPLE_HEADERS, *PEOPLE_OPTIONAL}

