"""The calendar target's config sections ([calendar], by kind) and how each is built."""

from __future__ import annotations

from string import Formatter
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field

from sync.config.sections import LocalPath, Section
from sync.targets.base import Target
from sync.targets.calendar.model import EventSettings

if TYPE_CHECKING:
    from sync.targets.registry import Wiring

OVERRIDE_PLACEHOLDERS = ("engineer", "cover", "start", "end")


def override_placeholders(template: str | None) -> str | None:
    """An unknown placeholder is a config error now, not a failed calendar every night."""
    try:
        names = {name for _, name, _, _ in Formatter().parse(template or "") if name is not None}
    except ValueError as error:
        raise ValueError(f"is not a valid title template ({error})") from None
    unknown = sorted(names - set(OVERRIDE_PLACEHOLDERS))
    if unknown:
        raise ValueError(f"has the unknown placeholder {{{unknown[0]}}}; use "
                         + ", ".join(f"{{{name}}}" for name in OVERRIDE_PLACEHOLDERS))
    return template


class CalendarCommon(Section):
    event_title: str = Field(
        "Escalation engineer rotation: {engineers}",
        description="Event title; {engineers} (names), {handles}, {start}, {end}.")
    override_title: Annotated[str | None, AfterValidator(override_placeholders)] = Field(
        None, description="Title of an override's event; {engineer} and {cover} (names), "
        "{start}, {end}. Unset: \"{cover} covers {engineer}: escalation engineer rotation\", "
        "or \"{engineer} away: escalation engineer rotation\" when nobody covers.")
    attendees: bool = Field(True, description="Invite the engineers to their rotation's event.")
    namespace: str = Field(
        "rotation-sync", pattern=r"^[a-z0-9-]{1,30}$",
        description="Marks the events this config owns, so two rosters can share a calendar.")


class IcsCalendar(CalendarCommon):
    kind: Literal["ics"]
    path: LocalPath = Field(description="The .ics file to write.")


class GoogleCalendar(CalendarCommon):
    kind: Literal["google"]
    calendar_id: str = Field(description="The shared calendar's id.")
    send_updates: Literal["none", "externalOnly", "all"] = Field(
        "none", description="Whether Google emails attendees about changes.")
    impersonate: str | None = Field(
        None, description="Workspace user a service account acts as (domain-wide delegation); "
        "needed to invite attendees.")
    calendar_endpoint: str = Field("https://www.googleapis.com/calendar/v3/",
                                   description="Calendar API root, for proxies and tests.")


def event_settings(wiring: Wiring, section: CalendarCommon) -> EventSettings:
    return EventSettings(section.event_title, section.attendees, wiring.handbook_url(),
                         section.override_title)


def build_ics(wiring: Wiring, section: IcsCalendar) -> Target:
    from sync.targets.calendar.ics import IcsCalendar as Ics

    return Ics(section.path, event_settings(wiring, section), section.namespace)


def build_google(wiring: Wiring, section: GoogleCalendar) -> Target:
    """Credentials are checked here, before any write."""
    from sync.targets.calendar.google import GoogleCalendar as Google

    return Google(event_settings(wiring, section), section)
