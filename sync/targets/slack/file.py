"""The Slack user group as a JSON file (the local backend): handle, enabled, members.

Its messages go to messages.jsonl beside the file (see `sync.run.messenger`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.clients.files import read_json, write_atomically
from sync.core.diff.plan import TargetPlan
from sync.targets.base import Snapshot
from sync.targets.slack.model import GroupSettings, GroupState, Member, SlackTarget


class SlackFile(SlackTarget):
    def __init__(self, path: Path, settings: GroupSettings,
                 announce_channel: str | None = None) -> None:
        super().__init__(settings, announce_channel)
        self.path = path

    def read(self) -> Snapshot:
        group = read_json(self.path, "Slack group",
                          lambda data: parse_group(self.settings.handle, data))
        return Snapshot() if group is None else Snapshot({group.handle: group})

    def apply(self, plan: TargetPlan) -> list[str]:
        group = plan.desired[self.settings.handle]
        data = {
            "usergroup": group.handle,
            "enabled": group.enabled,
            "members": [{"handle": m.handle, "email": m.email} for m in group.members],
        }
        write_atomically(self.path, json.dumps(data, indent=2) + "\n")
        return []


def parse_group(handle: str, data: Any) -> GroupState:
    members = tuple(sorted(Member(m["handle"], m["email"]) for m in data["members"]))
    return GroupState(handle, bool(data["enabled"]), members)
