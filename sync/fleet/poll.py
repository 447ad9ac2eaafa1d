"""The fleet's one idle poll: ask the watches what changed, read only those rosters.

A roster whose edit is still settling (read once, not yet twice the same) is read again at
the next poll even though no new change is reported for it, so an edit reaches the targets
within two polls, as with a single roster's `[schedule] poll`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sync.clients.secrets import redact
from sync.fleet.changes import Watch
from sync.run.poll import RosterPoll, Verdict

log = logging.getLogger("sync.fleet")


class FleetPoll:
    def __init__(self, polls: Mapping[str, RosterPoll], watches: Sequence[Watch]) -> None:
        self.polls = dict(polls)
        self.watches = tuple(watches)
        self.pending: set[str] = set()

    def tick(self) -> dict[str, Verdict]:
        """One poll: each roster that changed or is settling is read once."""
        verdicts: dict[str, Verdict] = {}
        for name in sorted(self.changed() | self.pending):
            verdicts[name] = verdict = self.polls[name].tick()
            if verdict in ("settling", "unreadable"):
                self.pending.add(name)
            else:
                self.pending.discard(name)
        return verdicts

    def changed(self) -> set[str]:
        found: set[str] = set()
        for watch in self.watches:
            try:
                found |= watch.changed()
            except Exception as error:  # Drive down: this poll learns nothing; the next asks
                log.warning("Asking which rosters changed failed (%s); the next poll asks "
                            "again.", redact(str(error)))
        return found & set(self.polls)
