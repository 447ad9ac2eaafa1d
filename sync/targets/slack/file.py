"""The Slack user group as a JSON file (the local backend): handle, enabled, members."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.clients.files import read_text, write_atomically
from sync.core.plan import GroupSettings, GroupState, Member, TargetPlan
from sync.core.roster import Person
from sync.errors import TargetError
from sync.run.messenger import MESSAGES_FILE, FileMessenger
from sync.targets.base import SlackTarget


class SlackFile(SlackTarget):
    def __init__(self, path: Path, settings: GroupSettings) -> None:
        super().__init__(settings)
        self.path = path

    def read(self) -> dict[str, Any]:
        text = read_text(self.path)
        if text is None:
            return {}
        try:
            data = json.loads(text)
            members = tuple(sorted(Member(m["handle"], m["email"]) for m in data["members"]))
            return {self.settings.handle: GroupState(self.settings.handle,
                                                     bool(data["enabled"]), members)}
        except (ValueError, KeyError, TypeError) as error:
            raise TargetError(f"The Slack group file {self.path} is not in the expected "
                              f"format ({error}); it was left untouched.") from None

    def send_direct(self, person: Person, text: str) -> None:
        """Locally, a direct message is a line in messages.jsonl addressed to @handle."""
        FileMessenger(self.path.parent / MESSAGES_FILE).post(f"@{person.github}", text)

    def apply(self, plan: TargetPlan) -> None:
        group = plan.desired[self.settings.handle]
        data = {
            "usergroup": group.handle,
            "enabled": group.enabled,
            "members": [{"handle": m.handle, "email": m.email} for m in group.members],
        }
        write_atomically(self.path, json.dumps(data, indent=2) + "\n")
