"""The bounds every value must fit before any target sees it: what the calendars, Slack
and the handbook accept, and sizes that keep every output readable.

One table, so the roster's findings, the command line's flags and the config agree.
"""

from __future__ import annotations

from datetime import date, timedelta

EARLIEST = date(1970, 1, 1)  # every calendar client holds these dates; year 1 or 9999 not
LATEST = date(2099, 12, 31)
MAX_CELL_CHARS = 500  # a name, handle list, email or date cell the sync reads
CSV_FIELD_LIMIT = 131072  # the csv module's default field limit: beyond it, a finding
MAX_TEMPLATE_CHARS = 200
MAX_PLACEHOLDERS = 8
MAX_TITLE_CHARS = 1024  # a rendered event title (Google cuts summaries, clients wrap them)
MAX_AGE = timedelta(days=366)  # status --max-age
MAX_LIMIT = 10_000  # status --limit
MAX_KEEP_RUNS = 100_000  # [history] keep_runs


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def date_range_text() -> str:
    return f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"
