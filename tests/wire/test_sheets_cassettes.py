"""Recorded Sheets answers (vcrpy cassettes in tests/wire/cassettes/sheets/) replayed through
SheetsSource, so the wire format we parse is pinned by what Google sent, not by our fake.

Replay (the default, no network): `.venv/bin/pytest tests/wire/test_sheets_cassettes.py`.

Re-record against the real APIs (one line; needs a sheet shared with the service account,
holding tabs `Rotations` and `People` exactly as config/roster/rotations.csv and people.csv,
with Rotations!A2 typed as a real date cell rather than text):

    RECORD=1 SHEET_ID=<spreadsheet id> GOOGLE_APPLICATION_CREDENTIALS=<key.json> .venv/bin/pytest tests/wire/test_sheets_cassettes.py --record-mode=rewrite

Without RECORD=1, `--record-mode=rewrite` records against the fake Google instead. Either way
the Authorization header, the signed JWT assertion and the access token are filtered out, the
real spreadsheet id is replaced by CASSETTE_SHEET_ID, and requests match on method, path and
query only (not host or port), so a cassette replays against any endpoint.
"""  # noqa: E501 (the re-record command is one line, to copy and paste)

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from sync.core.rules.validate import validate
from sync.errors import SourceError
from sync.sources.sheets import SheetsSource
from tests.helpers import make_clock
from tests.wire.fakes.google import FakeGoogle, make_service_account

ROOT = Path(__file__).parent.parent.parent
CASSETTES = Path(__file__).parent / "cassettes" / "sheets"
ROSTER = ROOT / "config" / "roster"
CASSETTE_SHEET_ID = "1RotationSyncCassetteSheet"
MISSING_SHEET_ID = "1RotationSyncNoSuchSpreadsheet"
# Read at import: the autouse fixture in conftest removes the variable before each test.
RECORDING = os.environ.get("RECORD") == "1"
REAL_SHEET_ID = os.environ.get("SHEET_ID", "") if RECORDING else ""
REAL_KEY = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "") if RECORDING else ""


# -- cassette configuration ------------------------------------------------------------

@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    return {"match_on": ("method", "path", "query"),
            "filter_headers": ["authorization"],
            "filter_post_data_parameters": ["assertion"],
            "before_record_request": scrub_request,
            "before_record_response": scrub_response,
            "decode_compressed_response": True}


def scrub_request(request: Any) -> Any:
    """Hide the real spreadsheet id."""
    if REAL_SHEET_ID:
        request.uri = request.uri.replace(REAL_SHEET_ID, CASSETTE_SHEET_ID)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response["body"]["string"]
    text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
    if REAL_SHEET_ID:
        text = text.replace(REAL_SHEET_ID, CASSETTE_SHEET_ID)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and "access_token" in data:
        data.update({key: "REDACTED" for key in ("access_token", "id_token") if key in data})
        text = json.dumps(data)
    response["body"]["string"] = text.encode("utf-8")
    for name in response["headers"]:
        if name.lower() == "content-length":
            response["headers"][name] = [str(len(response["body"]["string"]))]
    return response


# -- where the requests go -------------------------------------------------------------

def csv_rows(name: str) -> list[list[Any]]:
    with (ROSTER / name).open(encoding="utf-8") as handle:
        return [list(row) for row in csv.reader(handle)]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeGoogle]:
    """The Google a recording without RECORD=1 talks to; replays only use its key minting."""
    with FakeGoogle() as google:
        rotations = csv_rows("rotations.csv")
        rotations[1][0] = date.fromisoformat(rotations[1][0])  # a real date cell
        google.sheets.add_spreadsheet(CASSETTE_SHEET_ID, "Escalation roster",
                                      {"Rotations": rotations,
                                       "People": csv_rows("people.csv")})
        yield google


@pytest.fixture
def endpoint(server: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The Sheets root to use, with credentials for it in GOOGLE_APPLICATION_CREDENTIALS."""
    if RECORDING:
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", REAL_KEY)
        return "https://sheets.googleapis.com"
    key = tmp_path / "service-account.json"
    key.write_text(json.dumps(make_service_account(server)))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    return server.base_url


def sheet_id() -> str:
    return REAL_SHEET_ID or CASSETTE_SHEET_ID


def interactions(name: str) -> list[dict[str, Any]]:
    cassette = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
    return list(cassette["interactions"])


# -- replayed through SheetsSource -----------------------------------------------------

@pytest.mark.vcr
def test_read_roster(endpoint, vcr, server):
    raw = SheetsSource(sheet_id(), endpoint=endpoint).read()

    if vcr.write_protected:  # replaying: every answer came from the cassette
        assert vcr.all_played and not server.calls(path_pattern=r"^/v4/")

    roster, findings = validate(raw, make_clock())
    assert roster is not None, [f.message for f in findings if f.severity == "error"]
    starts = [row[0] for row in csv_rows("rotations.csv")[1:]]
    assert [r.start.isoformat() for r in roster.rotations] == starts
    assert isinstance(raw.rotations.rows[1][0], int)  # the date cell came as a serial number


@pytest.mark.vcr
def test_missing_tab(endpoint):
    with pytest.raises(SourceError) as raised:
        SheetsSource(sheet_id(), rotations_tab="Rota", endpoint=endpoint).read()
    assert str(raised.value) == ("The spreadsheet has no tab named 'Rota' (tabs: 'Rotations', "
                                 "'People'); set [source] rotations_tab.")


@pytest.mark.vcr
def test_not_found(endpoint):
    with pytest.raises(SourceError, match=rf"Spreadsheet {MISSING_SHEET_ID} was not found"):
        SheetsSource(MISSING_SHEET_ID, endpoint=endpoint).read()


# -- what the cassettes pin ------------------------------------------------------------

def test_batch_get_wire_format_is_pinned():
    (token, batch_get) = interactions("test_read_roster")
    assert token["request"]["uri"].endswith("/token")
    assert batch_get["request"]["uri"].split("?")[0].endswith(
        f"/v4/spreadsheets/{CASSETTE_SHEET_ID}/values:batchGet")
    body = json.loads(batch_get["response"]["body"]["string"])
    assert body["spreadsheetId"] == CASSETTE_SHEET_ID
    rotations, people = body["valueRanges"]
    assert rotations["range"].startswith("Rotations!") and rotations["majorDimension"] == "ROWS"
    assert rotations["values"][0][:3] == ["Start", "End", "Engineers"]
    assert isinstance(rotations["values"][1][0], int)
    assert people["values"][0][0] == "GitHub"


def test_error_wire_format_is_pinned():
    (_token, missing, metadata) = interactions("test_missing_tab")
    error = json.loads(missing["response"]["body"]["string"])["error"]
    assert missing["response"]["status"]["code"] == error["code"] == 400
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "Unable to parse range: 'Rota'"
    titles = [s["properties"]["title"] for s in
              json.loads(metadata["response"]["body"]["string"])["sheets"]]
    assert titles == ["Rotations", "People"]
    (_token, not_found) = interactions("test_not_found")
    error = json.loads(not_found["response"]["body"]["string"])["error"]
    assert (error["code"], error["status"]) == (404, "NOT_FOUND")


def test_cassettes_hold_no_credentials():
    for cassette in CASSETTES.glob("*.yaml"):
        text = cassette.read_text(encoding="utf-8")
        assert "ya29." not in text and "PRIVATE KEY" not in text, cassette.name
        for interaction in yaml.safe_load(text)["interactions"]:
            request = interaction["request"]
            assert "authorization" not in {k.lower() for k in request["headers"]}
            assert "assertion=ey" not in str(request["body"] or ""), cassette.name
