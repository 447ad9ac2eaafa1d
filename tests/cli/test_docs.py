"""The README is part of the product: a command, option, config key or finding code missing
from it fails the build (sqlite-utils' rule)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sync.cli.commands import app
from sync.config.reference import config_reference
from sync.core.findings import FINDING_CODES

README = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    assert commands == ["make run", "make test"]


def test_config_reference_is_current() -> None:
    section = README.split("<!-- config-reference:begin -->\n")[1].split(
        "<!-- config-reference:end -->")[0]
    assert section == config_reference(), "run `make docs` to refresh the README"


@pytest.mark.parametrize("code", sorted(FINDING_CODES))
def test_every_finding_code_is_documented(code: str) -> None:
    assert f"`{code}`" in README


def registered_commands() -> list[str]:
    return [command.name or (command.callback.__name__ if command.callback else "")
            for command in app.registered_commands]


@pytest.mark.parametrize("command", registered_commands())
def test_every_command_is_documented(command: str) -> None:
    assert f"`rotation-sync {command}`" in README


def test_every_option_is_documented() -> None:
    import typer.main

    click_app = typer.main.get_command(app)
    for command in click_app.commands.values():  # type: ignore[attr-defined]
        for param in command.params:
            for option in param.opts:
                if option.startswith("--"):
                    assert re.search(rf"`[^`]*{re.escape(option)}\b", README), option


def test_the_readme_stands_alone() -> None:
    """A reader of the repository has only the repository: no link leads outside it."""
    assert "../" not in README
