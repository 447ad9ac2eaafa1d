"""The channel topic from the command line: `--only topic`, the `--json` key, the config."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from sync.targets.topic.model import TOPIC_MAX, topic_text
from tests.conftest import Workspace

TOPIC_FILE = ('\n[topic]\nkind = "file"\npath = "out/topic.json"\n'
              'channel = "#escalation-engineering"\n')


def with_topic(workspace: Workspace, extra: str = "") -> None:
    workspace.config.write_text(workspace.config.read_text() + TOPIC_FILE + extra)


def test_json_lists_topic_only_when_configured(workspace: Workspace) -> None:
    _, without = workspace.run_json("plan", "--today", "2022-09-10")
    assert set(without["targets"]) == {"calendar", "slack", "handbook"}
    with_topic(workspace)
    code, document = workspace.run_json("sync", "--today", "2022-09-10")
    assert code == 0
    assert set(document["targets"]) == {"calendar", "slack", "handbook", "topic"}
    assert document["targets"]["topic"]["changes"][0]["action"] == "create"
    topic = json.loads((workspace.folder / "out/topic.json").read_text())
    assert topic == {"channel": "#escalation-engineering",
                     "topic": "On rotation: @keegancsmith @valerybugakov (until 2022-10-09)"}
    _, validated = workspace.run_json("validate", "--today", "2022-09-10")
    assert validated["targets"]["topic"]["status"] == "skipped"


def test_only_topic_writes_the_topic_alone(workspace: Workspace) -> None:
    with_topic(workspace)
    code, document = workspace.run_json("sync", "--today", "2022-10-10", "--only", "topic")
    assert code == 0
    assert document["targets"]["calendar"]["status"] == "skipped"
    assert document["targets"]["topic"]["status"] == "ok"
    assert not (workspace.folder / "out/rotations.ics").exists()
    assert "@tbliu98 (until 2022-11-07)" in (workspace.folder / "out/topic.json").read_text()


def test_unknown_placeholder_is_exit_2_naming_the_key(workspace: Workspace) -> None:
    with_topic(workspace, 'template = "On call: {engineer} until {end}"\n')
    result = workspace.run("plan", "--today", "2022-09-10")
    assert result.exit_code == 2
    assert "topic.template" in result.output and "{engineer}" in result.output
    assert "Traceback" not in result.output


def test_slack_topic_without_a_slack_workspace_is_exit_2(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text() + TOPIC_FILE.replace(
        'kind = "file"\npath = "out/topic.json"', 'kind = "slack"'))
    for command in ("plan", "validate"):
        result = workspace.run(command, "--today", "2022-09-10")
        assert result.exit_code == 2
        assert '[slack] kind = "slack"' in result.output


handles = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,38}", fullmatch=True), max_size=40)


@given(handles, st.text(max_size=300).map(lambda t: t.replace("{", "").replace("}", "")))
def test_a_topic_never_exceeds_the_limit_and_keeps_the_first_engineers(
        names: list[str], prefix: str) -> None:
    text = topic_text(prefix + "{engineers} (until {end})", names, "2026-11-30")
    assert len(text) <= TOPIC_MAX
    full = prefix + " ".join(f"@{n}" for n in names) + " (until 2026-11-30)"
    if len(full) <= TOPIC_MAX:
        assert text == (full if names else prefix + "nobody (until 2026-11-30)")
    elif len(prefix) + 40 < TOPIC_MAX:
        assert "…+" in text and text.endswith(" (until 2026-11-30)")
