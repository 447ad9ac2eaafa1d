"""What a target may remember between runs (the state store's remember/recall): the Slack
accounts already found, whether a pull request of ours is open. It only saves requests and
never decides what a target holds, so a state store that cannot be read or written here
means "remember nothing" (the run's own state checks report such a store)."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, Protocol

log = logging.getLogger(__name__)
FAILURES = (OSError, sqlite3.Error, ValueError)


class Memory(Protocol):
    def remember(self, key: str, value: Any) -> None: ...

    def recall(self, key: str) -> Any: ...


def recall(memory: Memory | None, key: str) -> Any:
    """The remembered value, or None when there is none or it cannot be read."""
    if memory is None:
        return None
    try:
        return memory.recall(key)
    except FAILURES as error:
        log.debug("could not recall %s: %s", key, error)
        return None


def remember(memory: Memory | None, key: str, value: Any) -> None:
    if memory is None:
        return
    try:
        memory.remember(key, value)
    except FAILURES as error:
        log.debug("could not remember %s: %s", key, error)
