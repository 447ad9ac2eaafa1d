"""The calendar target's config sections ([calendar], by kind) and how each is built."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from sync.core.messages.templates import check_template
from sync.core.section import LocalPath, Section
from sync.core.tabs.emails import email_problem
from sync.targets.base import Target
from sync.targets.calendar.model import OVERRIDE_FIELDS, TITLE_FIELDS, EventSettings

if TYPE_CHECKING:
    from sync.targets.registry import Wiring

class CalendarCommon(Section):
    event_title: str = Field(
        "Escalation engineer rotation: {engineers}",
        description="Event title; {engineers} (names), {handles}, {start}, {end}.")
    override_title: str | None = Field(
        None, description="Title of an override's event; {engineer} and {cover} (names), "
        "{start}, {end}. Unset: \"{cover} covers {engineer}: escalation engineer rotation\", "
        "or \"{engineer} away: escalation engineer rotation\" when nobody covers.")
    attendees: bool = Field(True, description="Invite the engineers to their rotation's event.")
    namespace: str = Field(
        "rotation-sync", pattern=r"^[a-z0-9-]{1,30}$",
        description="Marks the events this config owns, so two rosters can share a calendar.")
    organizer: str | None = Field(
        None, description="Email of the events' organizer; without it the .ics lists no "
        "attendee and names the engineers in the description (strict clients need one).")

    @field_validator("event_title")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        return check_template(value, TITLE_FIELDS)

    @field_validator("override_title")
    @classmethod
    def _known_override_placeholders(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value, OVERRIDE_FIELDS)

    @field_validator("organizer")
    @classmethod
    def _organizer_email(cls, value: str | None) -> str | None:
        if value is not None and email_problem(value):
            raise ValueError(f"{value!r} is not an email address Google accepts")
        return value


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
                         organizer=section.organizer, override_title=section.override_title)


def build_ics(wiring: Wiring, section: IcsCalendar) -> Target:
    from sync.targets.calendar.ics import IcsCalendar as Ics

    return Ics(section.path, event_settings(wiring, section), section.namespace,
               wiring.memory())


def build_google(wiring: Wiring, section: GoogleCalendar) -> Target:
    """Credentials are checked here, before any write."""
    from sync.targets.calendar.google import GoogleCalendar as Google

    return Google(event_settings(wiring, section), section,
                  creds=wiring.google_credentials())
