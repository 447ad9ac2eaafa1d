"""Who is told what when the roster moves their shift."""

from __future__ import annotations

from sync.core.messages.notices import notices, snapshot
from tests.helpers import make_roster

BEFORE = [
    ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
    ("2022-10-10", "2022-11-07", ["tbliu98", None, None]),
]


def told(after: list, today: str = "2022-09-10") -> dict[str, list[str]]:
    from datetime import date

    result: dict[str, list[str]] = {}
    for notice in notices(snapshot(make_roster(BEFORE)), make_roster(after),
                          date.fromisoformat(today)):
        result.setdefault(notice.person.github, []).append(notice.text)
    return result


def test_nothing_changed_nobody_is_told() -> None:
    assert told(BEFORE) == {}


def test_added_engineer_is_told_with_whom() -> None:
    after = [BEFORE[0], ("2022-10-10", "2022-11-07", ["tbliu98", "kenji-sato", "priya-nair"])]
    assert told(after) == {
        "kenji-sato": ["You were added to the escalation engineer rotation 2022-10-10 to "
                       "2022-11-07 with @tbliu98 and @priya-nair. It begins Mon 2022-10-10 "
                       "09:00 America/Los_Angeles (Tue 2022-10-11 01:00 Asia/Tokyo) and ends "
                       "Tue 2022-11-08 09:00 America/Los_Angeles (Wed 2022-11-09 02:00 "
                       "Asia/Tokyo)."],
        "priya-nair": ["You were added to the escalation engineer rotation 2022-10-10 to "
                       "2022-11-07 with @tbliu98 and @kenji-sato. It begins Mon 2022-10-10 "
                       "09:00 America/Los_Angeles (Mon 2022-10-10 21:30 Asia/Kolkata) and ends "
                       "Tue 2022-11-08 09:00 America/Los_Angeles (Tue 2022-11-08 22:30 "
                       "Asia/Kolkata)."],
    }


def test_removed_engineer_is_told() -> None:
    after = [("2022-09-07", "2022-10-09", ["keegancsmith"]), BEFORE[1]]
    assert told(after) == {"valerybugakov": [
        "You were removed from the escalation engineer rotation 2022-09-07 to 2022-10-09."]}


def test_moved_dates_are_one_notice_per_engineer() -> None:
    after = [("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
             ("2022-10-17", "2022-11-14", ["tbliu98", None, None])]
    assert told(after) == {"tbliu98": [
        "Your escalation engineer rotation 2022-10-10 to 2022-11-07 moved: it now runs "
        "2022-10-17 to 2022-11-14. It begins Mon 2022-10-17 09:00 America/Los_Angeles and "
        "ends Tue 2022-11-15 09:00 America/Los_Angeles."]}  # their own zone is the roster's


def test_rotations_that_ended_are_not_news() -> None:
    after = [("2022-09-07", "2022-10-09", ["keegancsmith"]), BEFORE[1]]
    assert told(after, today="2022-10-20") == {}
