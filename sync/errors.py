"""How runs end: the exit codes of the contract, and the errors that carry them."""

from __future__ import annotations

from enum import IntEnum


class Outcome(IntEnum):
    """The exit codes: what a script or a health check can rely on."""

    OK = 0
    INVALID_ROSTER = 1  # or a refused mass delete: nothing was written
    USAGE = 2  # a bad flag, config, secret or state store; another run holds the lock
    TARGET_FAILED = 3  # at least one target failed after retries; the others synced


class RotationSyncError(Exception):
    """A problem the user must fix; the message is written for them."""

    exit_code: Outcome = Outcome.USAGE


class ConfigError(RotationSyncError):
    """Bad config file, flag, or missing secret: exit 2."""


class SourceError(RotationSyncError):
    """The roster could not be read at all (missing file, sheet not shared): exit 2."""


class LockBusy(RotationSyncError):
    """Another run holds the state directory's lock: exit 2."""


class TargetError(RotationSyncError):
    """One target failed after retries; the others still sync (exit 3 for the run)."""

    exit_code = Outcome.TARGET_FAILED
