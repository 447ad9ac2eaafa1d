"""The calendar family: one all-day event per rotation, inviting its engineers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sync.core.diff.wording import changed, moved, retitled
from sync.core.lived.clock import Clock
from sync.core.lived.own_time import for_people
from sync.core.lived.roster import Override, Person, Roster, Rotation
from sync.core.messages.templates import render
from sync.targets.base import Snapshot, Target

DESCRIPTION_OPENING = "Escalation engineer rotation"
TITLE_FIELDS = ("engineers", "handles", "start", "end")  # event_title's placeholders
OVERRIDE_FIELDS = ("engineer", "cover", "start", "end")  # override_title's placeholders


@dataclass(frozen=True, order=True)
class Attendee:
    email: str
    name: str

    def __str__(self) -> str:
        return self.email


@dataclass(frozen=True)
class EventState:
    start: date
    end: date  # exclusive, as calendars store all-day events
    summary: str
    description: str
    attendees: tuple[Attendee, ...]

    @property
    def label(self) -> str:
        return f"{self.start} to {self.end - timedelta(days=1)}"

    def describe(self) -> str:
        return f"{self.label} ({self.summary})"

    def changes_from(self, before: EventState) -> list[str]:
        """'dates … → …; engineers add @c, remove @b; title "…" (was "…")'."""
        words = moved(before.label, self.label)
        words += changed("engineers", handles_in(before.description),
                         handles_in(self.description))
        words += retitled(before.summary, self.summary)
        words += changed("attendees", before.attendees, self.attendees)
        if self.description != before.description and not words:
            words.append("description put back as the roster has it")
        return words or ["details put back as the roster has them"]


@dataclass(frozen=True)
class EventSettings:
    title: str
    attendees: bool
    handbook_url: str | None = None
    organizer: str | None = None  # the ICS lists attendees only under an ORGANIZER
    override_title: str | None = None  # None: the defaults below, with and without a cover


def desired_events(roster: Roster, settings: EventSettings) -> dict[str, EventState]:
    """One event per rotation (the plan) and one per override (the roster as lived)."""
    events = {rotation.key: event_for(rotation, roster, settings)
              for rotation in roster.rotations}
    return events | {o.key: override_event(o, roster, settings) for o in roster.overrides}


def event_for(rotation: Rotation, roster: Roster, settings: EventSettings) -> EventState:
    people = [roster.person(handle) for handle in rotation.engineers]
    attendees = tuple(sorted(Attendee(p.email, p.name) for p in people)) if settings.attendees \
        else ()
    return EventState(
        start=rotation.start,
        end=rotation.end + timedelta(days=1),
        summary=render_title(settings.title, rotation, roster),
        description=event_description(rotation, settings.handbook_url, roster),
        attendees=attendees,
    )


def render_title(template: str, rotation: Rotation, roster: Roster) -> str:
    names = [roster.person(h).name if h else "TBD" for h in rotation.slots]
    handles = [f"@{h}" if h else "TBD" for h in rotation.slots]
    return render(template, {
        "engineers": ", ".join(names) or "TBD",
        "handles": ", ".join(handles) or "TBD",
        "start": rotation.start.isoformat(),
        "end": rotation.end.isoformat(),
    })


def event_description(rotation: Rotation, handbook_url: str | None, roster: Roster) -> str:
    handles = ", ".join(f"@{h}" if h else "TBD" for h in rotation.slots) or "TBD"
    lines = [f"{DESCRIPTION_OPENING} {rotation.label}: {handles}.",
             handoffs_line(roster, rotation.start, rotation.end,
                           [roster.person(h) for h in rotation.engineers]),
             "Kept in sync with the rotation roster by rotation-sync; edit the roster, "
             "not this event."]
    if handbook_url:
        lines.append(f"Handbook: {handbook_url}")
    return "\n".join(lines)


def handoffs_line(roster: Roster, first: date, last: date, people: list[Person]) -> str:
    """Both handoffs in the roster's time and each engineer's own."""
    return (f"Begins {for_people(roster, roster.handoff_on(first), people)}; ends "
            f"{for_people(roster, roster.handoff_on(last + timedelta(days=1)), people)}.")


def handles_in(description: str) -> list[str]:
    """The engineers an event's description names (its first line, as written above)."""
    first = description.split("\n", 1)[0]
    if not first.startswith(DESCRIPTION_OPENING) or ": " not in first:
        return []
    return [h for h in first.split(": ", 1)[1].rstrip(".").split(", ") if h.startswith("@")]


# -- overrides: one more event each; the rotation's event stays as planned --------------
COVERED_TITLE = "{cover} covers {engineer}: escalation engineer rotation"
AWAY_TITLE = "{engineer} away: escalation engineer rotation"


def override_event(override: Override, roster: Roster, settings: EventSettings) -> EventState:
    people = [roster.person(h) for h in (override.cover, override.engineer) if h is not None]
    attendees = tuple(sorted(Attendee(p.email, p.name) for p in people)) \
        if settings.attendees else ()
    return EventState(start=override.start, end=override.end + timedelta(days=1),
                      summary=override_title(override, roster, settings.override_title),
                      description=override_description(override, roster), attendees=attendees)


def override_title(override: Override, roster: Roster, template: str | None) -> str:
    """`[calendar] override_title`, or the default for a row with or without a cover."""
    chosen = template or (COVERED_TITLE if override.cover else AWAY_TITLE)
    cover = roster.person(override.cover).name if override.cover else "nobody"
    return render(chosen, {"engineer": roster.person(override.engineer).name,
                              "cover": cover, "start": override.start.isoformat(),
                              "end": override.end.isoformat()})


def override_description(override: Override, roster: Roster) -> str:
    rotation = roster.holding(override.start)
    during = f" during the rotation {rotation.label}" if rotation else ""
    who = f"@{override.cover} covers @{override.engineer}" if override.cover else \
        f"@{override.engineer} is away and nobody covers"
    lines = [f"{who} from {override.start} to {override.end}{during}.",
             handoffs_line(roster, override.start, override.end,
                           [roster.person(h) for h in (override.cover, override.engineer)
                            if h is not None])]
    lines += [f"Note: {override.note}"] if override.note else []
    lines.append("Kept in sync with the roster's Overrides tab by rotation-sync; edit the "
                 "roster, not this event.")
    return "\n".join(lines)


class CalendarTarget(Target):
    """One all-day event per rotation, and one per override."""

    name = "calendar"

    def __init__(self, settings: EventSettings) -> None:
        self.settings = settings

    def desired(self, roster: Roster, clock: Clock,
                snapshot: Snapshot) -> tuple[dict[str, Any], list[str]]:
        return dict(desired_events(roster, self.settings)), []
