"""One Google token grant per run: the Sheets source and the Google Calendar share one
credential holding every scope of the run (the request floor)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.config.model import load_config
from sync.run.runner import make_engine
from tests.conftest import Workspace
from tests.helpers import make_clock, people_rows, rotations_rows
from tests.wire.fakes.google import FakeGoogle, make_service_account

SHEET_ID = "1OneTokenSheet"
CALENDAR_ID = "c_one_token@group.calendar.google.com"
CONFIG = """timezone = "America/Los_Angeles"
state_dir = "state"
[source]
kind = "google_sheets"
spreadsheet_id = "{sheet}"
sheets_endpoint = "{base}"
[calendar]
kind = "google"
calendar_id = "{calendar}"
impersonate = "oncall-bot@example.com"
calendar_endpoint = "{base}/calendar/v3/"
"""


def test_a_sync_makes_one_token_grant_for_sheets_and_calendar(
        workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeGoogle() as google:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(make_service_account(google)))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": rotations_rows(),
                                                           "People": people_rows()})
        google.calendar.add_calendar(CALENDAR_ID)
        workspace.config.write_text(CONFIG.format(sheet=SHEET_ID, base=google.base_url,
                                                  calendar=CALENDAR_ID))
        result = make_engine(load_config(workspace.config), make_clock()).run(apply=True)
        assert result.exit_code == 0 and result.targets["calendar"].changes
        # the fake refuses a token without the API's scope, so both reads prove the union
        assert len(google.calls("POST", r"^/token$")) == 1
