"""The channel topic as a JSON file (the local backend): {"channel", "topic"}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.clients.files import read_json, write_atomically
from sync.core.diff.plan import TargetPlan
from sync.targets.base import Snapshot
from sync.targets.topic.model import Topic, TopicSettings, TopicTarget


class TopicFile(TopicTarget):
    def __init__(self, path: Path, settings: TopicSettings) -> None:
        super().__init__(settings)
        self.path = path

    def read(self) -> Snapshot:
        topic = read_json(self.path, "topic", parse_topic)
        return Snapshot() if topic is None else Snapshot({topic.channel: topic})

    def apply(self, plan: TargetPlan) -> list[str]:
        topic = plan.desired[self.settings.channel]
        data = {"channel": topic.channel, "topic": topic.text}
        write_atomically(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return []


def parse_topic(data: Any) -> Topic:
    return Topic(str(data["channel"]), str(data["topic"]))
