"""Slack accounts remembered between runs (the request floor): a no-op run reads the group
once and looks nobody up; a People edit or a stale entry means looking again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sync.clients.slack import SlackApi
from sync.core.lived.roster import Roster
from sync.targets.slack.directory import Account
from sync.targets.slack.model import GroupSettings
from sync.targets.slack.remembered import STALE_AFTER, RememberedAccounts
from sync.targets.slack.slack import SlackUserGroup
from tests.helpers import DictMemory, make_clock, make_roster
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack, User

HANDLE = "escalation-engineers"
DAY = "2022-09-10"  # keegancsmith and valerybugakov are on rotation


def sync(slack: FakeSlack, memory: DictMemory, roster: Roster | None = None) -> list[str]:
    """One plan and apply; the Slack methods it called."""
    slack.reset_log()
    group = SlackUserGroup(GroupSettings(HANDLE, "keep", ()),
                           SlackApi.connect(DEFAULT_TOKEN, slack.api_url, HANDLE), None, memory)
    plan = group.plan(roster or make_roster(), make_clock(DAY))
    if plan.changes:
        group.apply(plan)
    return [r.path.removeprefix("/api/") for r in slack.requests]


def test_a_no_op_run_reads_the_group_once_and_looks_nobody_up(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group(HANDLE)
    memory = DictMemory()
    assert sync(slack, memory).count("users.lookupByEmail") == 2
    assert sync(slack, memory) == ["usergroups.list"]


def test_without_memory_every_run_looks_the_engineers_up(slack: FakeSlack,
                                                         users: dict[str, User]) -> None:
    slack.add_group(HANDLE, [users["keegancsmith"].id, users["valerybugakov"].id])
    group = SlackUserGroup(GroupSettings(HANDLE, "keep", ()),
                           SlackApi.connect(DEFAULT_TOKEN, slack.api_url, HANDLE))
    group.plan(make_roster(), make_clock(DAY))
    assert len(slack.calls_to("users.lookupByEmail")) == 2


def test_a_changed_email_on_people_is_looked_up_again(slack: FakeSlack,
                                                      users: dict[str, User]) -> None:
    slack.add_group(HANDLE)
    memory = DictMemory()
    sync(slack, memory)
    roster = make_roster()
    valery = roster.people["valerybugakov"]
    moved = valery.model_copy(update={"email": "valery.b@example.com"})
    slack.add_user("valery-new", "valery.b@example.com")
    roster = roster.model_copy(update={"people": {**roster.people, "valerybugakov": moved}})
    called = sync(slack, memory, roster)
    assert called.count("users.lookupByEmail") == 1
    assert "usergroups.users.update" in called  # the new account replaces the old one


def test_a_stale_account_is_looked_up_again(slack: FakeSlack, users: dict[str, User]) -> None:
    memory = DictMemory()
    person = make_roster().people["keegancsmith"]
    account = RememberedAccounts(memory, lambda: datetime(2026, 1, 1, tzinfo=UTC))
    account.put(person, Account("U1", "keegan", person.email))
    later = datetime(2026, 1, 1, tzinfo=UTC) + STALE_AFTER
    assert RememberedAccounts(memory, lambda: later).get(person) == Account(
        "U1", "keegan", person.email)
    assert RememberedAccounts(memory, lambda: later + timedelta(seconds=1)).get(person) is None


def test_an_unreadable_memory_entry_means_looking_again(slack: FakeSlack) -> None:
    memory = DictMemory()
    memory.remember("slack:accounts", {"keegancsmith": {"who": "nonsense"}})
    assert RememberedAccounts(memory).get(make_roster().people["keegancsmith"]) is None


class BrokenMemory(DictMemory):
    """A state store that cannot be written (read-only folder)."""

    def remember(self, key: str, value: object) -> None:
        raise OSError("attempt to write a readonly database")


def test_a_state_store_that_cannot_be_written_only_costs_lookups(
        slack: FakeSlack, users: dict[str, User]) -> None:
    slack.add_group(HANDLE)
    memory = BrokenMemory()
    assert "usergroups.users.update" in sync(slack, memory)
    assert sync(slack, memory).count("users.lookupByEmail") == 2
