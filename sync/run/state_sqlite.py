"""The default state backend: one SQLite file and one OS file lock in `state_dir`.

The lock is an OS file lock (flock): it is released when the process dies, so a crashed run
never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.errors import LockBusy
from sync.run.state_checks import check_database, check_directory, open_no_follow, translated
from sync.run.state_schema import runs_table

DB_NAME = "rotation-sync.sqlite"
LOCK_NAME = "rotation-sync.lock"

RUNS_TABLE = runs_table("id INTEGER PRIMARY KEY AUTOINCREMENT")


class SqliteBackend:
    """No server: the right store for one process on one machine."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir

    @property
    def where(self) -> str:
        return str(self.state_dir / DB_NAME)

    def exists(self) -> bool:
        return (self.state_dir / DB_NAME).exists()

    def check(self) -> None:
        check_directory(self.state_dir)
        check_database(self.state_dir / DB_NAME)

    @contextmanager
    def connect(self, schema: str) -> Iterator[sqlite3.Connection]:
        path = self.state_dir / DB_NAME
        with translated(path):
            self.state_dir.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=30)
            try:
                connection.executescript(RUNS_TABLE + schema)
                migrate(connection)
                with connection:
                    yield connection
            finally:
                connection.close()

    @contextmanager
    def lock(self, wait_seconds: float) -> Iterator[None]:
        check_directory(self.state_dir)
        handle = open_no_follow(self.state_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT)
        try:
            acquire(handle, wait_seconds, self.state_dir)
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()}\n".encode())
            yield
        finally:
            os.close(handle)  # closing releases the flock


def acquire(handle: int, wait_seconds: float, state_dir: Path) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockBusy(f"Another rotation-sync run is in progress (state directory "
                               f"{state_dir}); this run did nothing. Try again when it has "
                               "finished.") from None
            time.sleep(0.2)


def migrate(db: sqlite3.Connection) -> None:
    """History written before failure notices existed lacks the `notice` column."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    if "notice" not in columns:
        try:
            db.execute("ALTER TABLE runs ADD COLUMN notice TEXT")
        except sqlite3.OperationalError as error:  # another process migrated it just now
            if "duplicate column" not in str(error):
                raise
