"""Class 7 and 8: direct messages never repeat nor block the Slack target; the ICS suits
strict clients (ORGANIZER with attendees, SEQUENCE growing with the dates)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import icalendar

from sync.targets.calendar.ics import IcsCalendar
from sync.targets.calendar.model import EventSettings
from tests.hardening.test_hostile_text import TODAY
from tests.helpers import DictMemory, make_clock, make_roster
from tests.run.test_shift_notices import AFTER, BEFORE, group
from tests.targets.test_slack_target import run
from tests.wire.fakes.base import Response
from tests.wire.fakes.slack import FakeSlack, User

SETTINGS = EventSettings("Rotation: {engineers}", True)


def sync(target: IcsCalendar, rotations: list[tuple[str, str, list[str | None]]]) -> None:
    plan = target.plan(make_roster(rotations), make_clock(TODAY))
    if plan.changes:
        target.apply(plan)


def events(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["DTSTART"].dt): e for e in calendar.walk("VEVENT")}


def test_without_an_organizer_no_attendee_and_the_engineers_in_the_description(
        tmp_path: Path) -> None:
    target = IcsCalendar(tmp_path / "r.ics", SETTINGS, "rotation-sync")
    sync(target, BEFORE)
    text = (tmp_path / "r.ics").read_text()
    assert "ATTENDEE" not in text and "ORGANIZER" not in text
    description = str(events(tmp_path / "r.ics")["2022-09-07"]["DESCRIPTION"])
    assert "Keegan Carruthers-Smith <keegan@example.com>" in description
    assert target.plan(make_roster(BEFORE), make_clock(TODAY)).changes == []


def test_with_an_organizer_every_event_with_attendees_has_one(tmp_path: Path) -> None:
    target = IcsCalendar(tmp_path / "r.ics",
                         replace(SETTINGS, organizer="oncall@example.com"), "rotation-sync")
    sync(target, BEFORE)
    for event in events(tmp_path / "r.ics").values():
        assert str(event["ORGANIZER"]) == "mailto:oncall@example.com"
        assert event.get("ATTENDEE")
    assert target.plan(make_roster(BEFORE), make_clock(TODAY)).changes == []


def test_sequence_grows_whenever_the_dates_change_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "r.ics"
    sync(IcsCalendar(path, SETTINGS, "rotation-sync"), BEFORE)
    assert int(events(path)["2022-09-07"]["SEQUENCE"]) == 0
    for number, end in enumerate(["2022-10-08", "2022-10-07", "2022-10-08"], start=1):
        moved = [("2022-09-07", end, BEFORE[0][2]), BEFORE[1]]
        sync(IcsCalendar(path, SETTINGS, "rotation-sync"), moved)  # a new process each time
        assert int(events(path)["2022-09-07"]["SEQUENCE"]) == number
        assert int(events(path)["2022-10-10"]["SEQUENCE"]) == 0, "untouched: unchanged"
    sync(IcsCalendar(path, SETTINGS, "rotation-sync"), moved)
    assert int(events(path)["2022-09-07"]["SEQUENCE"]) == 3, "no change, no new sequence"


def test_an_unconfirmed_dm_is_not_sent_again(slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group("escalation-engineers", [users["tbliu98"].id])
    memory = DictMemory()
    run(group(slack), TODAY, memory, rotations=make_roster(BEFORE))
    slack.server_error("chat.postMessage", times=5)
    _, notes = run(group(slack), TODAY, memory, rotations=make_roster(AFTER))
    assert any("warning: could not message Kenji Sato (@kenji-sato)" in n and
               "not be sent again" in n for n in notes)
    attempts = len([c for c in slack.calls() if c.path.endswith("chat.postMessage")])
    run(group(slack), "2022-09-11", memory, rotations=make_roster(AFTER))
    assert len([c for c in slack.calls() if c.path.endswith("chat.postMessage")]) == attempts


def test_a_person_who_cannot_be_messaged_is_a_warning_and_never_fails(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group("escalation-engineers", [users["tbliu98"].id])
    memory = DictMemory()
    run(group(slack), TODAY, memory, rotations=make_roster(BEFORE))
    for code in ("channel_not_found", "user_disabled"):
        slack.fail(r"^/api/chat\.postMessage$", Response(200, {"ok": False, "error": code}))
        _, notes = run(group(slack), TODAY, memory, rotations=make_roster(AFTER))
        assert [n for n in notes if n.startswith("warning:")] == [
            f"warning: could not message Kenji Sato (@kenji-sato): Slack cannot deliver a "
            f"direct message to them ({code}); tell them: " + notes[-1].split("tell them: ")[1]]
        assert "announce_channel" not in " ".join(notes)
        _, again = run(group(slack), "2022-09-11", memory, rotations=make_roster(AFTER))
        assert not any("warning" in n for n in again), "not retried every night"
        memory = DictMemory()
        run(group(slack), TODAY, memory, rotations=make_roster(BEFORE))
