"""The fleet file on the local example: every command per roster, one document, isolation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sync.cli.commands import app

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-12-07"


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """A copy of config/ (the example fleet of two rosters sharing people)."""
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder, ignore=shutil.ignore_patterns("state", "out"))
    return folder / "fleet.toml"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = run(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def codes(document: dict[str, Any]) -> set[str]:
    return {finding["code"] for finding in document["findings"]}


def test_sync_runs_every_roster_into_one_document(fleet: Path) -> None:
    code, document = run_json("sync", "-c", str(fleet), "--today", TODAY)
    assert code == 0 and document["exit_code"] == 0
    assert set(document["rosters"]) == {"escalation", "platform"}
    for name, roster in document["rosters"].items():
        assert roster["command"] == "sync", name
        assert roster["targets"]["calendar"]["status"] == "ok"
    assert (fleet.parent / "out/rotations.ics").exists()
    assert (fleet.parent / "out/platform/rotations.ics").exists()
    again = run_json("sync", "-c", str(fleet), "--today", TODAY)[1]
    assert all(not t["changes"] for r in again["rosters"].values()
               for t in r["targets"].values())


def test_a_person_on_two_rosters_at_once_is_double_booked_in_both(fleet: Path) -> None:
    document = run_json("validate", "-c", str(fleet), "--today", TODAY)[1]
    warnings = {name: [f for f in roster["findings"] if f["code"] == "double-booked"]
                for name, roster in document["rosters"].items()}
    [escalation], [platform] = warnings["escalation"], warnings["platform"]
    assert escalation["row"] == 7 and platform["row"] == 4
    assert "kenji-sato" in escalation["message"]
    assert "roster platform (Rotations row 4)" in escalation["message"]
    assert "roster escalation (Rotations row 7)" in platform["message"]
    assert "2026-12-28 to 2027-01-24" in platform["message"]


def test_a_cover_takes_the_booking_of_the_engineer_who_is_away(fleet: Path) -> None:
    overrides = fleet.parent / "roster/overrides.csv"
    overrides.write_text(overrides.read_text() + "2027-01-04,2027-01-31,kenji-sato,sven-larsen,\n")
    document = run_json("validate", "-c", str(fleet), "--today", TODAY)[1]
    [warning] = [f for f in document["rosters"]["platform"]["findings"]
                 if f["code"] == "double-booked"]
    assert "on 2026-12-28 to 2027-01-03 (7 days)" in warning["message"]


def test_one_roster_for_roster_name(fleet: Path) -> None:
    code, document = run_json("validate", "-c", str(fleet), "--today", TODAY,
                              "--roster", "platform")
    assert code == 0 and list(document["rosters"]) == ["platform"]
    assert "double-booked" in codes(document["rosters"]["platform"])


def test_an_unknown_roster_name_is_exit_2_naming_the_fleet_file(fleet: Path) -> None:
    code, document = run_json("validate", "-c", str(fleet), "--roster", "payments")
    assert code == 2 and "payments" in document["error"] and "fleet.toml" in document["error"]


def test_roster_option_with_an_ordinary_config_is_exit_2(fleet: Path) -> None:
    code, document = run_json("validate", "-c", str(fleet.parent / "example.toml"),
                              "--roster", "platform")
    assert code == 2 and "fleet file" in document["error"]


def test_an_invalid_roster_never_stops_the_other(fleet: Path) -> None:
    (fleet.parent / "platform/rotations.csv").write_text(
        "Start,End,Engineers\n2026-12-28,2026-12-01,kenji-sato\n")
    code, document = run_json("sync", "-c", str(fleet), "--today", TODAY)
    assert code == 1 == document["exit_code"]
    assert document["rosters"]["platform"]["exit_code"] == 1
    assert "end-before-start" in codes(document["rosters"]["platform"])
    assert not (fleet.parent / "out/platform").exists()  # nothing written for it
    assert document["rosters"]["escalation"]["exit_code"] == 0
    assert (fleet.parent / "out/rotations.ics").exists()
    assert "double-booked" not in codes(document["rosters"]["escalation"])


def test_a_missing_roster_config_is_that_rosters_exit_2(fleet: Path) -> None:
    fleet.write_text(fleet.read_text().replace('"platform.toml"', '"payments.toml"'))
    code, document = run_json("sync", "-c", str(fleet), "--today", TODAY)
    assert code == 2
    error = document["rosters"]["platform"]["error"]
    assert "fleet.toml" in error and "roster[2].config" in error and "payments.toml" in error
    assert document["rosters"]["escalation"]["exit_code"] == 0


def test_a_fleet_nested_in_a_fleet_is_refused_naming_file_and_key(fleet: Path) -> None:
    (fleet.parent / "inner.toml").write_text('[[roster]]\nname = "x"\nconfig = "example.toml"\n')
    fleet.write_text(fleet.read_text().replace('"platform.toml"', '"inner.toml"'))
    code, document = run_json("validate", "-c", str(fleet), "--today", TODAY)
    assert code == 2
    assert "roster[2].config" in document["rosters"]["platform"]["error"]
    assert "itself a fleet file" in document["rosters"]["platform"]["error"]


def test_an_invalid_roster_config_names_its_key(fleet: Path) -> None:
    platform = fleet.parent / "platform.toml"
    platform.write_text(platform.read_text().replace('timezone = "Europe/Berlin"',
                                                     'timezone = "Mars/Olympus"'))
    code, document = run_json("validate", "-c", str(fleet), "--today", TODAY)
    assert code == 2 and "timezone" in document["rosters"]["platform"]["error"]
    assert document["rosters"]["escalation"]["exit_code"] == 0


@pytest.mark.parametrize(("fleet_text", "needle"), [
    ('[[roster]]\nname = "a"\nconfig = "example.toml"\n'
     '[[roster]]\nname = "a"\nconfig = "platform.toml"\n', "roster[2].name = 'a'"),
    ('[[roster]]\nname = "a"\n', "roster[1].config"),
    ('[fleet]\nstate_url = "postgresql://u:pw@db/x"\n[[roster]]\nname = "a"\n'
     'config = "example.toml"\n', "fleet.state_url"),
    ('[[roster]]\nname = "Payments Team"\nconfig = "example.toml"\n', "roster[1].name"),
    ('[fleet]\nstate_dir = "x"\n[[roster]]\nname = "a"\nconfig = "example.toml"\n',
     "fleet.state_dir"),
])
def test_a_bad_fleet_file_is_exit_2_naming_file_and_key(fleet: Path, fleet_text: str,
                                                        needle: str) -> None:
    fleet.write_text(fleet_text)
    code, document = run_json("sync", "-c", str(fleet), "--today", TODAY)
    assert code == 2 and needle in document["error"] and "fleet.toml" in document["error"]
    assert not (fleet.parent / "out").exists()


def test_status_per_roster_from_each_rosters_own_history(fleet: Path) -> None:
    run("sync", "-c", str(fleet), "--today", TODAY, "--roster", "platform")
    document = run_json("status", "-c", str(fleet))[1]
    assert len(document["rosters"]["platform"]["runs"]) == 1
    assert document["rosters"]["escalation"]["runs"] == []


def test_human_output_heads_each_roster(fleet: Path) -> None:
    result = run("validate", "-c", str(fleet), "--today", TODAY)
    assert "== Roster escalation" in result.stdout and "== Roster platform" in result.stdout
    assert "--roster" in run("plan", "--help").stdout
