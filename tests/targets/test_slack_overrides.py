"""The Slack group and the announcements follow the roster as lived (real slack_sdk over
HTTP to the fake Slack)."""

from __future__ import annotations

from sync.core.lived.roster import Roster
from tests.helpers import DictMemory, make_roster, with_overrides
from tests.targets.test_slack_target import CHANNEL, HANDLE, ROTATIONS, members, run, target
from tests.wire.fakes.slack import FakeSlack, User

# The handoff back to the plan, in the roster's time and each person's own.
BACK = ("Back to the plan: Thu 2022-09-15 09:00 America/Los_Angeles (Thu 12:00 "
        "America/New_York for @sven-larsen, Thu 18:00 Europe/Berlin for @valerybugakov).")


def covered(cover: str | None = "sven-larsen") -> Roster:
    return with_overrides(make_roster(ROTATIONS),
                          ("2022-09-12", "2022-09-14", "valerybugakov", cover, "dentist"))


def test_the_group_switches_to_the_cover_and_back(slack: FakeSlack,
                                                  users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["keegancsmith"].id, users["valerybugakov"].id])
    run(target(slack, announce=None), "2022-09-11", rotations=covered())
    assert members(slack) == {"keegancsmith", "valerybugakov"}
    run(target(slack, announce=None), "2022-09-12", rotations=covered())
    assert members(slack) == {"keegancsmith", "sven-larsen"}
    plan, _ = run(target(slack, announce=None), "2022-09-14", rotations=covered())
    assert plan.changes == [], "a cover put in by the roster is not reverted"
    run(target(slack, announce=None), "2022-09-15", rotations=covered())
    assert members(slack) == {"keegancsmith", "valerybugakov"}


def test_an_override_emptying_the_group_is_guarded_by_empty_policy(
        slack: FakeSlack, users: dict[str, User]) -> None:
    roster = with_overrides(make_roster(ROTATIONS), ("2022-10-12", "2022-10-13", "tbliu98",
                                                     None, ""))
    slack.add_group(HANDLE, [users["tbliu98"].id])
    plan, notes = run(target(slack, "keep", announce=None), "2022-10-12", rotations=roster)
    assert plan.changes == [] and members(slack) == {"tbliu98"}
    assert any("empty_policy = keep" in note for note in notes)


def test_an_override_start_is_announced_once(slack: FakeSlack, users: dict[str, User]
                                             ) -> None:
    slack.add_channel(CHANNEL)
    slack.add_group(HANDLE, [users["keegancsmith"].id, users["valerybugakov"].id])
    memory = DictMemory()
    run(target(slack), "2022-09-11", memory, rotations=covered())
    assert slack.messages == []
    _, notes = run(target(slack), "2022-09-12", memory, dry_run=True, rotations=covered())
    assert "would announce Sven Larsen covering Valery Bugakov (2022-09-12 to 2022-09-14) " \
        "in #escalation-engineering" in notes
    assert slack.messages == []
    run(target(slack), "2022-09-12", memory, rotations=covered())
    [message] = slack.messages
    ids = {handle: user.id for handle, user in users.items()}
    assert message.text == (f"<@{ids['sven-larsen']}> covers <@{ids['valerybugakov']}> until "
                            f"2022-09-14 (@{HANDLE}). {BACK} Note: dentist")
    run(target(slack), "2022-09-13", memory, rotations=covered())
    assert len(slack.messages) == 1


def test_an_override_with_nobody_covering_says_so(slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_channel(CHANNEL)
    slack.add_group(HANDLE, [users["keegancsmith"].id, users["valerybugakov"].id])
    run(target(slack), "2022-09-12", DictMemory(), rotations=covered(None))
    ids = {handle: user.id for handle, user in users.items()}
    assert [m.text for m in slack.messages] == [
        f"<@{ids['valerybugakov']}> is away until 2022-09-14; nobody covers (@{HANDLE}). "
        "Back to the plan: Thu 2022-09-15 09:00 America/Los_Angeles (Thu 18:00 Europe/Berlin "
        "for @valerybugakov). Note: dentist"]
