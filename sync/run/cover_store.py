"""Cover requests in the state store: one table, portable SQL (SQLite and PostgreSQL alike).

Every change is a compare and set on the state the change was decided from, so two people
pressing Take at the same moment (two threads, two processes) make exactly one taker: the
second sees the request moved and is refused with the first one's name. Envelope ids Slack
already delivered are kept too, so a replayed envelope does nothing.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any

from sync.core.cover.request import OPEN_STATES, CoverRequest
from sync.run.state import StateStore

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS cover_requests (
    id INTEGER PRIMARY KEY, engineer TEXT NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL,
    note TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at TEXT NOT NULL,
    expires_at TEXT NOT NULL, state TEXT NOT NULL, taken_by TEXT, taken_at TEXT,
    approved_by TEXT, approved_at TEXT, closed_by TEXT, closed_at TEXT, channel TEXT,
    message TEXT)""",
    """CREATE TABLE IF NOT EXISTS cover_envelopes (
    envelope_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL)""",
)
COLUMNS = tuple(field.name for field in fields(CoverRequest))
DATES = ("first", "last")
ENVELOPE_MEMORY = timedelta(days=1)
MOMENTS = ("requested_at", "expires_at", "taken_at", "approved_at", "closed_at")


class CoverStore:
    def __init__(self, store: StateStore) -> None:
        self.store = store

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.store.connect() as db:
            for statement in SCHEMA:
                db.execute(statement)
            cursor = db.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else [(cursor.rowcount,)]

    def add(self, request: CoverRequest) -> CoverRequest:
        """Stored under the next free id; a concurrent add takes the id first, so retry."""
        while True:
            number = int(self.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cover_requests"
                                      )[0][0])
            candidate = CoverRequest(**{**to_row(request), "id": number})
            values = to_row(candidate)
            inserted = self.execute(
                f"INSERT INTO cover_requests ({', '.join(COLUMNS)}) VALUES "
                f"({', '.join('?' for _ in COLUMNS)}) ON CONFLICT (id) DO NOTHING",
                tuple(stored(values[name]) for name in COLUMNS))
            if inserted[0][0] == 1:
                return candidate

    def get(self, number: int) -> CoverRequest | None:
        rows = self.execute(f"SELECT {', '.join(COLUMNS)} FROM cover_requests WHERE id = ?",
                            (number,))
        return from_row(rows[0]) if rows else None

    def all(self, open_only: bool = False) -> list[CoverRequest]:
        where = f" WHERE state IN ({', '.join('?' for _ in OPEN_STATES)})" if open_only else ""
        rows = self.execute(f"SELECT {', '.join(COLUMNS)} FROM cover_requests{where} "
                            "ORDER BY id", tuple(OPEN_STATES) if open_only else ())
        return [from_row(row) for row in rows]

    def move(self, before: CoverRequest, after: CoverRequest) -> bool:
        """Write `after` only if the stored request is still in `before`'s state."""
        values = to_row(after)
        changed = [name for name in COLUMNS if name != "id"]
        count = self.execute(
            f"UPDATE cover_requests SET {', '.join(f'{name} = ?' for name in changed)} "
            "WHERE id = ? AND state = ?",
            (*(stored(values[name]) for name in changed), after.id, before.state))
        return bool(count[0][0] == 1)

    def place(self, number: int, channel: str | None, message: str | None) -> None:
        """Where the request's message is, so later states update it in place."""
        self.execute("UPDATE cover_requests SET channel = ?, message = ? WHERE id = ?",
                     (channel, message, number))

    def first_delivery(self, envelope_id: str, at: datetime) -> bool:
        """True the first time Slack delivers this envelope; False for a replay. Slack
        replays within minutes, so ids older than a day are forgotten."""
        self.execute("DELETE FROM cover_envelopes WHERE seen_at < ?",
                     ((at - ENVELOPE_MEMORY).isoformat(),))
        count = self.execute("INSERT INTO cover_envelopes (envelope_id, seen_at) VALUES (?, ?) "
                             "ON CONFLICT (envelope_id) DO NOTHING",
                             (envelope_id, at.isoformat()))
        return bool(count[0][0] == 1)


def to_row(request: CoverRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in COLUMNS}


def stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def from_row(row: tuple[Any, ...]) -> CoverRequest:
    values = dict(zip(COLUMNS, row, strict=True))
    for name in DATES:
        values[name] = date.fromisoformat(values[name])
    for name in MOMENTS:
        values[name] = datetime.fromisoformat(values[name]) if values[name] else None
    return CoverRequest(**values)
