"""Reminders before a shift (`[slack] remind_before`), with time frozen around each moment
(time-machine): through `rotation-sync sync` and `plan` on the local backends, and through
slack_sdk against the fake Slack. No sleeps: the clock is moved, not waited for."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.schedulers.background import BackgroundScheduler

from sync.clients.slack import SlackApi
from sync.config.model import load_config
from sync.core.lived.clock import Clock
from sync.core.messages.reminders import Lead, due
from sync.run.scheduler import REMINDER_PREFIX, NightlySync, new_scheduler
from sync.targets.slack.model import GroupSettings
from sync.targets.slack.slack import SlackUserGroup
from tests.conftest import Workspace
from tests.helpers import DictMemory, make_clock, make_roster, rotations_rows, to_csv
from tests.targets.test_slack_target import run
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack, User

LA = ZoneInfo("America/Los_Angeles")
NEXT = ("Your escalation engineer rotation 2026-11-02 to 2026-11-29 starts in {when}, with "
        "{with}. It begins Mon 2026-11-02 09:00 America/Los_Angeles{begins} and ends Mon "
        "2026-11-30 09:00 America/Los_Angeles{ends}.")
# Each engineer's own time (Tammy Liu lives in the roster's timezone: one time is enough).
OWN = {"valerybugakov": (" (Mon 2026-11-02 18:00 Europe/Berlin)",
                         " (Mon 2026-11-30 18:00 Europe/Berlin)"),
       "tbliu98": ("", ""),
       "kenji-sato": (" (Tue 2026-11-03 02:00 Asia/Tokyo)", " (Tue 2026-12-01 02:00 Asia/Tokyo)")}
# Clocks go back on Sunday 2026-11-01 in Los Angeles: the rotation starting Monday is
# reminded 7 days before at 09:00 PDT (16:00 UTC) and 1 day before at 09:00 PST (17:00 UTC).
SEVEN_DAYS_BEFORE = datetime(2026, 10, 26, 16, 0, tzinfo=UTC)
ONE_DAY_BEFORE = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
ROTATIONS = [("2026-10-05", "2026-11-01", ["keegancsmith", "BolajiOlajide"]),
             ("2026-11-02", "2026-11-29", ["valerybugakov", "tbliu98", "kenji-sato"])]
MOVED = [("2026-10-05", "2026-11-08", ["keegancsmith", "BolajiOlajide"]),
         ("2026-11-09", "2026-12-06", ["valerybugakov", "tbliu98", "kenji-sato"])]


@pytest.fixture
def reminding(workspace: Workspace) -> Workspace:
    text = workspace.config.read_text().replace(
        'fallback = ["priya-nair"]\n', 'fallback = ["priya-nair"]\nremind_before = ["7d", "1d"]\n')
    workspace.config.write_text(text.split("[handbook]")[0])  # the sample page is of 2022
    roster(workspace, ROTATIONS)
    return workspace


def roster(workspace: Workspace, rotations: list[tuple[str, str, list[str | None]]]) -> None:
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rotations_rows(rotations)))


def sync_at(workspace: Workspace, moment: datetime, command: str = "sync") -> dict[str, Any]:
    with time_machine.travel(moment, tick=False):
        code, document = workspace.run_json(command)
    assert code == 0, document
    return document


def seven_days(for_whom: str) -> list[tuple[str, str]]:
    return expected("7 days", for_whom)


def expected(when: str, only: str | None = None) -> list[tuple[str, str]]:
    team = ["valerybugakov", "tbliu98", "kenji-sato"]
    found = []
    for handle in team:
        others = [f"@{h}" for h in team if h != handle]
        begins, ends = OWN[handle]
        found.append((f"@{handle}", NEXT.format(when=when, begins=begins, ends=ends,
                                                **{"with": " and ".join(others)})))
    return [item for item in found if only is None or item[0] == f"@{only}"]


def test_each_engineer_is_reminded_a_week_and_a_day_before_once_each(
        reminding: Workspace) -> None:
    sync_at(reminding, SEVEN_DAYS_BEFORE.replace(second=0, minute=0, hour=15, microsecond=0))
    sync_at(reminding, datetime(2026, 10, 26, 15, 59, 59, tzinfo=UTC))
    assert reminding.said() == []
    document = sync_at(reminding, SEVEN_DAYS_BEFORE)
    assert reminding.said() == expected("7 days")
    assert "reminded Valery Bugakov (@valerybugakov) (7d before): " + expected(
        "7 days")[0][1] in document["targets"]["slack"]["notes"]
    sync_at(reminding, datetime(2026, 10, 26, 18, 0, tzinfo=UTC))
    sync_at(reminding, datetime(2026, 11, 1, 16, 59, 59, tzinfo=UTC))
    assert reminding.said() == expected("7 days"), "never twice, and 1d is not due yet"
    sync_at(reminding, ONE_DAY_BEFORE)
    sync_at(reminding, datetime(2026, 11, 2, 16, 59, tzinfo=UTC))  # just before the handoff
    assert reminding.said() == expected("7 days") + expected("1 day")


def test_plan_lists_the_reminders_due_and_sends_none(reminding: Workspace) -> None:
    document = sync_at(reminding, SEVEN_DAYS_BEFORE, "plan")
    notes = document["targets"]["slack"]["notes"]
    assert [n for n in notes if n.startswith("would remind")] == [
        f"would remind {name} (@{handle}): {text}" for (_, text), (handle, name) in zip(
            expected("7 days"), [("valerybugakov", "Valery Bugakov"), ("tbliu98", "Tammy Liu"),
                                 ("kenji-sato", "Kenji Sato")], strict=True)]
    assert reminding.said() == []
    sync_at(reminding, SEVEN_DAYS_BEFORE)
    again = sync_at(reminding, SEVEN_DAYS_BEFORE, "plan")
    assert not [n for n in again["targets"]["slack"]["notes"] if "remind" in n]


def test_a_rotation_moved_after_its_reminder_is_reminded_anew(reminding: Workspace) -> None:
    sync_at(reminding, SEVEN_DAYS_BEFORE)
    roster(reminding, MOVED)  # a week later: starts 2026-11-09
    sync_at(reminding, ONE_DAY_BEFORE)  # the old 1d moment: nothing is due any more
    assert reminding.said() == expected("7 days")
    sync_at(reminding, datetime(2026, 11, 2, 17, 0, tzinfo=UTC))  # 7d before 11-09 09:00 PST
    week_later = {"2026-11-02 to 2026-11-29": "2026-11-09 to 2026-12-06",
                  "2026-11-02": "2026-11-09", "2026-11-30": "2026-12-07",
                  "2026-11-03": "2026-11-10", "2026-12-01": "2026-12-08"}
    moved = [(who, re.sub("|".join(week_later), lambda m: week_later[m[0]], text))
             for who, text in expected("7 days")]
    assert reminding.said() == expected("7 days") + moved


def test_a_late_first_run_sends_one_reminder_not_two(reminding: Workspace) -> None:
    sync_at(reminding, datetime(2026, 11, 1, 20, 0, tzinfo=UTC))
    assert reminding.said() == expected("1 day")
    sync_at(reminding, datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    assert reminding.said() == expected("1 day"), "the 7d reminder is settled, not late"


def test_a_reminder_up_to_a_day_late_is_still_sent(reminding: Workspace) -> None:
    sync_at(reminding, datetime(2026, 10, 27, 15, 59, tzinfo=UTC))  # 24 hours late
    assert reminding.said() == expected("7 days")


def test_a_reminder_due_more_than_a_day_ago_is_not_sent(reminding: Workspace) -> None:
    document = sync_at(reminding, datetime(2026, 10, 28, 17, 0, tzinfo=UTC))
    assert reminding.said() == []
    assert any(note.startswith("not reminding Valery Bugakov (@valerybugakov): that "
                               "reminder was due 2026-10-26 09:00 PDT, more than a day ago")
               for note in document["targets"]["slack"]["notes"])


@pytest.mark.parametrize(("start", "lead", "moment"), [
    ("2026-11-02", "7d", "2026-10-26T09:00:00-07:00"),  # autumn: the week holds 169 hours
    ("2026-11-02", "1d", "2026-11-01T09:00:00-08:00"),
    ("2027-03-15", "7d", "2027-03-08T09:00:00-08:00"),  # spring: the week holds 167 hours
    ("2027-03-15", "1d", "2027-03-14T09:00:00-07:00"),
    ("2027-03-15", "12h", "2027-03-14T21:00:00-07:00"),
    ("2027-03-15", "2w", "2027-03-01T09:00:00-08:00"),
])
def test_lead_moments_are_at_handoff_time_across_dst(start: str, lead: str,
                                                     moment: str) -> None:
    rotation = make_roster([(start, "2027-04-11", ["tbliu98"])]).rotations[0]
    assert Lead.parse(lead).moment(make_roster(), rotation).isoformat() == moment


def test_spring_forward_week_frozen_around_the_moment() -> None:
    roster_ = make_roster([("2027-03-15", "2027-04-11", ["tbliu98", "kenji-sato"])])
    leads = [Lead.parse("7d")]
    before = datetime(2027, 3, 8, 16, 59, tzinfo=UTC)  # 08:59 PST; 168 h before is 08:00
    with time_machine.travel(before, tick=False):
        assert due(roster_, datetime.now(LA), leads) == []
    with time_machine.travel(datetime(2027, 3, 8, 17, 0, tzinfo=UTC), tick=False):
        reminders = due(roster_, datetime.now(LA), leads)
    assert [(r.person.github, r.text) for r in reminders] == [
        ("tbliu98", "Your escalation engineer rotation 2027-03-15 to 2027-04-11 starts in "
                    "7 days, with @kenji-sato. It begins Mon 2027-03-15 09:00 "
                    "America/Los_Angeles and ends Mon 2027-04-12 09:00 America/Los_Angeles."),
        ("kenji-sato", "Your escalation engineer rotation 2027-03-15 to 2027-04-11 starts in "
                       "7 days, with @tbliu98. It begins Mon 2027-03-15 09:00 "
                       "America/Los_Angeles (Tue 2027-03-16 01:00 Asia/Tokyo) and ends Mon "
                       "2027-04-12 09:00 America/Los_Angeles (Tue 2027-04-13 01:00 Asia/Tokyo).")]


@pytest.mark.parametrize("entry", ["7", "7x", "0d", "400d", "d7", ""])
def test_a_bad_lead_time_is_exit_2_naming_the_key(workspace: Workspace, entry: str) -> None:
    workspace.config.write_text(workspace.config.read_text().replace(
        'fallback = ["priya-nair"]\n', f'fallback = ["priya-nair"]\nremind_before = ["{entry}"]\n'))
    result = workspace.run("plan", "--today", "2022-09-10")
    assert result.exit_code == 2
    assert "slack.remind_before" in result.output and "Traceback" not in result.output


def test_schedule_adds_a_run_at_each_reminder_moment(reminding: Workspace) -> None:
    scheduler = new_scheduler(LA, BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        now = datetime(2026, 10, 20, 12, 0, tzinfo=LA)
        NightlySync(load_config(reminding.config), scheduler, now=lambda: now,
                    sync=lambda *args: None).add_jobs()  # type: ignore[arg-type,return-value]
        reminders = sorted(job.next_run_time.isoformat() for job in scheduler.get_jobs()
                           if job.id.startswith(REMINDER_PREFIX))
    finally:
        scheduler.shutdown(wait=False)
    assert reminders == ["2026-10-26T09:00:00-07:00", "2026-11-01T09:00:00-08:00"]


# -- through slack_sdk against the fake Slack -------------------------------------------------
def slack_group(slack: FakeSlack) -> SlackUserGroup:
    settings = GroupSettings("escalation-engineers", "keep", (),
                             remind_before=(Lead.parse("7d"), Lead.parse("1d")))
    return SlackUserGroup(settings, SlackApi.connect(DEFAULT_TOKEN, slack.api_url,
                                                     "escalation-engineers"))


def at(moment: datetime) -> Clock:
    return Clock(moment.astimezone(LA), make_clock().handoff)


def test_slack_dms_each_engineer_once_and_an_unconfirmed_dm_is_not_resent(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group("escalation-engineers", [users["keegancsmith"].id])
    memory, rotations = DictMemory(), make_roster(ROTATIONS)
    slack.server_error("chat.postMessage", times=1)  # Slack may have posted the first one
    _, notes = run(slack_group(slack), "", memory, clock=at(SEVEN_DAYS_BEFORE),
                   rotations=rotations)
    assert any(note.startswith("warning: could not remind Valery Bugakov (@valerybugakov): "
                               "Slack did not confirm") for note in notes)
    run(slack_group(slack), "", memory, clock=at(SEVEN_DAYS_BEFORE), rotations=rotations)
    run(slack_group(slack), "", memory, clock=at(ONE_DAY_BEFORE), rotations=rotations)
    run(slack_group(slack), "", memory, clock=at(ONE_DAY_BEFORE), rotations=rotations)
    sent = [(m.params["channel"], m.text) for m in slack.messages]
    assert sent == [(users[handle.removeprefix("@")].id, text)
                    for handle, text in expected("7 days")[1:] + expected("1 day")]


def test_the_cover_of_an_upcoming_override_is_reminded_once_per_lead(
        reminding: Workspace) -> None:
    config = reminding.config.read_text().replace(
        'people = "roster/people.csv"\n',
        'people = "roster/people.csv"\noverrides = "roster/overrides.csv"\n')
    reminding.config.write_text(config)
    (reminding.folder / "roster" / "overrides.csv").write_text(to_csv([
        ["Start", "End", "Engineer", "Cover", "Note"],
        ["2026-11-16", "2026-11-18", "tbliu98", "sven-larsen", ""]]))
    cover = ("You cover @tbliu98 on the escalation engineer rotation 2026-11-16 to "
             "2026-11-18, starting in {when}. It begins Mon 2026-11-16 09:00 "
             "America/Los_Angeles (Mon 2026-11-16 12:00 America/New_York) and ends Thu "
             "2026-11-19 09:00 America/Los_Angeles (Thu 2026-11-19 12:00 America/New_York).")
    sync_at(reminding, datetime(2026, 11, 9, 16, 59, tzinfo=UTC))  # 09:00 PST is 17:00 UTC
    assert reminding.said() == []
    document = sync_at(reminding, datetime(2026, 11, 9, 17, 0, tzinfo=UTC))
    assert reminding.said() == [("@sven-larsen", cover.format(when="7 days"))]
    assert "reminded Sven Larsen (@sven-larsen) (7d before): " + cover.format(
        when="7 days") in document["targets"]["slack"]["notes"]
    sync_at(reminding, datetime(2026, 11, 10, 17, 0, tzinfo=UTC))
    assert len(reminding.said()) == 1, "never twice"
    sync_at(reminding, datetime(2026, 11, 15, 17, 0, tzinfo=UTC))
    sync_at(reminding, datetime(2026, 11, 16, 16, 0, tzinfo=UTC))
    assert reminding.said() == [("@sven-larsen", cover.format(when="7 days")),
                                   ("@sven-larsen", cover.format(when="1 day"))]
