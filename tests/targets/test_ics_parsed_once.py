"""The .ics file is parsed at most once per run (each of our events parsed once), and not at
all when it is the very file the last run wrote: its events are remembered with the file's
hash. Any other edit is seen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import icalendar
import pytest

from sync.targets.calendar.ics import IcsCalendar
from sync.targets.calendar.model import EventSettings
from tests.helpers import DictMemory, make_clock, make_roster, with_overrides

SETTINGS = EventSettings("Rotation: {engineers}", True, organizer="oncall@example.com")
TODAY = "2022-09-10"
ROTATIONS = [("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
             ("2022-10-10", "2022-11-07", ["tbliu98", None, None])]
MOVED = [ROTATIONS[0], ("2022-10-10", "2022-11-08", ["tbliu98", "kenji-sato", None])]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many events icalendar parsed (the real parser, counted; the backend parses the
    file one event at a time)."""
    count: list[int] = []
    real = icalendar.Event.from_ical

    def counted(*args: Any, **kwargs: Any) -> Any:
        count.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(icalendar.Event, "from_ical", counted)
    yield count


def sync(target: IcsCalendar, rotations: list[tuple[str, str, list[str | None]]]) -> int:
    roster = with_overrides(make_roster(rotations),
                            ("2022-09-12", "2022-09-13", "keegancsmith", "kenji-sato", "x"))
    plan = target.plan(roster, make_clock(TODAY))
    if plan.changes:
        target.apply(plan)
    return len(plan.changes)


def test_a_run_after_our_own_write_parses_nothing_and_sees_what_a_parse_sees(
        tmp_path: Path, parses: list[int]) -> None:
    path, memory = tmp_path / "r.ics", DictMemory()
    assert sync(IcsCalendar(path, SETTINGS, "rotation-sync", memory), ROTATIONS) == 3
    parses.clear()
    remembered = IcsCalendar(path, SETTINGS, "rotation-sync", memory).read()
    assert parses == []
    parsed = IcsCalendar(path, SETTINGS, "rotation-sync").read()  # no memory: a real parse
    assert len(parses) == 3
    assert dict(remembered) == dict(parsed) and len(parsed) == 3
    assert sync(IcsCalendar(path, SETTINGS, "rotation-sync", memory), ROTATIONS) == 0


def test_a_change_parses_the_file_once_for_plan_and_apply(
        tmp_path: Path, parses: list[int]) -> None:
    path = tmp_path / "r.ics"
    sync(IcsCalendar(path, SETTINGS, "rotation-sync"), ROTATIONS)
    parses.clear()
    assert sync(IcsCalendar(path, SETTINGS, "rotation-sync", DictMemory()), MOVED) == 1
    assert len(parses) == 3  # plan parsed the three events; apply parsed none again


def test_a_hand_edit_is_seen_and_repaired(tmp_path: Path, parses: list[int]) -> None:
    path, memory = tmp_path / "r.ics", DictMemory()
    sync(IcsCalendar(path, SETTINGS, "rotation-sync", memory), ROTATIONS)
    path.write_text(path.read_text().replace("Rotation: Keegan", "Edited: Keegan"))
    parses.clear()
    assert sync(IcsCalendar(path, SETTINGS, "rotation-sync", memory), ROTATIONS) == 1
    assert "Edited" not in path.read_text() and len(parses) == 3


def test_an_edit_between_plan_and_apply_is_kept(tmp_path: Path) -> None:
    """apply reads the file again: a foreign event added meanwhile survives."""
    path = tmp_path / "r.ics"
    target = IcsCalendar(path, replace(SETTINGS, attendees=False), "rotation-sync")
    sync(target, ROTATIONS)
    plan = target.plan(make_roster(MOVED), make_clock(TODAY))
    text = path.read_text()
    foreign = ("BEGIN:VEVENT\r\nUID:party@example.com\r\nDTSTART;VALUE=DATE:20221001\r\n"
               "SUMMARY:Party\r\nEND:VEVENT\r\n")
    path.write_text(text.replace("END:VCALENDAR", foreign + "END:VCALENDAR"))
    target.apply(plan)
    assert "UID:party@example.com" in path.read_text()
