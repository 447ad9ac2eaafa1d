"""The channel topic through Slack's conversations API (the real backend).

The channel is found by name with conversations.list (or used as is when it is an id);
conversations.setTopic is called only when the topic differs, because Slack posts every
change into the channel. Scopes: channels:read and channels:write.topic (a private channel:
groups:read and groups:write.topic); the app must be a member of the channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sync.clients.slack import SlackApi, SlackFailure
from sync.core.diff.plan import TargetPlan
from sync.errors import TargetError
from sync.targets.base import Snapshot, snapshot_of
from sync.targets.topic.model import Topic, TopicSettings, TopicTarget

CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{6,}")
PAGE = 200


@dataclass(frozen=True, kw_only=True)
class ChannelSnapshot(Snapshot):
    """The topic as read, and the channel's id (setTopic wants the id)."""

    channel_id: str


class SlackTopic(TopicTarget):
    def __init__(self, settings: TopicSettings, api: SlackApi) -> None:
        super().__init__(settings)
        self.api = api

    def read(self) -> ChannelSnapshot:
        channel = self.guarded(self.find_channel)
        value = str((channel.get("topic") or {}).get("value") or "")
        topic = Topic(self.settings.channel, slack_unescape(value))
        return ChannelSnapshot({topic.channel: topic}, channel_id=str(channel["id"]))

    def apply(self, plan: TargetPlan) -> list[str]:
        snapshot = snapshot_of(plan, ChannelSnapshot)
        topic = plan.desired[self.settings.channel]
        self.guarded(lambda: self.api.call("conversations.setTopic",
                                           channel=snapshot.channel_id, topic=topic.text))
        return []

    def find_channel(self) -> Mapping[str, Any]:
        ref = self.settings.channel
        if CHANNEL_ID.fullmatch(ref):
            return dict(self.api.call("conversations.info", channel=ref)["channel"])
        name = ref.removeprefix("#").lower()
        for channel in self.channels():
            if str(channel.get("name", "")).lower() == name:
                return channel
        raise SlackFailure("not found by conversations.list", "channel_not_found")

    def channels(self) -> Iterator[Mapping[str, Any]]:
        cursor = ""
        while True:
            page = self.api.call("conversations.list", types="public_channel,private_channel",
                                 exclude_archived=True, limit=PAGE, cursor=cursor)
            yield from (dict(channel) for channel in page.get("channels") or [])
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return

    def guarded(self, call: Any) -> Any:
        """Slack's refusals, with the fix for the topic: names the channel and the scope."""
        try:
            return call()
        except SlackFailure as failure:
            fix = self.advice(failure)
            if fix is None:
                raise
            raise TargetError(f"[topic] {fix}") from failure

    def advice(self, failure: SlackFailure) -> str | None:
        channel = self.settings.channel
        if failure.code == "channel_not_found":
            return (f"the channel {channel} does not exist or the Slack app cannot see it; "
                    "fix [topic] channel, or invite the app to the channel if it is private.")
        if failure.code == "not_in_channel":
            return (f"the Slack app is not a member of {channel}, and only members may set "
                    f"its topic; invite the app to {channel} (/invite @your-app).")
        if failure.code == "missing_scope":
            return (f"the Slack app lacks a scope to read or set the topic of {channel}: add "
                    "channels:read and channels:write.topic (for a private channel "
                    "groups:read and groups:write.topic) to the Slack app and reinstall it.")
        return None


def slack_unescape(text: str) -> str:
    """Slack returns &, < and > as entities; compare with the text we would set."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
