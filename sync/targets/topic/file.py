"""The channel topic as a JSON file (the local backend): {"channel", "topic"}."""

from __future__ import annotations

import json
from pathlib import Path

from sync.clients.files import read_text, write_atomically
from sync.core.plan import TargetPlan
from sync.errors import TargetError
from sync.targets.base import Snapshot
from sync.targets.topic.model import Topic, TopicSettings, TopicTarget


class TopicFile(TopicTarget):
    def __init__(self, path: Path, settings: TopicSettings) -> None:
        super().__init__(settings)
        self.path = path

    def read(self) -> Snapshot:
        text = read_text(self.path)
        if text is None:
            return Snapshot()
        try:
            data = json.loads(text)
            topic = Topic(str(data["channel"]), str(data["topic"]))
        except (ValueError, KeyError, TypeError) as error:
            raise TargetError(f"The topic file {self.path} is not in the expected format "
                              f"({error}); it was left untouched.") from None
        return Snapshot({topic.channel: topic})

    def apply(self, plan: TargetPlan) -> list[str]:
        topic = plan.desired[self.settings.channel]
        data = {"channel": topic.channel, "topic": topic.text}
        write_atomically(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return []
