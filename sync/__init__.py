"""rotation-sync: one on-call rotation, consistent in a calendar, a Slack group and a handbook."""

__version__ = "0.1.0"


def package_version() -> str:
    """The installed package's version (light: `--version` answers before anything loads)."""
    from importlib import metadata

    try:
        return metadata.version("rotation-sync")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
