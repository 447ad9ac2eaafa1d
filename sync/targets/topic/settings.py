"""The topic target's config sections ([topic], by kind) and how each is built."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from sync.core.messages.templates import check_template
from sync.core.section import LocalPath, Section
from sync.targets.base import Target
from sync.targets.topic.model import PLACEHOLDERS, TEMPLATE, TopicSettings

if TYPE_CHECKING:
    from sync.targets.registry import Wiring


class TopicCommon(Section):
    channel: str = Field(description="The channel whose topic says who is on rotation "
                         "(#name or its id).")
    template: str = Field(TEMPLATE, description="The topic; {engineers} are the handles on "
                          "rotation now (with @), {end} the rotation's last day.")

    @field_validator("template")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        return check_template(value, PLACEHOLDERS)

    def settings(self) -> TopicSettings:
        return TopicSettings(self.channel, self.template)


class FileTopicSection(TopicCommon):
    kind: Literal["file"]
    path: LocalPath = Field(description='JSON file holding {"channel", "topic"}.')


class SlackTopicSection(TopicCommon):
    kind: Literal["slack"]


def build_file(wiring: Wiring, section: FileTopicSection) -> Target:
    from sync.targets.topic.file import TopicFile

    return TopicFile(section.path, section.settings())


def build_slack(wiring: Wiring, section: SlackTopicSection) -> Target:
    from sync.targets.topic.slack import SlackTopic

    return SlackTopic(section.settings(), wiring.slack_api())
