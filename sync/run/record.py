"""The served-time record in the state store: each day served, per person, as lived.

Portable SQL (SQLite and PostgreSQL alike). A person is recorded once a day, `(day, handle)`
being the key, so one engineer on two rosters is never counted twice; the `roster` column
says which roster's day it was. `served_span` holds, per roster, the days the record covers:
a day inside it with no row is a day nobody served.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from sync.core.findings import Finding
from sync.core.lived.roster import Roster
from sync.core.record.days import ServedDay, last_complete_day, lived_days
from sync.core.record.edits import Tabs, past_edits
from sync.core.record.ledger import Origin, RecordedDay
from sync.run.state import StateStore

log = logging.getLogger(__name__)

SHARED_NAMESPACE = "fleet"  # the PostgreSQL schema of the record every roster shares
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS served_days (day TEXT NOT NULL, handle TEXT NOT NULL, "
    "roster TEXT NOT NULL, role TEXT NOT NULL, rotation TEXT NOT NULL, origin TEXT NOT NULL, "
    "PRIMARY KEY (day, handle))",
    "CREATE TABLE IF NOT EXISTS served_span (roster TEXT PRIMARY KEY, "
    "first_day TEXT NOT NULL, last_day TEXT NOT NULL)",
)
INSERT = ("INSERT INTO served_days (day, handle, roster, role, rotation, origin) "
          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, handle) DO NOTHING")
SET_SPAN = ("INSERT INTO served_span (roster, first_day, last_day) VALUES (?, ?, ?) "
            "ON CONFLICT (roster) DO UPDATE SET first_day = excluded.first_day, "
            "last_day = excluded.last_day")
COLUMNS = "day, handle, role, rotation, origin, roster"

Span = tuple[date, date]


class ServedRecord:
    def __init__(self, store: StateStore, roster: str | None = None, tabs: Tabs = Tabs()
                 ) -> None:
        """One record for a whole fleet: with PostgreSQL it lives in a schema every roster
        shares (SQLite rosters share it through their state_dir), so a person on two rosters
        counts once a day; `roster` (default: the store's, the roster's name in a fleet)
        says whose days a row holds."""
        self.store = StateStore(store.state_dir, store.url, namespace=SHARED_NAMESPACE)
        self.roster = roster or store.namespace
        self.tabs = tabs

    @contextmanager
    def connect(self) -> Iterator[Any]:
        with self.store.connect() as db:
            for statement in SCHEMA:
                db.execute(statement)
            yield db

    def record(self, roster: Roster, now: datetime) -> list[Finding]:
        """Record the days completed since the last sync (every past day on the first one)
        and warn about edits to the days already recorded."""
        last = last_complete_day(roster, now)
        with self.connect() as db:
            span = self.span(db)
            if span is None:  # the first sync backfills from the roster as it stands
                first = min([r.start for r in roster.rotations] + [last + timedelta(days=1)])
                self.insert(db, lived_days(roster, first, last), "from roster")
                self.set_span(db, (first, last))
                return []
            mine, others = self.recorded(db, span)
            findings = past_edits(roster, mine, span[0], span[1], others, self.tabs)
            if last > span[1]:  # a night skipped records its days now
                self.insert(db, lived_days(roster, span[1] + timedelta(days=1), last),
                            "recorded")
                self.set_span(db, (span[0], last))
        return findings

    def accept(self, roster: Roster, first: date, last: date) -> Span | None:
        """Re-record `first` to `last` (within the recorded days) from the roster; the days
        re-recorded, or None when the record holds none of them."""
        with self.connect() as db:
            span = self.span(db)
            if span is None or last < span[0] or first > span[1]:
                return None
            first, last = max(first, span[0]), min(last, span[1])
            db.execute("DELETE FROM served_days WHERE roster = ? AND day >= ? AND day <= ?",
                       (self.roster, first.isoformat(), last.isoformat()))
            self.insert(db, lived_days(roster, first, last), "from roster")
        return first, last

    def days(self, first: date | None = None, last: date | None = None
             ) -> list[RecordedDay]:
        """Every roster's recorded days (a person counts once a day), sorted."""
        low = (first or date.min).isoformat()
        high = (last or date.max).isoformat()
        with self.connect() as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM served_days WHERE day >= ? AND day <= ? "
                              "ORDER BY day, handle", (low, high)).fetchall()
        return [to_day(row) for row in rows]

    def covered(self) -> Span | None:
        """The days this roster's record covers, None before the first sync."""
        with self.connect() as db:
            return self.span(db)

    # -- rows ----------------------------------------------------------------------
    def span(self, db: Any) -> Span | None:
        row = db.execute("SELECT first_day, last_day FROM served_span WHERE roster = ?",
                         (self.roster,)).fetchone()
        return (date.fromisoformat(row[0]), date.fromisoformat(row[1])) if row else None

    def set_span(self, db: Any, span: Span) -> None:
        db.execute(SET_SPAN, (self.roster, span[0].isoformat(), span[1].isoformat()))

    def insert(self, db: Any, days: Iterable[ServedDay], origin: Origin) -> None:
        db.executemany(INSERT, [(d.day.isoformat(), d.handle, self.roster, d.role,
                                 d.rotation.isoformat(), origin) for d in days])

    def recorded(self, db: Any, span: Span
                 ) -> tuple[dict[date, frozenset[str]], dict[date, frozenset[str]]]:
        """Who this roster's record holds as serving each day, and who other rosters hold."""
        rows = db.execute(f"SELECT {COLUMNS} FROM served_days WHERE day >= ? AND day <= ?",
                          (span[0].isoformat(), span[1].isoformat())).fetchall()
        mine: dict[date, set[str]] = {}
        others: dict[date, set[str]] = {}
        for row in rows:
            entry = to_day(row)
            if entry.entry.served:
                into = mine if entry.roster == self.roster else others
                into.setdefault(entry.entry.day, set()).add(entry.entry.handle)
        return frozen(mine), frozen(others)


def frozen(by_day: dict[date, set[str]]) -> dict[date, frozenset[str]]:
    return {day: frozenset(handles) for day, handles in by_day.items()}


def to_day(row: tuple[Any, ...]) -> RecordedDay:
    day, handle, role, rotation, origin, roster = row
    return RecordedDay(ServedDay(date.fromisoformat(day), handle, role,
                                 date.fromisoformat(rotation)), origin, roster)
