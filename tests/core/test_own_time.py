"""Told in their own time: the calendar event's description and the handoff announcement
give the handoff in the roster's timezone and in each engineer's own (DMs, reminders and
`who` are checked where they are sent: test_notices, test_reminders, test_who)."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.core.lived.own_time import moment
from sync.targets.calendar.model import EventSettings, desired_events
from sync.targets.slack.model import announcement
from tests.helpers import make_roster, with_overrides


def test_the_event_description_gives_both_handoffs_in_each_engineers_time() -> None:
    events = desired_events(make_roster(), EventSettings("{engineers}", True))
    assert events["2022-09-07"].description.splitlines()[1] == (
        "Begins Wed 2022-09-07 09:00 America/Los_Angeles (Wed 18:00 Africa/Johannesburg for "
        "@keegancsmith, Wed 18:00 Europe/Berlin for @valerybugakov); ends Mon 2022-10-10 09:00 "
        "America/Los_Angeles (Mon 18:00 Africa/Johannesburg for @keegancsmith, Mon 18:00 "
        "Europe/Berlin for @valerybugakov).")
    assert events["2022-10-10"].description.splitlines()[1] == (
        "Begins Mon 2022-10-10 09:00 America/Los_Angeles; ends Tue 2022-11-08 09:00 "
        "America/Los_Angeles.")  # Tammy Liu lives in the roster's timezone


def test_an_override_event_gives_the_handoffs_of_cover_and_engineer() -> None:
    roster = with_overrides(make_roster(), ("2022-09-12", "2022-09-14", "valerybugakov",
                                            "tbliu98", ""))
    events = desired_events(roster, EventSettings("{engineers}", True))
    event = events["override-valerybugakov-20220912"]
    assert event.description.splitlines()[1] == (
        "Begins Mon 2022-09-12 09:00 America/Los_Angeles (Mon 18:00 Europe/Berlin for "
        "@valerybugakov); ends Thu 2022-09-15 09:00 America/Los_Angeles (Thu 18:00 "
        "Europe/Berlin for @valerybugakov).")


def test_the_handoff_announcement_names_the_next_handoff_in_each_engineers_time() -> None:
    roster = make_roster()
    rotation = roster.rotations[1]
    post = announcement(roster, rotation, [roster.person(h) for h in rotation.engineers],
                        "escalation-engineers", "#ee")
    assert "\nThe next handoff: Mon 2022-10-10 09:00 America/Los_Angeles (Mon 18:00 " \
        "Africa/Johannesburg for @keegancsmith, Mon 18:00 Europe/Berlin for " \
        "@valerybugakov)." in "".join(str(p) for p in post.parts if isinstance(p, str))


def test_a_moment_on_another_day_for_them_says_their_day() -> None:
    at = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert moment(at, "Asia/Tokyo", "America/Los_Angeles") == \
        "Mon 2026-11-23 09:00 America/Los_Angeles (Tue 2026-11-24 02:00 Asia/Tokyo)"
    assert moment(at, "America/Los_Angeles", "America/Los_Angeles") == \
        "Mon 2026-11-23 09:00 America/Los_Angeles"
