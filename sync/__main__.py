"""`python -m sync` and the `rotation-sync` entry point. `--version` alone is answered before
the command line (typer, rich, pydantic, the engine) is imported, so it costs little more
than starting Python."""

from __future__ import annotations

import gc
import sys

from sync import package_version


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"rotation-sync {package_version()}")
        return
    from sync.cli.commands import main as run_command_line

    gc.freeze()  # what the imports built lives as long as the process: collections skip it
    run_command_line()


if __name__ == "__main__":
    main()
