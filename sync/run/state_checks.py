"""Checks that the state store can be used, made before a run writes anything anywhere.

A state directory that is corrupt, read-only or owned by another user used to surface
only after the targets were written (a traceback, every night). Now it is exit 2 naming
the file and the fix, before the first write.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.errors import RotationSyncError

OWNER_FIX = ("make it readable and writable by the user that runs rotation-sync "
             "(chown or chmod), or point state_dir at a folder that user owns")


class StateError(RotationSyncError):
    """The state store cannot be read or written: exit 2, nothing was written."""


def open_no_follow(path: Path, flags: int, mode: int = 0o644) -> int:
    """os.open that refuses a symbolic link, so a planted link cannot redirect our writes."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StateError(f"{path} is a symbolic link; rotation-sync does not follow "
                             "links for its lock and message files. Remove the link (the "
                             "file is recreated).") from None
        raise StateError(f"{path} cannot be opened ({error.strerror}): {OWNER_FIX}.") \
            from None


def check_directory(state_dir: Path) -> None:
    if state_dir.exists() and not state_dir.is_dir():
        raise StateError(f"state_dir {state_dir} is not a folder; point state_dir at a "
                         "folder (it is created when missing).")
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StateError(f"state_dir {state_dir} cannot be created ({error.strerror}); "
                         f"{OWNER_FIX}.") from None
    if not os.access(state_dir, os.W_OK | os.X_OK):
        raise StateError(f"state_dir {state_dir} is not writable; {OWNER_FIX}.")


def check_database(path: Path) -> None:
    """Read it whole and try a write that is rolled back: corrupt and read-only both show."""
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StateError(f"The run history {path} is not readable and writable; {OWNER_FIX}.")
    with translated(path):
        connection = sqlite3.connect(path, timeout=30)
        try:
            verdict = connection.execute("PRAGMA quick_check").fetchone()
            if verdict is None or verdict[0] != "ok":
                raise sqlite3.DatabaseError(str(verdict))
            connection.execute("CREATE TABLE IF NOT EXISTS rotation_sync_probe (x)")
            connection.rollback()
            connection.execute("DROP TABLE IF EXISTS rotation_sync_probe")
            connection.commit()
        finally:
            connection.close()


@contextmanager
def translated(path: Path) -> Iterator[None]:
    """SQLite's errors as a message naming the file and the fix."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        text = str(error).lower()
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            raise StateError(f"The run history {path} cannot be written ({error}); "
                             f"{OWNER_FIX}.") from None
        if "locked" in text or "busy" in text:
            raise StateError(f"The run history {path} is locked by another program "
                             f"({error}); try again when it has finished.") from None
        raise StateError(f"The run history {path} is damaged ({error}); move it aside "
                         "(the next run starts a new history) or restore it from a "
                         "backup.") from None
    except OSError as error:
        raise StateError(f"The run history {path} cannot be used ({error.strerror}); "
                         f"{OWNER_FIX}.") from None
