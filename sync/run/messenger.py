"""Where messages go: Slack for real, a JSON-lines file for the local backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

MESSAGES_FILE = "messages.jsonl"


class Messenger(Protocol):
    def post(self, channel: str, text: str) -> None: ...


class FileMessenger:
    """The local backend: one JSON line per message, beside the Slack group file, so local
    runs and tests can read what would have been posted."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def post(self, channel: str, text: str) -> None:
        line = {"channel": channel, "text": text, "time": datetime.now(UTC).isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(line) + "\n")


def slack_escape(text: str) -> str:
    """Slack reads <, > and & as markup; a roster cell must not become a mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
