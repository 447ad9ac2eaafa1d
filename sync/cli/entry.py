"""The `rotation-sync` entry point. `--version` is answered before the command line (typer,
rich, pydantic, the engine) is imported, so it costs little more than starting Python."""

from __future__ import annotations

import sys

from sync.cli.version import package_version


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"rotation-sync {package_version()}")
        return
    from sync.cli.commands import main as run_command_line

    run_command_line()
