"""Logs for machines and a CLI that explains itself: `--log-format json` leaves only JSON on
stderr and only the --json document (or nothing) on stdout, for every command and for the
cron recipes' own invocation; `--version`, `-h` and help texts that render."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from sync.cli.commands import app
from tests.conftest import ROOT, Workspace

COMMANDS = ["validate", "plan", "sync", "status", "report"]
BOX_DRAWING = set("┏┃━┡│└─╭╮╰╯")


@pytest.fixture(autouse=True)
def text_logging_afterwards() -> Iterator[None]:
    """A JSON run leaves its handler on the root logger; put text back for other tests."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def json_lines(text: str) -> list[dict[str, Any]]:
    lines = [line for line in text.splitlines() if line.strip()]
    assert not BOX_DRAWING & set(text), text
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("as_json", [False, True])
def test_json_logs_leave_only_json_on_both_streams(workspace: Workspace, command: str,
                                                   as_json: bool) -> None:
    workspace.run("sync")  # a history for status
    result = workspace.run(command, "--log-format", "json", *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    json_lines(result.stderr)
    if as_json:
        assert isinstance(json.loads(result.stdout), dict)
    else:
        assert result.stdout == ""


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_validate_and_plan_log_their_run_line(workspace: Workspace, command: str) -> None:
    lines = json_lines(workspace.run(command, "--log-format", "json").stderr)
    runs = [line for line in lines if "run" in line]
    assert len(runs) == 1 and runs[0]["message"].startswith(f"{command} [command line] ok")
    assert runs[0]["run"]["exit_code"] == 0 and "warnings" in runs[0]["run"]


def test_findings_and_errors_are_json_lines(workspace: Workspace) -> None:
    (workspace.folder / "roster/rotations.csv").write_text(
        "Start,End,Engineers\n2022-09-06,2022-09-01,keegancsmith\n")
    result = workspace.run("sync", "--log-format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    codes = [line["finding"]["code"] for line in json_lines(result.stderr) if "finding" in line]
    assert "end-before-start" in codes
    workspace.config.write_text("nonsense = 1\n")
    broken = workspace.run("validate", "--log-format", "json")
    assert broken.exit_code == 2 and broken.stdout == ""
    assert "nonsense" in json_lines(broken.stderr)[-1]["message"]


def recipe_invocations() -> list[list[str]]:
    """Each recipe's own arguments, as written in cron/."""
    pod = yaml.safe_load_all((ROOT / "cron/kubernetes-cronjob.yaml").read_text())
    job = next(doc for doc in pod if doc and doc.get("kind") == "CronJob")
    container = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    docker = next(line for line in (ROOT / "cron/Dockerfile").read_text().splitlines()
                  if line.startswith("CMD "))
    crontab = next(line for line in (ROOT / "cron/crontab").read_text().splitlines()
                   if line and not line.startswith("#") and "bin/rotation-sync" in line)
    service = next(line for line in (ROOT / "cron/rotation-sync.service").read_text()
                   .splitlines() if line.startswith("ExecStart="))
    return [container["args"], json.loads(docker.removeprefix("CMD ")),
            re.split(r"bin/rotation-sync\"? ", crontab)[1].split(" >>")[0].replace('"', "")
            .split(),
            service.split("rotation-sync ", 1)[1].split()]


@pytest.mark.parametrize("args", recipe_invocations())
def test_every_cron_recipe_logs_only_json(workspace: Workspace, args: list[str]) -> None:
    args = [arg for arg in args if not arg.startswith("$HOME")]
    if "-c" in args:
        args.remove("-c")
    assert "--log-format" in args
    result = workspace.run(*args)
    assert result.exit_code == 0, result.output
    lines = json_lines(result.stderr)
    assert any("run" in line for line in lines) and result.stdout == ""


def test_version_and_short_help() -> None:
    version = CliRunner().invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("rotation-sync ")
    assert version.stdout.split()[1][0].isdigit() or version.stdout.split()[1] == "unknown"
    for args in (["-h"], ["sync", "-h"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0 and "Usage:" in result.stdout


def test_help_texts_render_markup_free() -> None:
    schedule = CliRunner().invoke(app, ["schedule", "--help"]).stdout
    assert "[schedule] cron" in " ".join(schedule.split())
    sync = CliRunner().invoke(app, ["sync", "--help"]).stdout
    assert "<bool>" not in sync and "--force-delete" in sync
    assert "YYYY-MM-DD" in sync


def test_cron_recipes_are_found(tmp_path: Path) -> None:
    """The parser above reads four recipes; a recipe it stopped finding would test nothing."""
    assert len(recipe_invocations()) == 4
    assert all(args[0] == "sync" for args in recipe_invocations())
