"""The request message in the Slack channel: posted once, then updated in place
(chat.update) as the request is taken, approved, done, cancelled or expired."""

from __future__ import annotations

from sync.clients.slack import SlackApi, never_sent, slack_escape
from sync.core.cover.request import Approval, CoverRequest
from sync.run.cover_blocks import request_blocks

Placed = tuple[str | None, str | None]  # (channel, message reference)


class SlackBoard:
    def __init__(self, api: SlackApi, channel: str, approval: Approval) -> None:
        self.api = api
        self.channel = channel
        self.approval = approval

    def show(self, request: CoverRequest, text: str) -> Placed | None:
        blocks = request_blocks(request, text, self.approval)
        if request.channel and request.message:
            self.api.call("chat.update", channel=request.channel, ts=request.message,
                          text=slack_escape(text), blocks=blocks)
            return request.channel, request.message
        answer = self.api.call("chat.postMessage", never_sent, channel=self.channel,
                               text=slack_escape(text), blocks=blocks, unfurl_links=False)
        return str(answer.get("channel") or self.channel), str(answer.get("ts") or "") or None
