"""The command line's last line of defence: bounded flags and unexpected errors as a line.

Every number a person types is bounded (exit 2 naming the flag), and an exception nobody
foresaw becomes one sentence and exit 2 (the machine: a file, the disk) or 3 (anything
else); the traceback is written only to the debug log (ROTATION_SYNC_DEBUG=1).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path

import typer

from sync.cli.safe import plain
from sync.core.limits import MAX_AGE
from sync.errors import ConfigError, Outcome, RotationSyncError

DEBUG_ENV = "ROTATION_SYNC_DEBUG"
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
log = logging.getLogger("sync.cli")


class UnexpectedError(RotationSyncError):
    """Something rotation-sync did not foresee; exit 2 or 3 (see `unexpected`)."""


def unexpected(error: Exception) -> RotationSyncError:
    log.debug("unexpected error", exc_info=error)
    wrapped = UnexpectedError(
        f"rotation-sync stopped on an unexpected problem ({type(error).__name__}: "
        f"{one_line(error)}). Run it again with {DEBUG_ENV}=1 for the details, and report "
        "them if it persists.")
    wrapped.exit_code = Outcome.USAGE if isinstance(error, OSError) else Outcome.TARGET_FAILED
    return wrapped


def one_line(error: Exception, limit: int = 300) -> str:
    text = " ".join(plain(error).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def parse_age(value: str) -> timedelta:
    match = re.fullmatch(r"(\d{1,9})\s*([smhd])", value.strip())
    if not match:
        raise typer.BadParameter(f"{plain(value)!r} is not an age such as 90m, 26h or 2d.",
                                 param_hint="--max-age")
    age = timedelta(**{UNITS[match.group(2)]: int(match.group(1))})  # 9 digits: no overflow
    if not timedelta(0) < age <= MAX_AGE:
        raise typer.BadParameter(f"{value.strip()} is not an age between 1s and "
                                 f"{MAX_AGE.days}d.", param_hint="--max-age")
    return age


def check_html_path(path: Path) -> None:
    """Refused before any work: a folder, or a file in a folder that does not exist."""
    if path.is_dir():
        raise ConfigError(f"--html {path} is a folder; give the path of a file, such as "
                          f"{path / 'report.html'}.")
