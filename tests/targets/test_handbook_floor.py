"""pull_request mode at the request floor: with the state store remembering that no pull
request of ours is open, a run whose base already has the right table reads the page once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from sync.core.diff.plan import TargetPlan
from sync.targets.handbook.github import HandbookGithub
from tests.helpers import DictMemory, make_clock, make_roster
from tests.targets.contract import ROSTER_B
from tests.targets.test_handbook_github import DAY, PATH, REPO, SAMPLE, TOKEN
from tests.wire.fakes.github import FakeGitHub


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.add_repo(REPO, {PATH: SAMPLE})
    server.add_token(TOKEN, {REPO: "write"})
    with server:
        yield server


def handbook(server: FakeGitHub, memory: DictMemory) -> HandbookGithub:
    return HandbookGithub(REPO, PATH, "main", "pull_request", TOKEN, server.base_url,
                          memory=memory)


def sync(target: HandbookGithub, rotations: list[Any] = ROSTER_B) -> TargetPlan:
    plan = target.plan(make_roster(rotations), make_clock(DAY))
    return replace(plan, notes=(*plan.notes, *target.apply(plan))) if plan.changes else plan


def test_a_merged_proposal_then_costs_one_read_a_run(fake: FakeGitHub) -> None:
    memory = DictMemory()
    sync(handbook(fake, memory))  # opens the pull request
    fake.merge_pull(REPO, fake.pulls(REPO)[0].number)
    assert sync(handbook(fake, memory)).changes == []  # learns that none is open
    fake.reset_log()
    assert sync(handbook(fake, memory)).changes == []
    assert [(r.method, r.path) for r in fake.requests] == \
        [("GET", f"/repos/{REPO}/contents/{PATH}")]


def test_a_roster_change_still_opens_a_pull_request(fake: FakeGitHub) -> None:
    memory = DictMemory()
    sync(handbook(fake, memory))
    fake.merge_pull(REPO, fake.pulls(REPO)[0].number)
    sync(handbook(fake, memory))
    changed = [*ROSTER_B[:-1], ("2022-11-08", "2022-12-05", ["kenji-sato"])]
    result = sync(handbook(fake, memory), changed)
    assert result.changes and [p.state for p in fake.pulls(REPO)] == ["closed", "open"]


def test_an_open_proposal_is_always_checked(fake: FakeGitHub) -> None:
    memory = DictMemory()
    sync(handbook(fake, memory))
    fake.reset_log()
    again = sync(handbook(fake, memory))
    assert again.changes == [] and "Already proposed" in " ".join(again.notes)
    assert any("/pulls" in r.path for r in fake.requests)
