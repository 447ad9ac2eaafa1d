"""The installed package's version, for `--version` (light: no command line is built)."""

from __future__ import annotations

from importlib import metadata


def package_version() -> str:
    try:
        return metadata.version("rotation-sync")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
