"""Where the roster comes from. A source returns the tabs' raw cells; validation parses them."""

from __future__ import annotations

from typing import Protocol

from sync.core.tabs.raw import RawRoster


class RosterSource(Protocol):
    def read(self) -> RawRoster: ...

    def write_status(self, rows: list[list[str]]) -> None:
        """Rewrite the status tab (only called when `status_tab` is configured)."""
        ...
