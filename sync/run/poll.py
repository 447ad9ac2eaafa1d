"""Edit-to-sync: `[schedule] poll` reads the roster often and syncs a manager's edit once it
has settled.

Each poll is the source's one read request and nothing else (no target is read, nothing is
written, not even the status tab). It reads the tabs as typed (a Sheets source asks for
formulas, not their results): a `=NOW()` or `=RAND()` cell is recalculated by every change
to the sheet, the tool's own status-tab writes included, and must not look like an edit.
What the poll read is compared with what it read when the roster was last in sync (kept in
the state store with the moment of that sync): when it differs, and the next poll reads
exactly the same again, the edit has settled (nobody is mid-typing) and one sync runs. So
an edit reaches every target within two polls. Only the roster's own tabs are
fingerprinted, so the tool's status-tab and cell-note writes never count.

When the poll cannot vouch from its own record (its first poll, or an edit and a sync it
did not start since, the nightly one say), it spends one more read, of the values, and
compares them with what that sync used. A cell that reads from another tab is not an edit
of the roster's tabs: the next sync picks its change up.

The source is built once and kept: its Google token lasts an hour, so a quiet hour costs one
read per poll plus one token grant.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, runtime_checkable

from sync.clients.secrets import redact
from sync.config.model import Config
from sync.core.tabs.raw import RawRoster
from sync.run.factory import make_source
from sync.run.state import StateStore
from sync.sources import RosterSource

log = logging.getLogger(__name__)

SYNCED_KEY = "poll:last-synced-roster"
SYNCED_AT_KEY = "poll:last-synced-at"
IN_SYNC_KEY = "poll:in-sync-edits"  # {"edits": what the poll read, "at": that sync's moment}
Verdict = Literal["unchanged", "settling", "synced", "unreadable"]


@runtime_checkable
class EditsSource(Protocol):
    """A source that can read its tabs as typed (formulas); others are read as they are."""

    def read_edits(self) -> RawRoster: ...


def fingerprint(raw: RawRoster) -> str:
    """A digest of every cell of every roster tab (titles included): equal iff same cells."""
    return hashlib.sha256(repr(raw).encode()).hexdigest()


def remember_synced(store: StateStore, raw: RawRoster | None) -> None:
    """Called by every sync run that read the roster, valid or not: that is what it used."""
    if raw is not None:
        store.remember(SYNCED_KEY, fingerprint(raw))
        store.remember(SYNCED_AT_KEY, datetime.now(UTC).isoformat())


class RosterPoll:
    """One poll at a time; `sync(trigger)` runs a full sync when an edit has settled."""

    def __init__(self, config: Config, sync: Callable[[str], None],
                 source: RosterSource | None = None) -> None:
        self.config = config
        self.sync = sync
        self.store = StateStore(config.state_dir)
        self.source = source
        self.pending: str | None = None  # an edit seen once, not yet twice

    def tick(self) -> Verdict:
        """Read once; sync when the same new roster has now been read twice in a row."""
        seen = self.read(edits=True)
        if seen is None:
            return "unreadable"
        if self.in_sync(seen):
            self.pending = None
            return "unchanged"
        if seen != self.pending:
            self.pending = seen
            log.info("The roster changed; syncing at the next poll if it stays the same.")
            return "settling"
        self.pending = None
        synced_at = self.store.recall(SYNCED_AT_KEY)
        self.sync("roster edit")
        if self.store.recall(SYNCED_AT_KEY) != synced_at:  # the sync read the roster
            self.vouch(seen)
        return "synced"

    def in_sync(self, seen: str) -> bool:
        record: Any = self.store.recall(IN_SYNC_KEY)
        synced_at = self.store.recall(SYNCED_AT_KEY)
        if isinstance(record, dict) and record.get("edits") == seen:
            if record.get("at") != synced_at:  # a sync since (nightly, a handoff) read the
                self.vouch(seen)               # roster as typed then and now: still in sync
            return True
        # No record of ours that fits (a first poll; an edit and a sync since): the last
        # sync's values tell, at one more read.
        if synced_at is None or self.read(edits=False) != self.store.recall(SYNCED_KEY):
            return False
        self.vouch(seen)
        return True

    def vouch(self, seen: str) -> None:
        self.store.remember(IN_SYNC_KEY, {"edits": seen,
                                          "at": self.store.recall(SYNCED_AT_KEY)})

    def read(self, edits: bool) -> str | None:
        """The roster's fingerprint, as typed or as values; a failed read is logged and
        waits for the next poll."""
        try:
            if self.source is None:
                self.source = make_source(self.config)
            source = self.source
            raw = source.read_edits() if edits and isinstance(source, EditsSource) \
                else source.read()
            return fingerprint(raw)
        except Exception as error:
            log.warning("Polling the roster failed (%s); the next poll tries again.",
                        redact(str(error)))
            return None


def daily_requests(poll_seconds: int) -> int:
    """What polling alone costs a day: one read per poll and one token grant an hour."""
    return 86_400 // poll_seconds + 24
