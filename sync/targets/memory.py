"""What a target may remember between runs (the state store's remember/recall): the Slack
accounts already found, whether a pull request of ours is open. Saves requests, never
decides what a target holds."""

from __future__ import annotations

from typing import Any, Protocol


class Memory(Protocol):
    def remember(self, key: str, value: Any) -> None: ...

    def recall(self, key: str) -> Any: ...
