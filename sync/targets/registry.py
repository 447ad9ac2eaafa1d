"""The one table of targets: each target's name, label, config section and backends.

Everything that lists targets reads it: the config's sections, the engine, `--only` and its
help, the notices' wording and the `--json` `targets` keys. Adding a target is one family
folder (model, backends, `settings.py` with its config sections and builders) plus one
entry here; docs/ARCHITECTURE.md walks through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, Union

from pydantic import Field

from sync.clients.slack import SlackApi
from sync.core.section import Section, kind_name
from sync.targets.base import Target
from sync.targets.calendar import settings as calendar_settings
from sync.targets.handbook import settings as handbook_settings
from sync.targets.memory import Memory
from sync.targets.slack import settings as slack_settings
from sync.targets.topic import settings as topic_settings


class Wiring(Protocol):
    """What a builder may ask of the run: the config's other sections, the one Slack client."""

    def handbook_url(self) -> str | None: ...

    def slack_api(self) -> SlackApi: ...

    def memory(self) -> Memory:
        """The state store: what targets remember between runs (Slack accounts)."""
        ...

    def google_credentials(self) -> Any:
        """The run's one Google credential (all scopes of the run, one token grant)."""
        ...


Builder = Callable[[Wiring, Any], Target]


@dataclass(frozen=True)
class Backend:
    """One `kind` of a target: its config section and how it is built from it."""

    section: type[Section]
    build: Builder

    @property
    def kind(self) -> str:
        return kind_name(self.section)


@dataclass(frozen=True)
class TargetEntry:
    name: str  # the config section, the `--only` word, the `--json` key
    label: str  # how people are told about it ("the Slack group")
    backends: tuple[Backend, ...]
    always_listed: bool = True  # False: in `--json` `targets` only when configured

    @property
    def section(self) -> Any:
        """The section's type for the config model: its backends' sections, by `kind`."""
        models = tuple(backend.section for backend in self.backends)
        return Annotated[Union[models], Field(discriminator="kind")]  # noqa: UP007

    def build(self, wiring: Wiring, section: Section) -> Target:
        backend = next(b for b in self.backends if isinstance(section, b.section))
        return backend.build(wiring, section)


TARGETS: tuple[TargetEntry, ...] = (
    TargetEntry("calendar", "the calendar", (
        Backend(calendar_settings.IcsCalendar, calendar_settings.build_ics),
        Backend(calendar_settings.GoogleCalendar, calendar_settings.build_google))),
    TargetEntry("slack", "the Slack group", (
        Backend(slack_settings.FileSlack, slack_settings.build_file),
        Backend(slack_settings.SlackSlack, slack_settings.build_slack))),
    TargetEntry("handbook", "the handbook page", (
        Backend(handbook_settings.FileHandbook, handbook_settings.build_file),
        Backend(handbook_settings.GithubHandbook, handbook_settings.build_github))),
    TargetEntry("topic", "the channel topic", (
        Backend(topic_settings.FileTopicSection, topic_settings.build_file),
        Backend(topic_settings.SlackTopicSection, topic_settings.build_slack)),
        always_listed=False),
)
NAMES = tuple(entry.name for entry in TARGETS)
LABELS = {entry.name: entry.label for entry in TARGETS}


def listed(configured: Iterable[str] = ()) -> tuple[str, ...]:
    """The `--json` `targets` keys: the original three always (scripts rely on them), a
    later target only when its section is configured."""
    chosen = set(configured)
    return tuple(e.name for e in TARGETS if e.always_listed or e.name in chosen)

