"""`rotation-sync who` on the sample roster (config/example.toml and its CSV roster)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sync.cli.commands import app
from tests.conftest import ROOT


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    return tmp_path / "config" / "example.toml"


def who(config: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["who", "-c", str(config), "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def handles(shift: dict[str, Any]) -> list[str]:
    return [engineer["github"] for engineer in shift["engineers"]]


def test_who_is_on_now_until_when_and_the_next_handoffs(sample: Path) -> None:
    code, answer = who(sample, "--today", "2026-11-20")
    assert code == 0
    assert handles(answer["on_call"]) == ["amara-okafor", "kenji-sato", "sven-larsen"]
    assert answer["on_call"]["rotation"] == {"start": "2026-10-19", "end": "2026-11-22"}
    assert answer["on_call"]["until"] == "2026-11-23T09:00:00-08:00"
    # The sample's Overrides row (amara-okafor covers diego-ramos 2026-12-07 to 12-11) makes its
    # start and the day after its end handoff moments too.
    assert [h["at"] for h in answer["handoffs"]] == [
        "2026-11-23T09:00:00-08:00", "2026-12-07T09:00:00-08:00", "2026-12-12T09:00:00-08:00"]
    assert handles(answer["handoffs"][0]) == ["priya-nair", "diego-ramos", "keegancsmith"]
    assert answer["handoffs"][0]["until"] == "2026-12-07T09:00:00-08:00"
    assert handles(answer["handoffs"][1]) == ["priya-nair", "amara-okafor", "keegancsmith"]
    assert handles(answer["handoffs"][2]) == ["priya-nair", "diego-ramos", "keegancsmith"]
    assert answer["handoffs"][2]["until"] == "2026-12-28T09:00:00-08:00"


def test_each_engineer_is_told_the_handoff_in_their_own_time(sample: Path) -> None:
    _, answer = who(sample, "--today", "2026-11-20")
    assert [(e["github"], e["until_local"]) for e in answer["on_call"]["engineers"]] == [
        ("amara-okafor", "2026-11-23T17:00:00+00:00"), ("kenji-sato", "2026-11-24T02:00:00+09:00"),
        ("sven-larsen", "2026-11-23T12:00:00-05:00")]
    keegan = answer["handoffs"][0]["engineers"][2]
    assert keegan["at_local"] == "2026-11-23T19:00:00+02:00"  # Africa/Johannesburg


def test_weeks_widens_the_window(sample: Path) -> None:
    _, answer = who(sample, "--today", "2026-11-20", "--weeks", "6")
    assert [h["rotation"]["start"] for h in answer["handoffs"]] == [
        "2026-11-23", "2026-11-23", "2026-11-23", "2026-12-28"]  # two are the override's
    assert answer["weeks"] == 6


def test_before_the_handoff_the_old_rotation_is_still_on(sample: Path) -> None:
    """--today D is just after D's handoff; the day before, the previous rotation holds."""
    _, on_start = who(sample, "--today", "2026-11-23")
    _, day_before = who(sample, "--today", "2026-11-22")
    assert on_start["on_call"]["rotation"]["start"] == "2026-11-23"
    assert day_before["on_call"]["rotation"]["start"] == "2026-10-19"


def test_in_a_gap_nobody_is_on_and_the_next_rotation_is_named(sample: Path) -> None:
    _, answer = who(sample, "--today", "2023-01-01")
    assert answer["on_call"]["rotation"] is None and answer["on_call"]["engineers"] == []
    assert answer["on_call"]["until"] == "2026-10-19T09:00:00-07:00"
    assert answer["handoffs"] == []


def test_human_text(sample: Path) -> None:
    result = CliRunner().invoke(app, ["who", "-c", str(sample), "--today", "2026-11-20"])
    assert result.exit_code == 0
    assert "On rotation now (2026-11-20 09:00 PST): Amara Okafor (@amara-okafor)" in \
        result.output
    assert ("Until 2026-11-23 09:00 PST (Mon 17:00 Europe/London for @amara-okafor, Tue 02:00 "
            "Asia/Tokyo for @kenji-sato, Mon 12:00 America/New_York for @sven-larsen) (rotation "
            "2026-10-19 to 2026-11-22)") in result.output
    assert "Priya Nair (@priya-nair)" in result.output


def add_row(sample: Path, tab: str, line: str) -> None:
    path = sample.parent / "roster" / f"{tab}.csv"
    path.write_text(path.read_text() + line + "\n")


def test_a_bad_future_row_still_answers_today_with_the_findings(sample: Path) -> None:
    add_row(sample, "rotations", "2027-05-01,2027-04-01,amara-okafor")
    add_row(sample, "rotations", "2027-06-01,someday,amara-okafor")
    code, answer = who(sample, "--today", "2026-11-20")
    assert code == 0, answer
    assert answer["command"] == "who"
    assert handles(answer["on_call"]) == ["amara-okafor", "kenji-sato", "sven-larsen"]
    assert {f["code"] for f in answer["findings"]} >= {"end-before-start", "bad-date"}
    result = CliRunner().invoke(app, ["who", "-c", str(sample), "--today", "2026-11-20"])
    assert "this answer comes from the rows without errors" in result.output
    assert "Rotations row 10: End 2027-04-01 is before Start 2027-05-01." in result.output


def test_an_error_on_todays_row_is_exit_1_saying_why(sample: Path) -> None:
    rotations = sample.parent / "roster" / "rotations.csv"
    rotations.write_text(rotations.read_text().replace("amara-okafor, kenji-sato",
                                                       "amara-okafor, kenji-sat0"))
    code, answer = who(sample, "--today", "2026-11-20")
    assert code == 1 and answer["command"] == "who"
    assert any(f["code"] == "unknown-handle" for f in answer["findings"])
    result = CliRunner().invoke(app, ["who", "-c", str(sample), "--today", "2026-11-20"])
    assert "cannot be answered: Rotations row 5, which holds today, has an error" in \
        result.output


def test_unreadable_dates_may_hold_today_when_no_valid_row_does(sample: Path) -> None:
    add_row(sample, "rotations", "2023-01-01?,2023-01-31,amara-okafor")
    assert who(sample, "--today", "2026-11-20")[0] == 0, "a valid row holds today"
    code, _ = who(sample, "--today", "2023-01-10")
    assert code == 1, "in the gap, the unreadable row might hold today"


def test_an_overrides_error_touching_today_is_exit_1_a_later_one_is_not(sample: Path) -> None:
    add_row(sample, "overrides", "2027-01-04,2027-01-05,nobody-at-all,,")
    assert who(sample, "--today", "2026-11-20")[0] == 0
    add_row(sample, "overrides", "2026-11-19,2026-11-21,nobody-at-all,,")
    assert who(sample, "--today", "2026-11-20")[0] == 1


def test_weeks_must_be_sensible(sample: Path) -> None:
    result = CliRunner().invoke(app, ["who", "-c", str(sample), "--weeks", "0"])
    assert result.exit_code == 2
