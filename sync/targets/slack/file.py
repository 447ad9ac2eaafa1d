"""The Slack user group as a JSON file (the local backend): handle, enabled, members.

Its messages go to messages.jsonl beside the file (see `sync.run.messenger`).
"""

from __future__ import annotations

import json
from pathlib import Path

from sync.clients.files import read_text, write_atomically
from sync.core.plan import TargetPlan
from sync.errors import TargetError
from sync.targets.base import Snapshot
from sync.targets.slack.model import GroupSettings, GroupState, Member, SlackTarget


class SlackFile(SlackTarget):
    def __init__(self, path: Path, settings: GroupSettings) -> None:
        super().__init__(settings)
        self.path = path

    def read(self) -> Snapshot:
        text = read_text(self.path)
        if text is None:
            return Snapshot()
        try:
            data = json.loads(text)
            members = tuple(sorted(Member(m["handle"], m["email"]) for m in data["members"]))
            return Snapshot({self.settings.handle: GroupState(self.settings.handle,
                                                              bool(data["enabled"]), members)})
        except (ValueError, KeyError, TypeError) as error:
            raise TargetError(f"The Slack group file {self.path} is not in the expected "
                              f"format ({error}); it was left untouched.") from None

    def apply(self, plan: TargetPlan) -> list[str]:
        group = plan.desired[self.settings.handle]
        data = {
            "usergroup": group.handle,
            "enabled": group.enabled,
            "members": [{"handle": m.handle, "email": m.email} for m in group.members],
        }
        write_atomically(self.path, json.dumps(data, indent=2) + "\n")
        return []
