"""The pure rules: the state machine, eligibility, the suggestions' ranking, slash text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.core.cover import request as states
from sync.core.cover.request import CoverRequest, Refusal
from sync.core.cover.rules import check_taker, checked_note, not_free
from sync.core.cover.slash import Ask, parse
from sync.core.lived.absence import Absence
from sync.core.planner.fairness import rank_covers
from sync.core.record.days import lived_days
from tests.helpers import make_roster

NOW = datetime(2022, 9, 10, 16, tzinfo=UTC)
ROSTER = make_roster([
    ("2021-08-02", "2021-08-29", ["priya-nair", "kenji-sato"]),
    ("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
    ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
    ("2022-10-10", "2022-11-07", ["tbliu98", "sven-larsen"]),
])
SERVED = lived_days(ROSTER, date(2021, 8, 2), date(2022, 9, 9))  # what was served until today


def request(**changes: object) -> CoverRequest:
    made = CoverRequest(1, "valerybugakov", date(2022, 9, 12), date(2022, 9, 14), "",
                        "valerybugakov", NOW, NOW + timedelta(hours=72))
    return replace(made, **changes)  # type: ignore[arg-type]


def test_suggestions_rank_like_propose_fewest_rotations_then_longest_since() -> None:
    """The planner's order: rotations in the last 12 months plus those planned from today
    (kenji and priya: none; sven and tbliu98: one planned; Bolaji: one just served), then
    longest since the last (never served first), then handle."""
    ranked = rank_covers(ROSTER, date(2022, 9, 12), date(2022, 9, 14), SERVED,
                         today=date(2022, 9, 10))
    assert [r.handle for r in ranked] == ["kenji-sato", "priya-nair", "sven-larsen",
                                          "tbliu98", "BolajiOlajide"]


def test_suggestions_leave_out_the_away_and_the_busy() -> None:
    away = [Absence(person="sven-larsen", first=date(2022, 9, 13), last=date(2022, 9, 13),
                    source="test")]
    busy = {"tbliu98": [(date(2022, 9, 14), date(2022, 9, 20))]}
    ranked = rank_covers(ROSTER, date(2022, 9, 12), date(2022, 9, 14), SERVED, away, busy,
                         today=date(2022, 9, 10))
    assert [r.handle for r in ranked] == ["kenji-sato", "priya-nair", "BolajiOlajide"]
    assert not_free(ROSTER, ROSTER.person("tbliu98"), date(2022, 9, 12), date(2022, 9, 14),
                    {}, busy) == "@tbliu98 is on another roster's rotation on 2022-09-14."


def test_a_taker_away_is_refused() -> None:
    with pytest.raises(Refusal, match="@sven-larsen is away on 2022-09-13"):
        check_taker(ROSTER, request(), ROSTER.person("sven-larsen"),
                    {"sven-larsen": {date(2022, 9, 13)}})


def test_the_state_machine() -> None:
    taken = states.take(request(), "sven-larsen", NOW)
    assert taken.state == "taken" and states.ready_to_write(taken, "none")
    assert not states.ready_to_write(taken, "manager")
    assert states.take(taken, "sven-larsen", NOW) is taken, "a double click changes nothing"
    with pytest.raises(Refusal, match="already taken by @sven-larsen"):
        states.take(taken, "kenji-sato", NOW)
    approved = states.approve(taken, "priya-nair", NOW, ("priya-nair",))
    assert approved.state == "approved"
    assert states.approve(approved, "priya-nair", NOW, ("priya-nair",)) is approved
    with pytest.raises(Refusal, match="has not been taken yet"):
        states.approve(request(), "priya-nair", NOW, ("priya-nair",))
    with pytest.raises(Refusal, match="is done"):
        states.cancel(states.finish(approved, NOW), "valerybugakov", NOW, ())


def test_expiry_waits_for_expire_after_and_spares_a_row_being_written() -> None:
    later = NOW + timedelta(hours=72)
    assert states.expire(request(), later - timedelta(seconds=1), "none") is None
    expired = states.expire(request(), later, "none")
    assert expired is not None and expired.state == "expired"
    taken = states.take(request(), "sven-larsen", NOW)
    assert states.expire(taken, later, "none") is None, "decided: its row is due"
    assert states.expire(taken, later, "manager") is not None, "no manager approved in time"


@pytest.mark.parametrize(("note", "reason"), [
    ("a" * 201, "keep it to 200"), ("<@U123>", "plain text"), ("=1+1", "plain text"),
    ("two\nlines", "one line"), ("bell\x07", "one line")])
def test_notes_are_short_plain_text(note: str, reason: str) -> None:
    with pytest.raises(Refusal, match=reason):
        checked_note(note)
    assert checked_note("  dentist, back at noon ") == "dentist, back at noon"


def test_slash_text() -> None:
    assert parse("who") is None
    assert parse("cover 2026-12-10 2026-12-12 <@U0123ABC|kenji> flu, sorry") == Ask(
        date(2026, 12, 10), date(2026, 12, 12), "U0123ABC", None, "flu, sorry")
    assert parse("cover 2026-12-10 2026-12-10 @kenji-sato") == Ask(
        date(2026, 12, 10), date(2026, 12, 10), None, "kenji-sato", "")
    for text, reason in [("cover 2026-02-30 2026-03-01", "not a date"),
                         ("cover 2026-12-10", "the first and the last day"),
                         ("", "did not understand")]:
        with pytest.raises(Refusal, match=reason):
            parse(text)


PEOPLE = ("valerybugakov", "sven-larsen", "kenji-sato", "priya-nair")
ACTIONS = st.lists(st.tuples(st.sampled_from(("take", "approve", "cancel", "expire")),
                             st.sampled_from(PEOPLE)), max_size=12)


@given(ACTIONS, st.sampled_from(("none", "manager")))
def test_whatever_anyone_does_a_request_is_decided_once(actions: list[tuple[str, str]],
                                                        approval: str) -> None:
    """A final state stays final, and a taker or approver, once set, never changes."""
    current = request()
    for action, who in actions:
        before = current
        try:
            current = step(current, action, who, approval)
        except Refusal:
            continue
        if before.state in ("done", "cancelled", "expired"):
            assert current == before
        for name in ("taken_by", "approved_by"):
            if getattr(before, name) is not None:
                assert getattr(current, name) == getattr(before, name)
        if states.ready_to_write(current, approval):  # the desk writes the row, then:
            current = states.finish(current, NOW)


def step(current: CoverRequest, action: str, who: str, approval: str) -> CoverRequest:
    if action == "take":
        return states.take(current, who, NOW)
    if action == "approve":
        return states.approve(current, who, NOW, ("priya-nair",))
    if action == "cancel":
        return states.cancel(current, who, NOW, ("priya-nair",))
    return states.expire(current, NOW + timedelta(days=4),
                         "manager" if approval == "manager" else "none") or current
