"""The planner of `propose`, pure: hard rules never broken, preferences in the contract's
order, a reason per engineer, findings for what cannot be done, the same output each time."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sync.core.lived.absence import Absence
from sync.core.lived.roster import Person, Roster, Rotation
from sync.core.planner.fairness import rank_covers
from sync.core.planner.propose import ProposeSettings, propose
from sync.core.record.days import lived_days
from tests.helpers import HANDOFF, TZ

TODAY = date(2027, 1, 4)
ZONES = {"ams": "Europe/Amsterdam", "ber": "Europe/Berlin", "par": "Europe/Paris",
         "tok": "Asia/Tokyo", "nyc": "America/New_York", "sfo": "America/Los_Angeles"}


def person(handle: str, zone: str = "Europe/Berlin", **extra: object) -> Person:
    return Person(github=handle, name=handle.title(), email=f"{handle}@example.com",
                  timezone=zone, row=len(handle), **extra)  # type: ignore[arg-type]


def roster(rotations: list[tuple[str, str, list[str | None]]], people: list[Person],
           time_off: tuple[Absence, ...] = ()) -> Roster:
    return Roster(rotations=tuple(
        Rotation(start=date.fromisoformat(s), end=date.fromisoformat(e), slots=tuple(slots),
                 row=row) for row, (s, e, slots) in enumerate(rotations, start=2)),
        people={p.key: p for p in people}, timezone=TZ, handoff_time=HANDOFF,
        time_off=time_off)


def settings(until: date = TODAY, **extra: object) -> ProposeSettings:
    return ProposeSettings(until=until, **extra)  # type: ignore[arg-type]


def handles(proposal: object) -> list[str]:
    return [pick.handle for pick in proposal.engineers]  # type: ignore[attr-defined]


def world(count: int = 9) -> list[Person]:
    zones = list(ZONES.values())
    return [person(f"p{n}", zones[n % len(zones)]) for n in range(count)]


def test_a_tbd_slot_is_filled_and_named_engineers_stay() -> None:
    people = world()
    r = roster([("2027-02-01", "2027-02-28", ["p0", None, "p2"])], people)
    proposals, findings = propose(r, TODAY, settings())
    assert len(proposals) == 1 and findings == []
    picks = proposals[0].engineers
    assert [p.handle for p in picks][0::2] == ["p0", "p2"] and not picks[0].proposed
    assert picks[1].proposed and picks[1].handle not in ("p0", "p2")
    assert proposals[0].fills_row == 2 and picks[1].reason


def test_started_rotations_are_not_touched_and_drafts_follow_the_last_end() -> None:
    people = world()
    r = roster([("2027-01-01", "2027-01-31", ["p0", None, None])], people)
    proposals, _ = propose(r, TODAY, settings(until=date(2027, 3, 31), length_days=28))
    assert [(p.start, p.end, p.fills_row) for p in proposals] == [
        (date(2027, 2, 1), date(2027, 2, 28), None), (date(2027, 3, 1), date(2027, 3, 28), None),
        (date(2027, 3, 29), date(2027, 4, 25), None)]
    assert all(len(p.engineers) == 3 and all(x.proposed for x in p.engineers)
               for p in proposals)


def test_hard_rules_eligible_away_min_gap_once() -> None:
    people = [person("named", ZONES["ber"]), person("no", ZONES["tok"], eligible=False),
              person("away", ZONES["nyc"]), person("recent", ZONES["sfo"]),
              person("free", ZONES["tok"])]
    r = roster([("2026-12-01", "2027-01-20", ["recent"]),
                ("2027-02-01", "2027-02-28", ["named", None, None])], people,
               time_off=(Absence("away", date(2027, 2, 27), date(2027, 3, 2), "the Time off tab"),))
    proposals, findings = propose(r, TODAY, settings(min_gap_days=56))
    assert handles(proposals[0]) == ["named", "free", "TBD"]
    [unfilled] = findings
    assert unfilled.code == "propose-unfilled" and unfilled.row == 3
    assert "no eligible engineer is free 2027-02-01 to 2027-02-28" in unfilled.message
    assert "1 not eligible, 1 away, 1 within min_gap, 2 already on it" in unfilled.message


def test_other_rosters_bookings_count_for_min_gap() -> None:
    people = [person("a", ZONES["ber"]), person("b", ZONES["tok"]), person("c", ZONES["nyc"])]
    r = roster([("2027-02-01", "2027-02-28", ["a", None])], people)
    busy = {"b": [(date(2027, 3, 10), date(2027, 3, 20))]}
    proposals, _ = propose(r, TODAY, settings(min_gap_days=14), busy=busy)
    assert handles(proposals[0]) == ["a", "c"]


def test_fewest_served_then_longest_since_then_never_served_first() -> None:
    people = [person(h, ZONES["ber"]) for h in ("often", "once", "long", "never")]
    past = [("2025-03-01", "2025-03-28", ["long"]), ("2026-03-01", "2026-03-28", ["often"]),
            ("2026-06-01", "2026-06-28", ["once"]), ("2026-09-01", "2026-09-28", ["often"])]
    r = roster([*past, ("2027-02-01", "2027-02-28", [None, None, None])], people)
    served = lived_days(r, date(2025, 1, 1), TODAY - timedelta(days=1))
    proposals, _ = propose(r, TODAY, settings(min_gap_days=0), served=served)
    picks = proposals[0].engineers
    assert [p.handle for p in picks] == ["never", "long", "once"]
    assert [p.reason for p in picks] == ["never served", "last served 2025-03-28",
                                         "last served 2026-06-28"]


def test_timezone_spread_beats_fairness() -> None:
    people = [person("ber1", ZONES["ber"]), person("ber2", ZONES["par"]),
              person("tokyo", ZONES["tok"])]
    r = roster([("2025-06-01", "2025-06-28", ["tokyo"]),
                ("2027-02-01", "2027-02-28", ["ber1", None])], people)
    served = lived_days(r, date(2025, 1, 1), TODAY - timedelta(days=1))
    proposals, _ = propose(r, TODAY, settings(), served=served)
    assert handles(proposals[0]) == ["ber1", "tokyo"]
    assert proposals[0].engineers[1].reason == "adds UTC+09:00, last served 2025-06-28"


def test_a_due_by_comes_first_and_a_missed_one_is_a_warning() -> None:
    people = [person("a", ZONES["ber"]), person("b", ZONES["tok"]),
              person("due", ZONES["nyc"], due_by=date(2027, 3, 31)),
              person("late", ZONES["sfo"], due_by=date(2027, 1, 10))]
    r = roster([("2025-01-01", "2025-01-28", ["due"]),
                ("2027-02-01", "2027-02-28", [None])], people)
    served = lived_days(r, date(2025, 1, 1), TODAY - timedelta(days=1))
    proposals, findings = propose(r, TODAY, settings(), served=served)
    assert handles(proposals[0]) == ["due"]
    assert proposals[0].engineers[0].reason.startswith("due by 2027-03-31")
    assert [(f.code, f.tab, f.column) for f in findings] == [
        ("propose-due-missed", "People", "Due by")]
    assert "@late is due by 2027-01-10" in findings[0].message


def test_max_per_team_is_a_preference() -> None:
    people = [person("a1", ZONES["ber"], team="A"), person("a2", ZONES["tok"], team="a"),
              person("b1", ZONES["tok"], team="B")]
    r = roster([("2026-01-05", "2026-02-01", ["b1"]),
                ("2027-02-01", "2027-02-28", ["a1", None])], people)
    served = lived_days(r, date(2026, 1, 1), TODAY - timedelta(days=1))
    capped, _ = propose(r, TODAY, settings(max_per_team=1), served=served)
    free, _ = propose(r, TODAY, settings(), served=served)
    assert handles(capped[0]) == ["a1", "b1"] and handles(free[0]) == ["a1", "a2"]


def test_the_same_input_gives_byte_identical_output() -> None:
    r = roster([("2027-02-01", "2027-02-28", [None, "p1", None])], world(12))
    first = propose(r, TODAY, settings(until=date(2028, 1, 1)))
    second = propose(r, TODAY, settings(until=date(2028, 1, 1)))
    assert json.dumps([p.as_json() for p in first[0]]) == \
        json.dumps([p.as_json() for p in second[0]])


def test_rank_covers_lists_free_people_fewest_served_first() -> None:
    people = [person("on", ZONES["ber"]), person("busy", ZONES["tok"]),
              person("served", ZONES["nyc"]), person("fresh", ZONES["sfo"]),
              person("away", ZONES["ber"]), person("no", ZONES["ber"], eligible=False)]
    r = roster([("2026-06-01", "2026-06-28", ["served"]),
                ("2027-01-01", "2027-01-28", ["on"])], people)
    served = lived_days(r, date(2026, 1, 1), TODAY - timedelta(days=1))
    ranked = rank_covers(r, date(2027, 1, 10), date(2027, 1, 12), served,
                         [Absence("away", date(2027, 1, 11), date(2027, 1, 11), "HR")],
                         busy={"busy": [(date(2027, 1, 12), date(2027, 1, 20))]}, today=TODAY)
    assert [(x.handle, x.reason) for x in ranked] == [
        ("fresh", "never served"), ("served", "last served 2026-06-28")]
