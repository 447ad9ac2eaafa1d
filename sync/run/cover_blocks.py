"""The request message in Block Kit: its text and the buttons its state allows (their
action ids are what sync.chat.bot answers)."""

from __future__ import annotations

from typing import Any

from sync.clients.slack import slack_escape
from sync.core.cover.request import Approval, CoverRequest

TAKE, APPROVE, CANCEL = "cover_take", "cover_approve", "cover_cancel"


def request_blocks(request: CoverRequest, text: str, approval: Approval) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(text)}}]
    buttons = []
    if request.state == "requested":
        buttons.append(button(TAKE, "Take", request.id, "primary"))
    if request.state == "taken" and approval == "manager":
        buttons.append(button(APPROVE, "Approve", request.id, "primary"))
    if request.state in ("requested", "taken"):
        buttons.append(button(CANCEL, "Cancel", request.id, None))
    if buttons:
        blocks.append({"type": "actions", "block_id": f"cover-{request.id}",
                       "elements": buttons})
    return blocks


def button(action_id: str, label: str, number: int, style: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "value": str(number),
                               "text": {"type": "plain_text", "text": label}}
    if style:
        element["style"] = style
    return element
