"""The served-time record in a run: each sync records its days; `ledger`, `report` and
`propose` read the record, completed by the roster's days the record does not hold yet."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sync.clients.secrets import redact
from sync.config.model import Config
from sync.core.findings import Finding
from sync.core.lived.roster import Roster
from sync.core.record.days import last_complete_day, lived_days
from sync.core.record.edits import Tabs
from sync.core.record.ledger import IsHoliday, LedgerLine, RecordedDay, ledger
from sync.core.tabs.raw import RawRoster
from sync.errors import Outcome
from sync.run.engine import RunResult
from sync.run.record import ServedRecord
from sync.run.state import DB_NAME, StateStore

log = logging.getLogger(__name__)


def record_served(store: StateStore, result: RunResult, now: datetime,
                  raw: RawRoster | None = None, roster: str | None = None) -> list[Finding]:
    """After a sync: record the days served. A refused or invalid roster records nothing
    (a cleared tab must not read as everyone's past being rewritten); a record that cannot
    be written is logged and never changes the run's outcome."""
    if result.roster is None or result.exit_code == Outcome.INVALID_ROSTER:
        return []
    try:
        return ServedRecord(store, roster, tabs_of(raw)).record(result.roster, now)
    except Exception as error:
        log.warning("The served-time record could not be written: %s", redact(str(error)))
        return []


def tabs_of(raw: RawRoster | None) -> Tabs:
    """The tab titles as the sheet spells them, for the warnings."""
    if raw is None:
        return Tabs()
    return Tabs(raw.rotations.name, raw.overrides.name if raw.overrides else "Overrides")


def served_view(config: Config, roster: Roster, now: datetime) -> list[RecordedDay]:
    """What was served up to the last handoff: the record, then the roster's completed days
    after it (all of them before the first sync), marked `from roster`."""
    recorded: list[RecordedDay] = []
    span = None
    store = StateStore(config.state_dir)
    if (config.state_dir / DB_NAME).exists():
        record = ServedRecord(store)
        recorded, span = record.days(), record.covered()
    after = span[1] + timedelta(days=1) if span else \
        min([r.start for r in roster.rotations], default=date.max)
    taken = {(d.entry.day, d.entry.handle) for d in recorded}
    last = last_complete_day(roster, now)
    fresh = [RecordedDay(day, "from roster") for day in lived_days(roster, after, last)
             if (day.day, day.handle) not in taken]
    return recorded + fresh


def holiday_check(config: Config, roster: Roster) -> IsHoliday | None:
    """Public holidays in each person's People Country, when [time_off] holidays is on."""
    if config.time_off is None or not config.time_off.holidays:
        return None
    from sync.sources.time_off.public_holidays import read_holidays

    known: dict[tuple[str, int], frozenset[date]] = {}

    def is_holiday(key: str, day: date) -> bool:
        person = roster.people.get(key)
        if person is None or person.country is None:
            return False
        if (key, day.year) not in known:
            found = read_holidays(person, date(day.year, 1, 1), date(day.year, 12, 31))
            known[key, day.year] = frozenset() if not isinstance(found, list) else \
                frozenset(holiday.day for holiday in found)
        return day in known[key, day.year]

    return is_holiday


def ledger_lines(config: Config, roster: Roster, days: list[RecordedDay]) -> list[LedgerLine]:
    """The per-person totals `ledger` prints and `report` shows."""
    return ledger(days, roster.people, holiday_check(config, roster))
