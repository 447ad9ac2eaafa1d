"""Run history in SQLite and the lock that keeps two runs from overlapping.

The lock is an OS file lock (flock) on a file in state_dir: it is released when the process
dies, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync.clients.secrets import redact, redact_data
from sync.errors import LockBusy
from sync.run.state_checks import check_database, check_directory, open_no_follow, translated

DB_NAME = "rotation-sync.sqlite"
LOCK_NAME = "rotation-sync.lock"
KEEP_RUNS = 500

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    command TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    changes TEXT NOT NULL,
    findings TEXT NOT NULL,
    targets TEXT NOT NULL,
    notice TEXT
);
CREATE TABLE IF NOT EXISTS memory (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
COLUMNS = "id, started, finished, command, exit_code, outcome, changes, findings, targets, notice"


@dataclass(frozen=True)
class RunRecord:
    id: int
    started: datetime
    finished: datetime
    command: str
    exit_code: int
    outcome: str
    changes: dict[str, int]
    findings: list[dict[str, Any]]
    targets: dict[str, Any]
    notice: str | None = None

    @property
    def seconds(self) -> float:
        return (self.finished - self.started).total_seconds()

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "started": self.started.isoformat(),
                "finished": self.finished.isoformat(), "seconds": round(self.seconds, 3),
                "command": self.command, "exit_code": self.exit_code, "outcome": self.outcome,
                "changes": self.changes, "findings": self.findings, "targets": self.targets,
                "notice": self.notice}


class StateStore:
    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir

    def check(self) -> None:
        """Exit 2 naming the file and the fix when the store cannot be used; called before
        a run writes anything."""
        check_directory(self.state_dir)
        check_database(self.state_dir / DB_NAME)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        path = self.state_dir / DB_NAME
        with translated(path):
            self.state_dir.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=30)
            try:
                connection.executescript(SCHEMA)
                migrate(connection)
                with connection:
                    yield connection
            finally:
                connection.close()

    @contextmanager
    def lock(self, wait_seconds: float = 0.0) -> Iterator[None]:
        """Hold the run lock; a second run waits up to `wait_seconds`, then exits 2."""
        check_directory(self.state_dir)
        handle = open_no_follow(self.state_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT)
        try:
            acquire(handle, wait_seconds, self.state_dir)
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()}\n".encode())
            yield
        finally:
            os.close(handle)  # closing releases the flock

    def record(self, started: datetime, command: str, exit_code: int, outcome: str,
               changes: dict[str, int], findings: list[dict[str, Any]],
               targets: dict[str, Any], keep: int = KEEP_RUNS,
               notice: str | None = None) -> None:
        """Add a run and prune the history to the last `keep` runs; masked first, so the
        history never holds a token an error body echoed."""
        finished = datetime.now(UTC)
        findings, targets = redact_data(findings), redact_data(targets)
        notice = redact(notice) if notice is not None else None
        with self.connect() as db:
            db.execute(
                "INSERT INTO runs (started, finished, command, exit_code, outcome, changes,"
                " findings, targets, notice) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (started.isoformat(), finished.isoformat(), command, int(exit_code), outcome,
                 json.dumps(changes), json.dumps(findings), json.dumps(targets), notice))
            db.execute("DELETE FROM runs WHERE id NOT IN "
                       "(SELECT id FROM runs ORDER BY id DESC LIMIT ?)", (keep,))

    def runs(self, limit: int = 10) -> list[RunRecord]:
        if not (self.state_dir / DB_NAME).exists():
            return []
        with self.connect() as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM runs ORDER BY id DESC LIMIT ?",
                              (limit,)).fetchall()
        return [to_record(row) for row in rows]

    def last_success(self) -> RunRecord | None:
        if not (self.state_dir / DB_NAME).exists():
            return None
        with self.connect() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM runs WHERE exit_code = 0 AND "
                             "command = 'sync' ORDER BY id DESC LIMIT 1").fetchone()
        return to_record(row) if row else None

    def remember(self, key: str, value: Any) -> None:
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO memory (key, value) VALUES (?, ?)",
                       (key, json.dumps(value)))

    def recall(self, key: str) -> Any:
        if not (self.state_dir / DB_NAME).exists():
            return None
        with self.connect() as db:
            row = db.execute("SELECT value FROM memory WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None


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


def to_record(row: tuple[Any, ...]) -> RunRecord:
    return RunRecord(row[0], datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2]),
                     row[3], row[4], row[5], json.loads(row[6]), json.loads(row[7]),
                     json.loads(row[8]), row[9])
