"""Replicas of `schedule` on one PostgreSQL: exactly one is the leader and syncs.

Leadership is a session advisory lock held on a connection of its own for the life of the
process. The server releases it the moment that connection closes (the process was killed)
or TCP keepalives declare it dead (its machine vanished), so a standby that retries every
`RETRY_SECONDS` takes over well within a minute. A leader that loses its connection stops at
once instead of syncing beside the new leader; its supervisor restarts it as a standby.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from sync.run.state_url import masked

log = logging.getLogger("sync.fleet")

RETRY_SECONDS = 10.0  # a standby asks this often: takeover within 60 s, with room to spare
WATCH_SECONDS = 5.0
LOST_EXIT = 75  # EX_TEMPFAIL: restart me


class Leadership:
    def __init__(self, url: str, name: str, retry_seconds: float = RETRY_SECONDS,
                 lost: Callable[[], None] | None = None) -> None:
        self.url = url
        self.name = name
        self.retry_seconds = retry_seconds
        self.lost = lost or give_up
        self.connection: Any = None
        self.stopped = threading.Event()

    def wait(self) -> bool:
        """Block until this process leads; False when stopped first."""
        from sync.run.state_postgres import open_connection, server_keepalives, try_lock

        said = False
        while not self.stopped.is_set():
            connection = open_connection(self.url, autocommit=True)
            server_keepalives(connection)
            if try_lock(connection, f"leader:{self.name}", 0.0, self.url):
                self.connection = connection
                log.info("Leading: this replica syncs (state in %s).", masked(self.url))
                threading.Thread(target=self.watch, name="leadership", daemon=True).start()
                return True
            connection.close()
            if not said:
                log.info("Standby: another replica leads; taking over when it stops.")
                said = True
            self.stopped.wait(self.retry_seconds)
        return False

    def watch(self) -> None:
        """A leader whose session ended may already have a successor: stop syncing."""
        while not self.stopped.wait(WATCH_SECONDS):
            try:
                self.connection.execute("SELECT 1")
            except Exception as error:
                log.error("Lost the connection that holds leadership (%s); stopping so that "
                          "only one replica syncs.", type(error).__name__)
                self.lost()
                return

    def stop(self) -> None:
        self.stopped.set()
        if self.connection is not None:
            self.connection.close()


def give_up() -> None:
    logging.shutdown()
    os._exit(LOST_EXIT)
