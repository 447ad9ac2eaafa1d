"""Edit-to-sync: `[schedule] poll` reads the roster often and syncs a manager's edit once it
has settled.

Each poll is the source's one read request and nothing else (no target is read, nothing is
written, not even the status tab). What the poll read is compared with what the last sync
used (a fingerprint the runner remembers in the state store): when it differs, and the next
poll reads exactly the same again, the edit has settled (nobody is mid-typing) and one sync
runs. So an edit reaches every target within two polls. Only the roster's own tabs are
fingerprinted, so the tool's status-tab and cell-note writes never look like an edit.

The source is built once and kept: its Google token lasts an hour, so a quiet hour costs one
read per poll plus one token grant.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Literal

from sync.clients.secrets import redact
from sync.config.model import Config
from sync.core.tabs.raw import RawRoster
from sync.run.factory import make_source
from sync.run.state import StateStore
from sync.sources import RosterSource

log = logging.getLogger(__name__)

SYNCED_KEY = "poll:last-synced-roster"
Verdict = Literal["unchanged", "settling", "synced", "unreadable"]


def fingerprint(raw: RawRoster) -> str:
    """A digest of every cell of every roster tab (titles included): equal iff same cells."""
    return hashlib.sha256(repr(raw).encode()).hexdigest()


def remember_synced(store: StateStore, raw: RawRoster | None) -> None:
    """Called by every sync run that read the roster, valid or not: that is what it used."""
    if raw is not None:
        store.remember(SYNCED_KEY, fingerprint(raw))


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
        seen = self.read()
        if seen is None:
            return "unreadable"
        if seen == self.store.recall(SYNCED_KEY):
            self.pending = None
            return "unchanged"
        if seen != self.pending:
            self.pending = seen
            log.info("The roster changed; syncing at the next poll if it stays the same.")
            return "settling"
        self.pending = None
        self.sync("roster edit")
        return "synced"

    def read(self) -> str | None:
        """The roster's fingerprint; a failed read is logged and waits for the next poll."""
        try:
            if self.source is None:
                self.source = make_source(self.config)
            return fingerprint(self.source.read())
        except Exception as error:
            log.warning("Polling the roster failed (%s); the next poll tries again.",
                        redact(str(error)))
            return None


def daily_requests(poll_seconds: int) -> int:
    """What polling alone costs a day: one read per poll and one token grant an hour."""
    return 86_400 // poll_seconds + 24
