"""Run history, remembered values and the run lock, in SQLite or PostgreSQL.

`StateStore.connect()` gives a connection with the sqlite3 calling conventions on either
backend, so code written with `?` placeholders and portable SQL (CREATE TABLE IF NOT EXISTS,
TEXT/INTEGER columns, INSERT … ON CONFLICT) runs unchanged on both. SQLite in `state_dir` is
the default and needs no server; `ROTATION_SYNC_STATE_URL=postgresql://…` (or a fleet file's
`[fleet] state_url`) selects PostgreSQL, for replicas of `schedule`.
"""

from __future__ import annotations

import contextvars
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sync.clients.secrets import redact, redact_data
from sync.run.state_sqlite import DB_NAME, LOCK_NAME, SqliteBackend
from sync.run.state_url import check_url

__all__ = ["DB_NAME", "LOCK_NAME", "STATE_URL_ENV", "RunRecord", "StateStore"]

STATE_URL_ENV = "ROTATION_SYNC_STATE_URL"
DEFAULT_NAMESPACE = "default"
KEEP_RUNS = 500

SCHEMA = """
CREATE TABLE IF NOT EXISTS memory (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
COLUMNS = "id, started, finished, command, exit_code, outcome, changes, findings, targets, notice"


class Database(Protocol):
    """The part of a sqlite3 connection both backends offer."""

    def execute(self, statement: str, parameters: Any = ..., /) -> Any: ...

    def executescript(self, script: str, /) -> Any: ...


class Backend(Protocol):
    @property
    def where(self) -> str: ...

    def exists(self) -> bool: ...

    def check(self) -> None: ...

    def connect(self, schema: str) -> Any: ...

    def lock(self, wait_seconds: float) -> Any: ...


@dataclass(frozen=True)
class Placement:
    """Where state goes when no URL is passed: set by a fleet for each of its rosters."""

    url: str | None = None
    namespace: str = DEFAULT_NAMESPACE


# Per thread and task: a Socket Mode handler and the scheduler's worker never mix rosters.
PLACEMENT: contextvars.ContextVar[Placement | None] = contextvars.ContextVar(
    "state_placement", default=None)


def placement() -> Placement:
    return PLACEMENT.get() or Placement()


@contextmanager
def placed(url: str | None, namespace: str) -> Iterator[None]:
    """Within the block, stores with no URL of their own use `url` and `namespace` (the
    fleet's state URL and the roster's name); the environment variable still wins."""
    token = PLACEMENT.set(Placement(url, namespace))
    try:
        yield
    finally:
        PLACEMENT.reset(token)


def state_url() -> str | None:
    return os.environ.get(STATE_URL_ENV, "").strip() or placement().url


def make_backend(state_dir: Path, url: str | None, namespace: str) -> Backend:
    if url is None:
        return SqliteBackend(state_dir)
    check_url(url, STATE_URL_ENV)
    from sync.run.state_postgres import PostgresBackend

    return PostgresBackend(url, namespace)


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
    def __init__(self, state_dir: Path, url: str | None = None,
                 namespace: str | None = None) -> None:
        self.state_dir = state_dir
        self.url = url or state_url()
        self.namespace = namespace or placement().namespace
        self.backend = make_backend(state_dir, self.url, self.namespace)

    def check(self) -> None:
        """Exit 2 naming the file (or the masked database URL) and the fix when the store
        cannot be used; called before a run writes anything."""
        self.backend.check()

    @contextmanager
    def connect(self) -> Iterator[Database]:
        with self.backend.connect(SCHEMA) as connection:
            yield connection

    @contextmanager
    def lock(self, wait_seconds: float = 0.0) -> Iterator[None]:
        """Hold the run lock; a second run waits up to `wait_seconds`, then exits 2."""
        with self.backend.lock(wait_seconds):
            yield

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
        if not self.backend.exists():
            return []
        with self.connect() as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM runs ORDER BY id DESC LIMIT ?",
                              (limit,)).fetchall()
        return [to_record(row) for row in rows]

    def last_success(self) -> RunRecord | None:
        if not self.backend.exists():
            return None
        with self.connect() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM runs WHERE exit_code = 0 AND "
                             "command = 'sync' ORDER BY id DESC LIMIT 1").fetchone()
        return to_record(row) if row else None

    def remember(self, key: str, value: Any) -> None:
        with self.connect() as db:
            db.execute("INSERT INTO memory (key, value) VALUES (?, ?) ON CONFLICT (key) "
                       "DO UPDATE SET value = excluded.value", (key, json.dumps(value)))

    def recall(self, key: str) -> Any:
        if not self.backend.exists():
            return None
        with self.connect() as db:
            row = db.execute("SELECT value FROM memory WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None


def to_record(row: tuple[Any, ...]) -> RunRecord:
    return RunRecord(row[0], datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2]),
                     row[3], row[4], row[5], json.loads(row[6]), json.loads(row[7]),
                     json.loads(row[8]), row[9])
