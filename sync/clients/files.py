"""Writing local files so a reader never sees half a file, and a no-op never touches it."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sync.errors import TargetError

Parsed = TypeVar("Parsed")


class UnwritablePath(OSError):
    """The output path is a folder (or another thing that is not a file)."""


def write_atomically(path: Path, text: str) -> None:
    """A symbolic link is written through to the file it points at (never replaced by a
    regular file), so an operator's link to a served folder keeps working."""
    path = through_links(path)
    if path.exists() and not path.is_file():
        raise UnwritablePath(f"{path} is a folder, not a file; give the path of a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode_of(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def through_links(path: Path) -> Path:
    """The file a chain of symbolic links ends at (a dangling link: the file it names)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def mode_of(path: Path) -> int:
    """Keep an existing file's permissions; new files are world-readable like any export."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o644


def read_text(path: Path) -> str | None:
    """The file's text exactly as stored (line endings kept), or None when it is absent."""
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


def read_json(path: Path, what: str, parse: Callable[[Any], Parsed]) -> Parsed | None:
    """A JSON file a local backend owns, parsed; None before its first sync.

    A file in another shape (edited by hand, another tool's) fails the target and is left
    untouched rather than overwritten.
    """
    text = read_text(path)
    if text is None:
        return None
    try:
        return parse(json.loads(text))
    except (ValueError, KeyError, TypeError) as error:
        raise TargetError(f"The {what} file {path} is not in the expected format ({error}); "
                          "it was left untouched.") from None
