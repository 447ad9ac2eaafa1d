"""A local workspace with an Overrides file, a messages file and a [cover] section."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sync.cli.commands import app
from tests.conftest import Workspace, make_workspace
from tests.helpers import to_csv

HEADER = ["Start", "End", "Engineer", "Cover", "Note"]
TODAY = "2022-09-10"  # valerybugakov and keegancsmith are on 2022-09-07 to 2022-10-09


def cover_workspace(folder: Path, cover: str = "", overrides: bool = True) -> Workspace:
    workspace = make_workspace(folder)
    text = workspace.config.read_text()
    if overrides:
        text = text.replace('people = "roster/people.csv"\n',
                            'people = "roster/people.csv"\noverrides = "roster/overrides.csv"\n')
        (folder / "roster" / "overrides.csv").write_text(to_csv([HEADER]))
    text = text.replace('empty_policy = "keep"', 'empty_policy = "keep"\nannounce_channel = '
                        '"#escalation-engineering"')
    workspace.config.write_text(text + "\n[cover]\nmanagers = [\"priya-nair\"]\n" + cover)
    return workspace


def run_cover(workspace: Workspace, action: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["cover", action, "-c", str(workspace.config), *args])


def cover(workspace: Workspace, *args: str, today: str = TODAY) -> tuple[int, dict[str, Any]]:
    result = run_cover(workspace, *args, "--today", today, "--json")
    assert result.stdout, result.output
    return result.exit_code, json.loads(result.stdout)


def ask(workspace: Workspace, engineer: str = "valerybugakov", first: str = "2022-09-12",
        last: str = "2022-09-14", *extra: str) -> tuple[int, dict[str, Any]]:
    return cover(workspace, "request", "--engineer", engineer, "--from", first, "--to", last,
                 *extra)


def override_rows(workspace: Workspace) -> list[list[str]]:
    text = (workspace.folder / "roster" / "overrides.csv").read_text()
    return list(csv.reader(io.StringIO(text)))[1:]
