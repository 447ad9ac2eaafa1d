"""The run history's table, written once for both state backends: only how the id counts up
differs between SQLite and PostgreSQL."""

from __future__ import annotations


def runs_table(id_column: str) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS runs (
    {id_column},
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
"""
