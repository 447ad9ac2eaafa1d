"""Errors that end a run; each carries the exit code the contract gives it."""

from __future__ import annotations


class RotationSyncError(Exception):
    """A problem the user must fix; the message is written for them."""

    exit_code = 2


class ConfigError(RotationSyncError):
    """Bad config file, flag, or missing secret: exit 2."""


class SourceError(RotationSyncError):
    """The roster could not be read at all (missing file, sheet not shared): exit 2."""


class LockBusy(RotationSyncError):
    """Another run holds the state directory's lock: exit 2."""


class TargetError(RotationSyncError):
    """One target failed after retries; the others still sync (exit 3 for the run)."""

    exit_code = 3
