"""Where human text goes, and how a failure reaches a person: one line on stderr (and the
one `--json` document on stdout), never a traceback."""

from __future__ import annotations

import io
import json
import logging
import sys
from typing import Any

import typer
from rich.console import Console

from sync.cli.logs import json_logging
from sync.cli.safe import markup_safe, plain
from sync.clients.secrets import redact
from sync.errors import RotationSyncError
from sync.run.engine import skipped_targets

log = logging.getLogger("sync.cli")


class Unprinted(Console):
    """Where the human text goes when nobody reads it: nothing is rendered (rendering a
    table of 10,000 findings takes seconds), nothing is written."""

    def print(self, *objects: Any, **options: Any) -> None:
        return None


def make_console(stderr: bool) -> Console:
    """Logs and CI are not terminals: give tables room instead of Rich's 80 columns. With
    `--log-format json` stderr is the collector's and stdout only the --json document's,
    so the human text goes nowhere (the log lines carry the findings and the run)."""
    if json_logging():
        return Unprinted(file=io.StringIO(), highlight=False)
    console = Console(stderr=stderr, highlight=False)
    return console if console.is_terminal else Console(stderr=stderr, highlight=False,
                                                       width=200)


def fail(error: RotationSyncError, as_json: bool) -> None:
    if json_logging():
        log.error("%s", plain(error), extra={"run": {"exit_code": error.exit_code}})
    make_console(stderr=as_json).print(f"[red]Error:[/] {markup_safe(error)}",
                                       highlight=False)
    if as_json:
        document = {"exit_code": error.exit_code, "error": plain(error), "findings": [],
                    "targets": {name: result.as_json()
                                for name, result in skipped_targets().items()}}
        sys.stdout.write(redact(json.dumps(document, indent=2, default=str)) + "\n")
    raise typer.Exit(error.exit_code)
