"""A generated fleet of N rosters on Google Sheets (the fake), for the tests and the bench.

Roster i reads spreadsheet `sheet-i`; its People tab holds 4 people of a pool of 4 * N
(1,000 for 250 rosters) and its Rotations tab four 4-week rotations of 3 of them, the
second running today. Targets are local (ICS file, Slack group file), or the fake Slack.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.wire.fakes.drive import FakeDrive
from tests.wire.fakes.google import make_service_account

PEOPLE_PER_ROSTER = 4
CONFIG = """timezone = "UTC"
handoff_time = "09:00"
state_dir = "state/{name}"

[source]
kind = "google_sheets"
spreadsheet_id = "{sheet}"
sheets_endpoint = "{base}"

[calendar]
kind = "ics"
path = "out/{name}/rotations.ics"

{slack}
"""
FILE_SLACK = """[slack]
kind = "file"
path = "out/{name}/group.json"
usergroup = "{name}"
"""
REAL_SLACK = """[slack]
kind = "slack"
api_url = "{api_url}"
usergroup = "{name}"
"""


def handle(number: int) -> str:
    return f"eng-{number:04d}"


def sheet_id(index: int) -> str:
    return f"sheet-{index:04d}"


def roster_name(index: int) -> str:
    return f"r{index:04d}"


def rotations_rows(index: int) -> list[list[str]]:
    first = datetime.now(UTC).date() - timedelta(days=30)
    team = [handle(index * PEOPLE_PER_ROSTER + k) for k in range(PEOPLE_PER_ROSTER)]
    rows = [["Start", "End", "Engineers"]]
    for week in range(4):
        start = first + timedelta(days=28 * week)
        three = [team[(week + k) % PEOPLE_PER_ROSTER] for k in range(3)]
        rows.append([start.isoformat(), (start + timedelta(days=27)).isoformat(),
                     ", ".join(three)])
    return rows


def people_rows(index: int) -> list[list[str]]:
    zones = ("Europe/Berlin", "Asia/Tokyo", "America/Chicago", "Africa/Lagos")
    rows = [["GitHub", "Name", "Email", "Timezone"]]
    for k in range(PEOPLE_PER_ROSTER):
        number = index * PEOPLE_PER_ROSTER + k
        rows.append([handle(number), f"Engineer {number}", f"eng{number}@example.com",
                     zones[k]])
    return rows


def build_fleet(folder: Path, google: FakeDrive, count: int, slack_url: str | None = None,
                fleet_table: str = "") -> Path:
    """Write the fleet file, one config per roster, and the spreadsheets on the fake;
    GOOGLE_APPLICATION_CREDENTIALS must then name `folder / "service-account.json"`."""
    key = folder / "service-account.json"
    if not key.exists():
        key.write_text(json.dumps(make_service_account(google)))
    entries = [fleet_table]
    for index in range(count):
        name = roster_name(index)
        google.sheets.add_spreadsheet(sheet_id(index), name,
                                      {"Rotations": rotations_rows(index),
                                       "People": people_rows(index)})
        slack = REAL_SLACK.format(api_url=slack_url, name=name) if slack_url else \
            FILE_SLACK.format(name=name)
        (folder / f"{name}.toml").write_text(CONFIG.format(
            name=name, sheet=sheet_id(index), base=google.base_url, slack=slack))
        entries.append(f'[[roster]]\nname = "{name}"\nconfig = "{name}.toml"\n')
    fleet = folder / "fleet.toml"
    fleet.write_text("\n".join(entries))
    return fleet
