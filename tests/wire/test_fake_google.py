"""The Google fake, driven by the real google-auth, gspread and google-api-python-client.

These tests pin the fake's wire behaviour so the sync tests built on it can trust it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import gspread
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request as AuthRequest
from google.oauth2 import service_account
from googleapiclient.errors import HttpError

from tests.helpers import CEILING
from tests.wire.fakes.google import (
    CALENDAR_SCOPE,
    SHEETS_READONLY_SCOPE,
    SHEETS_SCOPE,
    FakeGoogle,
    SheetError,
    calendar_batch,
    calendar_error,
    calendar_service,
    fake_credentials,
    google_error,
    gspread_client,
    make_service_account,
)

SHEET_ID = "1RosterSheetId"
CALENDAR_ID = "oncall@group.calendar.google.com"
ROTATIONS = [
    ["week_start", "primary", "secondary"],
    [date(2025, 1, 6), "alice@example.com", "bob@example.com"],
    [date(2025, 1, 13), "bob@example.com", SheetError("#REF!"), "", ""],
    [],
    [],
]
SYNC_STATUS = [["last_run", "result"], [45663.25, "ok"], [42, True]]


@pytest.fixture
def google(google_server: FakeGoogle) -> Iterator[FakeGoogle]:
    """The module's server, with clean stores and log for each test (keys stay registered)."""
    yield google_server
    google_server.reset()


@pytest.fixture(scope="module")
def sa_info(google_server: FakeGoogle) -> dict[str, str]:
    return make_service_account(google_server)


def credentials(info: dict[str, str], *scopes: str) -> service_account.Credentials:
    return fake_credentials(info, scopes)


def event_body(day: int, **extra: Any) -> dict[str, Any]:
    return {"summary": f"On call {day}", "start": {"date": f"2025-01-{day:02d}"},
            "end": {"date": f"2025-01-{day + 7:02d}"}, **extra}


# -- OAuth ---------------------------------------------------------------------------------

def test_service_account_gets_distinct_tokens_with_scopes_and_subject(google, sa_info):
    plain = credentials(sa_info, CALENDAR_SCOPE)
    plain.refresh(AuthRequest())
    delegated = plain.with_subject("oncall-bot@example.com")
    delegated.refresh(AuthRequest())

    assert plain.token != delegated.token
    first, second = google.oauth.tokens[plain.token], google.oauth.tokens[delegated.token]
    assert first.client_email == "rotation-sync@test-project.iam.gserviceaccount.com"
    assert first.scopes == {CALENDAR_SCOPE} and first.subject is None
    assert second.subject == "oncall-bot@example.com"
    assert len(google.calls("POST", r"^/token$")) == 2


BOUNDARY_SWITCH = "GOOGLE_SDK_EXPERIMENTAL_PYTHON_REGIONAL_ACCESS_BOUNDARY_LOOKUP_ENABLED"


@pytest.fixture
def outside_lookups(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], threading.Event]:
    """Record (and refuse) every name lookup that is not the loopback, from any thread."""
    hosts: list[str] = []
    seen = threading.Event()
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1"):
            hosts.append(str(host))
            seen.set()
            raise socket.gaierror(f"{host}: the tests reach only the loopback")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return hosts, seen


def _token_and_request(sa_info: dict[str, Any]) -> None:
    creds = service_account.Credentials.from_service_account_info(sa_info, scopes=[SHEETS_SCOPE])
    creds.refresh(AuthRequest())
    creds.before_request(AuthRequest(), "GET", "https://sheets.googleapis.com/v4/x", {})


def test_no_boundary_lookup_leaves_the_loopback_by_default(google, sa_info, outside_lookups):
    """With google-auth's public switch unset (the default), a token costs no extra request."""
    hosts, _ = outside_lookups
    _token_and_request(sa_info)
    assert [r.path for r in google.calls()] == ["/token"]
    assert hosts == []


def test_the_boundary_switch_turns_on_one_outside_lookup(google, sa_info, outside_lookups,
                                                          monkeypatch):
    """What production does when an operator sets the switch: one iamcredentials lookup."""
    hosts, seen = outside_lookups
    monkeypatch.setenv(BOUNDARY_SWITCH, "true")
    _token_and_request(sa_info)
    assert seen.wait(timeout=CEILING), "the lookup thread never started"
    assert hosts[0].startswith("iamcredentials.")


def test_unknown_key_is_an_invalid_jwt_signature(google, sa_info):
    stranger = make_service_account(google, register=False)
    with pytest.raises(RefreshError, match=r"invalid_grant: Invalid JWT Signature\."):
        credentials(stranger, SHEETS_SCOPE).refresh(AuthRequest())


def test_api_calls_need_a_known_bearer_token(google):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": ROTATIONS})
    url = f"{google.base_url}/v4/spreadsheets/{SHEET_ID}"

    missing = requests.get(url, timeout=CEILING)
    bogus = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=CEILING)

    assert missing.status_code == bogus.status_code == 401
    assert bogus.json()["error"]["status"] == "UNAUTHENTICATED"
    google.anonymous = True
    try:
        assert requests.get(url, timeout=CEILING).json()["properties"]["title"] == "Roster"
    finally:
        google.anonymous = False


# -- Sheets --------------------------------------------------------------------------------

def test_gspread_reads_both_tabs_in_one_batch_get(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster",
                                  {"Rotations": ROTATIONS, "Sync status": SYNC_STATUS},
                                  shared_with=[sa_info["client_email"]])
    gc = gspread_client(google, credentials(sa_info, SHEETS_READONLY_SCOPE))

    spreadsheet = gc.open_by_key(SHEET_ID)
    result = spreadsheet.values_batch_get(
        ["Rotations", "'Sync status'"],
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"})

    assert [ws.title for ws in spreadsheet.worksheets()] == ["Rotations", "Sync status"]
    rotations, status = result["valueRanges"]
    assert rotations["range"] == "Rotations!A1:Z1000"
    assert rotations["values"] == [
        ["week_start", "primary", "secondary"],
        [45663, "alice@example.com", "bob@example.com"],
        [45670, "bob@example.com", "#REF!"],
    ]
    assert status["range"] == "'Sync status'!A1:Z1000"
    assert status["values"] == [["last_run", "result"], [45663.25, "ok"], [42, True]]
    assert len(google.calls("GET", r"/values:batchGet$")) == 1
    assert google.calls("GET", r"/values:batchGet$")[0].headers["authorization"].startswith(
        "Bearer ya29.")


def test_formatted_values_and_ranges(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": ROTATIONS})
    ws = gspread_client(google, credentials(sa_info, SHEETS_SCOPE)).open_by_key(SHEET_ID).sheet1

    assert ws.get_all_values()[1] == ["1/6/2025", "alice@example.com", "bob@example.com"]
    assert ws.get("B2:C3") == [["alice@example.com", "bob@example.com"],
                               ["bob@example.com", "#REF!"]]
    empty = ws.spreadsheet.values_get("Rotations!A10:B12")
    assert empty == {"range": "Rotations!A10:B12", "majorDimension": "ROWS"}


def test_sheet_errors_have_googles_shape(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": ROTATIONS},
                                  shared_with=["someone-else@example.com"])
    google.sheets.add_spreadsheet("open", "Open", {"Rotations": ROTATIONS})
    gc = gspread_client(google, credentials(sa_info, SHEETS_READONLY_SCOPE))

    with pytest.raises(PermissionError) as denied:  # gspread turns 403 into PermissionError
        gc.open_by_key(SHEET_ID)
    api_error = denied.value.__cause__
    assert isinstance(api_error, gspread.exceptions.APIError)
    assert api_error.code == 403
    assert api_error.error["status"] == "PERMISSION_DENIED"
    assert api_error.error["message"] == "The caller does not have permission"
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("missing")
    with pytest.raises(gspread.exceptions.APIError) as bad_range:
        gc.open_by_key("open").values_batch_get(["'Nope'"])
    assert bad_range.value.code == 400
    assert bad_range.value.error["message"] == "Unable to parse range: 'Nope'"


def test_writes_need_the_full_sheets_scope(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": ROTATIONS})
    readonly = gspread_client(google, credentials(sa_info, SHEETS_READONLY_SCOPE))
    with pytest.raises(gspread.exceptions.APIError) as denied:
        readonly.open_by_key(SHEET_ID).sheet1.update([["x"]], "A1")
    assert denied.value.code == 403
    assert denied.value.error["message"] == "Request had insufficient authentication scopes."

    spreadsheet = gspread_client(google, credentials(sa_info, SHEETS_SCOPE)).open_by_key(SHEET_ID)
    status = spreadsheet.add_worksheet("Sync status", rows=50, cols=5)
    status.update([["last_run", "result"], ["2025-01-06", "ok"]], "A1",
                  value_input_option=gspread.utils.ValueInputOption.user_entered)
    assert google.sheets.values(SHEET_ID, "Sync status") == [["last_run", "result"],
                                                             [date(2025, 1, 6), "ok"]]
    status.clear()
    assert google.sheets.values(SHEET_ID, "Sync status") == []
    assert status.get_all_values() == [[]]  # gspread's own default when "values" is absent


def test_scripted_429_reaches_gspread_as_api_error(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {"Rotations": ROTATIONS})
    spreadsheet = gspread_client(google, credentials(sa_info, SHEETS_SCOPE)).open_by_key(SHEET_ID)
    google.fail(r"/values:batchGet$", google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.",
                                                   reason="rateLimitExceeded", retry_after=7))

    with pytest.raises(gspread.exceptions.APIError) as limited:
        spreadsheet.values_batch_get(["Rotations"])
    assert limited.value.code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert spreadsheet.values_batch_get(["Rotations"])["valueRanges"][0]["values"]


# -- Calendar ------------------------------------------------------------------------------

@pytest.fixture
def calendar(google, sa_info):
    google.calendar.add_calendar(CALENDAR_ID, time_zone="Europe/Berlin")
    return calendar_service(google, credentials(sa_info, CALENDAR_SCOPE)).events()


def test_list_pages_through_tiny_pages(google, calendar):
    google.calendar.page_size = 2
    for day in (6, 7, 8, 9, 10):
        google.calendar.add_foreign_event(CALENDAR_ID, event_body(day))

    seen, token, pages = [], None, 0
    while True:
        page = calendar.list(calendarId=CALENDAR_ID, maxResults=250, pageToken=token).execute()
        pages += 1
        seen += [item["summary"] for item in page["items"]]
        token = page.get("nextPageToken")
        if token is None:
            assert "nextSyncToken" in page
            break
    assert pages == 3
    assert seen == [f"On call {d}" for d in (6, 7, 8, 9, 10)]
    assert page["kind"] == "calendar#events" and page["timeZone"] == "Europe/Berlin"


def test_insert_delete_and_restore_by_id(google, calendar):
    created = calendar.insert(calendarId=CALENDAR_ID, sendUpdates="none",
                              body=event_body(6, id="oncall20250106")).execute()
    assert created["status"] == "confirmed"
    assert created["iCalUID"] == "oncall20250106@google.com"
    assert created["etag"] and created["htmlLink"] and created["creator"]["email"]

    with pytest.raises(HttpError) as duplicate:
        calendar.insert(calendarId=CALENDAR_ID, body=event_body(6, id="oncall20250106")).execute()
    assert duplicate.value.status_code == 409
    assert duplicate.value.error_details[0]["reason"] == "duplicate"
    with pytest.raises(HttpError) as invalid:
        calendar.insert(calendarId=CALENDAR_ID, body=event_body(6, id="Not_Base32")).execute()
    assert invalid.value.status_code == 400 and "Invalid resource id value." in str(invalid.value)

    assert calendar.delete(calendarId=CALENDAR_ID, eventId="oncall20250106").execute() == ""
    gone = calendar.get(calendarId=CALENDAR_ID, eventId="oncall20250106").execute()
    assert gone["status"] == "cancelled"
    assert calendar.list(calendarId=CALENDAR_ID).execute()["items"] == []
    listed = calendar.list(calendarId=CALENDAR_ID, showDeleted=True).execute()["items"]
    assert [e["id"] for e in listed] == ["oncall20250106"]
    with pytest.raises(HttpError) as again:
        calendar.delete(calendarId=CALENDAR_ID, eventId="oncall20250106").execute()
    assert again.value.status_code == 410
    with pytest.raises(HttpError) as reuse:  # a deleted id is still taken
        calendar.insert(calendarId=CALENDAR_ID, body=event_body(6, id="oncall20250106")).execute()
    assert reuse.value.status_code == 409

    restored = calendar.patch(calendarId=CALENDAR_ID, eventId="oncall20250106",
                              body={"status": "confirmed", "summary": "Back"}).execute()
    assert restored["status"] == "confirmed" and restored["summary"] == "Back"
    assert restored["start"] == {"date": "2025-01-06"}
    assert google.writes()[0].query.get("sendUpdates") == ["none"]  # token grants left out


def test_private_extended_property_filter_is_an_and(google, calendar):
    def tagged(day: int, team: str) -> dict[str, Any]:
        props = {"private": {"managedBy": "rotation-sync", "team": team}}
        return event_body(day, extendedProperties=props)

    calendar.insert(calendarId=CALENDAR_ID, body=tagged(6, "sre")).execute()
    calendar.insert(calendarId=CALENDAR_ID, body=tagged(13, "db")).execute()
    google.calendar.add_foreign_event(CALENDAR_ID, event_body(20))

    mine = calendar.list(calendarId=CALENDAR_ID,
                         privateExtendedProperty="managedBy=rotation-sync").execute()["items"]
    sre = calendar.list(calendarId=CALENDAR_ID, privateExtendedProperty=[
        "managedBy=rotation-sync", "team=sre"]).execute()["items"]
    assert len(mine) == 2
    assert [e["summary"] for e in sre] == ["On call 6"]
    assert google.calls("GET", "/events$")[-1].query["privateExtendedProperty"] == [
        "managedBy=rotation-sync", "team=sre"]

    patched = calendar.patch(calendarId=CALENDAR_ID, eventId=sre[0]["id"], body={
        "extendedProperties": {"private": {"team": None, "week": "2"}}}).execute()
    assert patched["extendedProperties"]["private"] == {"managedBy": "rotation-sync", "week": "2"}


def test_batch_of_inserts_with_one_scripted_429(google, calendar):
    google.fail_if(lambda r: r.method == "POST" and r.json().get("id") == "oncall00002",
                   calendar_error(429, "rateLimitExceeded", "Rate Limit Exceeded",
                                  domain="usageLimits"))
    results: dict[str, Any] = {}

    def callback(request_id: str, response: Any, exception: HttpError | None) -> None:
        results[request_id] = exception or response

    batch = calendar_batch(google, callback)
    for n in (1, 2, 3):
        batch.add(calendar.insert(calendarId=CALENDAR_ID, body=event_body(5 + n,
                                                                          id=f"oncall0000{n}")),
                  request_id=f"item-{n}")
    batch.execute()

    assert results["item-1"]["id"] == "oncall00001"
    assert isinstance(results["item-2"], HttpError)
    assert results["item-2"].status_code == 429
    assert results["item-2"].error_details[0]["reason"] == "rateLimitExceeded"
    assert results["item-3"]["status"] == "confirmed"
    assert len(google.calls("POST", r"^/batch/calendar/v3$")) == 1
    assert len(google.inner_requests) == 3
    assert all(r.batch_part for r in google.inner_requests)
    assert len(google.logical_writes()) == 3
    assert {e["id"] for e in google.calendar.events(CALENDAR_ID)} == {"oncall00001",
                                                                      "oncall00003"}


def test_batch_parts_obey_path_faults(google, calendar):
    calendar.insert(calendarId=CALENDAR_ID, body=event_body(6, id="oncall00001")).execute()
    google.fail(r"/events/oncall00001$", google_error(503), method="PATCH")
    outcomes: list[Any] = []
    batch = calendar_batch(google, lambda _id, resp, exc: outcomes.append(exc or resp))
    batch.add(calendar.patch(calendarId=CALENDAR_ID, eventId="oncall00001", body={"summary": "x"}))
    batch.add(calendar.delete(calendarId=CALENDAR_ID, eventId="nosuchevent"))
    batch.execute()
    assert [getattr(o, "status_code", None) for o in outcomes] == [503, 404]


def test_attendees_need_domain_wide_delegation(google, sa_info):
    google.calendar.add_calendar(CALENDAR_ID)
    body = event_body(6, attendees=[{"email": "alice@example.com"}])
    plain = calendar_service(google, credentials(sa_info, CALENDAR_SCOPE)).events()
    with pytest.raises(HttpError) as refused:
        plain.insert(calendarId=CALENDAR_ID, body=body).execute()
    assert refused.value.status_code == 403
    assert refused.value.error_details[0]["reason"] == "forbiddenForServiceAccounts"
    assert refused.value.reason == ("Service accounts cannot invite attendees without "
                                    "Domain-Wide Delegation of Authority.")

    delegated = credentials(sa_info, CALENDAR_SCOPE).with_subject("oncall-bot@example.com")
    events = calendar_service(google, delegated).events()
    created = events.insert(calendarId=CALENDAR_ID, body=body).execute()
    assert created["attendees"] == [{"email": "alice@example.com"}]
    assert created["creator"]["email"] == "oncall-bot@example.com"


def test_unknown_calendar_is_not_found(google, calendar):
    with pytest.raises(HttpError) as missing:
        calendar.list(calendarId="nobody@example.com").execute()
    assert missing.value.status_code == 404
    assert missing.value.error_details == [
        {"domain": "global", "reason": "notFound", "message": "Not Found"}]
