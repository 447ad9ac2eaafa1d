"""Where a cover request's message goes: the Slack channel (posted once, then updated in
place; sync.run.cover_slack), the local messages file beside the [slack] file (one line per
state), or nowhere when no channel is configured."""

from __future__ import annotations

from typing import Protocol

from sync.config.cover import Cover
from sync.config.model import Config
from sync.core.cover.request import CoverRequest
from sync.run.cover_slack import Placed, SlackBoard
from sync.run.messenger import MESSAGES_FILE, FileTransport
from sync.targets.slack.settings import FileSlack, SlackCommon, SlackSlack


class Board(Protocol):
    def show(self, request: CoverRequest, text: str) -> Placed | None:
        """Post the request's message, or update it; where it is, when that is known."""
        ...


class NoBoard:
    def show(self, request: CoverRequest, text: str) -> Placed | None:
        return None


class FileBoard:
    """The local backend: each state of the request is one line in the messages file."""

    def __init__(self, transport: FileTransport, channel: str) -> None:
        self.transport = transport
        self.channel = channel

    def show(self, request: CoverRequest, text: str) -> Placed | None:
        self.transport.post(self.channel, text)
        return (self.channel, None)


def cover_channel(config: Config, section: Cover) -> str | None:
    slack = config.section("slack")
    default = slack.announce_channel if isinstance(slack, SlackCommon) else None
    return section.channel or default


def make_board(config: Config, section: Cover) -> Board:
    slack, channel = config.section("slack"), cover_channel(config, section)
    if channel is None:
        return NoBoard()
    if isinstance(slack, FileSlack):
        return FileBoard(FileTransport(slack.path.parent / MESSAGES_FILE), channel)
    if isinstance(slack, SlackSlack):
        from sync.run.factory import Wiring

        return SlackBoard(Wiring(config).slack, channel, section.approval)
    return NoBoard()
