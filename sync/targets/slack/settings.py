"""The Slack target's config sections ([slack], by kind) and how each is built."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from sync.core.messages.reminders import Lead
from sync.core.section import LocalPath, Section
from sync.targets.base import Target
from sync.targets.slack.model import GroupSettings

if TYPE_CHECKING:
    from sync.targets.registry import Wiring

class SlackCommon(Section):
    usergroup: str = Field(description="The user group's handle, without @.")
    announce_channel: str | None = Field(None, description="Channel told at each handoff.")
    empty_policy: Literal["keep", "disable", "fallback"] = Field(
        "keep", description="What the group holds when today has no engineer.")
    fallback: tuple[str, ...] = Field((), description="Handles used by empty_policy = fallback.")
    notify_changes: bool = Field(False, description="DM engineers whose upcoming shift changed.")
    remind_before: tuple[str, ...] = Field(
        (), description='DM each engineer this long before their rotation starts, once per '
        'entry ("7d", "1d", "12h"; days count at handoff_time).')

    @field_validator("remind_before")
    @classmethod
    def _lead_times(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            Lead.parse(entry)
        return value

    def leads(self) -> tuple[Lead, ...]:
        return tuple(dict.fromkeys(Lead.parse(entry) for entry in self.remind_before))


class FileSlack(SlackCommon):
    kind: Literal["file"]
    path: LocalPath = Field(description="JSON file holding the group's members.")


class SlackSlack(SlackCommon):
    kind: Literal["slack"]
    api_url: str = Field("https://slack.com/api/", description="Slack Web API root.")


def group_settings(section: SlackCommon) -> GroupSettings:
    return GroupSettings(section.usergroup, section.empty_policy,
                         tuple(h.removeprefix("@") for h in section.fallback),
                         section.notify_changes, section.leads())


def build_file(wiring: Wiring, section: FileSlack) -> Target:
    from sync.targets.slack.file import SlackFile

    return SlackFile(section.path, group_settings(section), section.announce_channel)


def build_slack(wiring: Wiring, section: SlackSlack) -> Target:
    from sync.targets.slack.slack import SlackUserGroup

    return SlackUserGroup(group_settings(section), wiring.slack_api(),
                          section.announce_channel, wiring.memory())
