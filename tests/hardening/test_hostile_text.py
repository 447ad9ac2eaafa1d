"""Class 1: no traceback reaches a person; user text is never Rich markup nor a terminal
control; an unexpected exception is one line, exit 2 or 3, and still the --json document."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.cli.safe import plain, strip_controls
from sync.run.engine import Engine
from tests.conftest import Workspace
from tests.helpers import people_rows, rotations_rows, write_roster

TODAY = "2022-09-10"
HOSTILE = ["[bold red]x[/]", "[/]", "[link=file:///etc/passwd]y", "\x1b[2J\x1b[31mred",
           "\x1b]0;title\x07z", "a\x9bb", "\u202eevil", "[" * 50]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_cells_are_findings_printed_plainly(workspace: Workspace, text: str) -> None:
    rotations = rotations_rows()
    rotations[1][0] = text
    write_roster(workspace.folder, rotations=rotations)
    human = workspace.run("validate", "--today", TODAY)
    assert human.exit_code == 1, human.output
    assert "Traceback" not in human.output and "\x1b" not in human.output
    assert "\x9b" not in human.output and "\u202e" not in human.output
    assert "Rotations" in human.output
    code, document = workspace.run_json("validate", "--today", TODAY)
    assert code == 1 and document["findings"][0]["row"] == 2


def test_markup_in_a_name_reaches_the_report_as_text(workspace: Workspace) -> None:
    people = people_rows()
    people[1][1] = "Keegan [bold]Smith[/bold] [/]"
    write_roster(workspace.folder, people=people)
    result = workspace.run("validate", "--today", TODAY)
    assert result.exit_code == 1  # markup in a cell is unsafe-text on that People row
    assert "[bold]Smith[/bold]" in result.output


def boom(self: Engine, *args: object, **kwargs: object) -> None:
    raise KeyError("a [bold]surprise[/] \x1b[31m")


def disk(self: Engine, *args: object, **kwargs: object) -> None:
    raise PermissionError(13, "Permission denied")


@pytest.mark.parametrize(("fault", "exit_code"), [(boom, 3), (disk, 2)])
def test_an_unexpected_exception_is_one_line_and_the_json_document(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch, fault: object,
        exit_code: int) -> None:
    monkeypatch.setattr(Engine, "run", fault)
    result = workspace.run("plan", "--today", TODAY)
    assert result.exit_code == exit_code
    assert "Traceback" not in result.output and "\x1b" not in result.output
    assert len(result.output.strip().splitlines()) <= 3
    code, document = workspace.run_json("plan", "--today", TODAY)
    assert code == exit_code == document["exit_code"]
    assert "unexpected problem" in document["error"]
    assert set(document["targets"]) == {"calendar", "slack", "handbook"}


def test_the_traceback_goes_only_to_the_debug_log(workspace: Workspace,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(Engine, "run", boom)
    monkeypatch.setenv("ROTATION_SYNC_DEBUG", "1")
    result = workspace.run("plan", "--today", TODAY)
    assert result.exit_code == 3 and "Traceback" not in result.stdout
    assert any(record.exc_info for record in caplog.records)


@pytest.mark.parametrize(("raw", "clean"), [
    ("\x1b[31mred\x1b[0m", "red"), ("a\x00b\x07c\x08", "abc"),
    ("tab\tkept\nline", "tab\tkept\nline"),
    ("\x1b]8;;http://x\x1b\\link", "link"), ("c1\x85\x9b", "c1"), ("\u202ertl\u2066", "rtl")])
def test_controls_are_stripped(raw: str, clean: str) -> None:
    assert strip_controls(raw) == clean
    assert plain(raw) == clean


def test_a_findings_table_with_brackets_in_every_field(tmp_path: Path) -> None:
    from io import StringIO

    from rich.console import Console

    from sync.cli.output import print_findings
    from sync.core.findings import Finding

    stream = StringIO()
    print_findings(Console(file=stream, width=200), [
        Finding("error", "bad-date", "[Tab]", 3, "[/col]", "[bold]x[/] \x1b[2J")])
    assert "[bold]x[/]" in stream.getvalue() and "[/col]" in stream.getvalue()
    assert "\x1b" not in stream.getvalue()
