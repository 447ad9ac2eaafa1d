"""The Google fake's newer routes, driven by the real google-auth, googleapiclient and gspread.

Users' primary calendars with out-of-office events, read through domain-wide delegation
(and refused when delegation is not granted); Sheets batchGet of four tabs, cell notes and
protected ranges; and the loopback HR time-off feed (tests/wire/fakes/feed.py). These pin the
fakes' wire behaviour so feature tests can trust them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import gspread
import icalendar
import pytest
import requests
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from tests.helpers import CEILING
from tests.wire.fakes.feed import FakeFeed, FeedEvent, ics_feed
from tests.wire.fakes.google import (
    CALENDAR_EVENTS_READONLY_SCOPE,
    CALENDAR_SCOPE,
    SHEETS_READONLY_SCOPE,
    SHEETS_SCOPE,
    FakeGoogle,
    calendar_error,
    calendar_service,
    fake_credentials,
    google_error,
    gspread_client,
    make_service_account,
)

BOLAJI = "bolaji@example.com"
KEEGAN = "keegan@example.com"
LAGOS = "Africa/Lagos"


@pytest.fixture
def google(google_server: FakeGoogle) -> Iterator[FakeGoogle]:
    yield google_server
    google_server.reset()


@pytest.fixture(scope="module")
def sa_info(google_server: FakeGoogle) -> dict[str, str]:
    return make_service_account(google_server,
                                client_email="time-off@test-project.iam.gserviceaccount.com")


def events_as(google: FakeGoogle, info: dict[str, str], user: str,
              scope: str = CALENDAR_EVENTS_READONLY_SCOPE) -> Any:
    """The events resource acting as `user` through domain-wide delegation."""
    creds = fake_credentials(info, [scope], subject=user)
    return calendar_service(google, creds).events()


def list_ooo(events: Any, user: str, **extra: Any) -> dict[str, Any]:
    params = {"calendarId": user, "eventTypes": ["outOfOffice"], "singleEvents": True,
              "timeMin": "2026-11-01T00:00:00Z", "timeMax": "2026-12-31T00:00:00Z", **extra}
    return dict(events.list(**params).execute())


# -- Calendar: out-of-office on users' primary calendars -------------------------------------

def test_out_of_office_events_in_the_real_shape(google, sa_info):
    google.calendar.add_user_calendar(BOLAJI, time_zone=LAGOS)
    lagos = ZoneInfo(LAGOS)
    google.calendar.add_out_of_office(BOLAJI, datetime(2026, 12, 3, 0, 0, tzinfo=lagos),
                                      datetime(2026, 12, 6, 0, 0, tzinfo=lagos),
                                      title="Wedding in Abuja")
    google.calendar.add_out_of_office(BOLAJI, date(2026, 11, 20), date(2026, 11, 21))
    google.calendar.add_event(BOLAJI, {"summary": "1:1", "start": {"date": "2026-12-04"},
                                       "end": {"date": "2026-12-05"}})
    google.calendar.add_event(BOLAJI, {"summary": "Focus", "eventType": "focusTime",
                                       "start": {"date": "2026-12-07"},
                                       "end": {"date": "2026-12-08"}})

    page = list_ooo(events_as(google, sa_info, BOLAJI), BOLAJI, orderBy="startTime")

    assert page["kind"] == "calendar#events" and page["timeZone"] == LAGOS
    all_day, timed = page["items"]
    assert timed["eventType"] == "outOfOffice"
    assert timed["summary"] == "Wedding in Abuja"
    assert timed["start"] == {"dateTime": "2026-12-03T00:00:00+01:00", "timeZone": LAGOS}
    assert timed["end"] == {"dateTime": "2026-12-06T00:00:00+01:00", "timeZone": LAGOS}
    assert timed["outOfOfficeProperties"] == {
        "autoDeclineMode": "declineAllConflictingInvitations",
        "declineMessage": "Declined because I am out of office"}
    assert timed["organizer"]["email"] == timed["creator"]["email"] == BOLAJI
    assert all_day["start"] == {"date": "2026-11-20"} and all_day["end"] == {"date": "2026-11-21"}
    sent = google.calls("GET", r"/events$")[-1].query
    assert sent["eventTypes"] == ["outOfOffice"] and sent["singleEvents"] == ["true"]

    both = events_as(google, sa_info, BOLAJI).list(
        calendarId=BOLAJI, eventTypes=["outOfOffice", "focusTime"]).execute()["items"]
    assert sorted(e["eventType"] for e in both) == ["focusTime", "outOfOffice", "outOfOffice"]
    unfiltered = events_as(google, sa_info, BOLAJI).list(calendarId=BOLAJI).execute()["items"]
    assert len(unfiltered) == 4 and {e["eventType"] for e in unfiltered} == {
        "default", "focusTime", "outOfOffice"}


def test_time_window_paging_and_primary_alias(google, sa_info):
    for day in range(1, 8):
        google.calendar.add_out_of_office(BOLAJI, date(2026, 12, day), date(2026, 12, day + 1))
    google.calendar.add_out_of_office(BOLAJI, date(2026, 10, 1), date(2026, 10, 3))  # before
    google.calendar.page_size = 3
    events = events_as(google, sa_info, BOLAJI)

    seen, token, pages = [], None, 0
    while True:
        page = list_ooo(events, BOLAJI, pageToken=token, timeMin="2026-12-02T00:00:00Z",
                        timeMax="2026-12-06T00:00:00Z")
        pages += 1
        seen += [e["start"]["date"] for e in page["items"]]
        token = page.get("nextPageToken")
        if token is None:
            break
    # all-day spans are read in the calendar's zone (UTC here): Dec 1 ends at Dec 2 00:00
    assert seen == ["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"]
    assert pages == 2
    primary = events.list(calendarId="primary", eventTypes=["outOfOffice"]).execute()
    assert primary["summary"] == BOLAJI
    # the client sends the email %-encoded in the path; the log keeps the raw path
    assert len(google.calls("GET", r"^/calendar/v3/calendars/bolaji%40example\.com/events$")) == 2


def test_single_events_expands_a_recurring_out_of_office(google, sa_info):
    berlin = ZoneInfo("Europe/Berlin")
    google.calendar.add_out_of_office(
        BOLAJI, datetime(2026, 10, 23, 13, 0, tzinfo=berlin),
        datetime(2026, 10, 23, 18, 0, tzinfo=berlin), time_zone="Europe/Berlin",
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"], event_id="fridays00001")
    events = events_as(google, sa_info, BOLAJI)

    master = events.list(calendarId=BOLAJI, eventTypes=["outOfOffice"]).execute()["items"]
    assert [e["recurrence"] for e in master] == [["RRULE:FREQ=WEEKLY;COUNT=3"]]
    instances = events.list(calendarId=BOLAJI, eventTypes=["outOfOffice"], singleEvents=True,
                            timeMin="2026-10-24T00:00:00Z").execute()["items"]
    # the wall-clock time stays 13:00 across the end of summer time (25 October)
    assert [e["start"]["dateTime"] for e in instances] == [
        "2026-10-30T13:00:00+01:00", "2026-11-06T13:00:00+01:00"]
    assert [e["id"] for e in instances] == ["fridays00001_20261030T120000Z",
                                            "fridays00001_20261106T120000Z"]
    assert all(e["recurringEventId"] == "fridays00001" and "recurrence" not in e
               for e in instances)
    assert instances[0]["originalStartTime"] == instances[0]["start"]


def test_delegation_not_granted_is_unauthorized_client(google, sa_info):
    email = sa_info["client_email"]
    google.calendar.add_out_of_office(BOLAJI, date(2026, 12, 3), date(2026, 12, 6))
    google.calendar.add_out_of_office(KEEGAN, date(2026, 12, 3), date(2026, 12, 6))
    google.oauth.grant_delegation(email, [CALENDAR_EVENTS_READONLY_SCOPE], subjects=[BOLAJI])
    try:
        assert list_ooo(events_as(google, sa_info, BOLAJI), BOLAJI)["items"]

        with pytest.raises(RefreshError) as refused:
            list_ooo(events_as(google, sa_info, KEEGAN), KEEGAN)
        assert refused.value.args[0] == (
            "unauthorized_client: Client is unauthorized to retrieve access tokens using "
            "this method, or client not authorized for any of the scopes requested.")
        assert refused.value.retryable is False  # google-auth does not retry it

        with pytest.raises(RefreshError, match="unauthorized_client"):  # a scope not granted
            list_ooo(events_as(google, sa_info, BOLAJI, CALENDAR_SCOPE), BOLAJI)

        google.oauth.grant_delegation(email, [CALENDAR_EVENTS_READONLY_SCOPE])  # whole domain
        assert list_ooo(events_as(google, sa_info, KEEGAN), KEEGAN)["items"]
        google.oauth.revoke_delegation(email)
        with pytest.raises(RefreshError, match="unauthorized_client"):
            list_ooo(events_as(google, sa_info, BOLAJI), BOLAJI)
    finally:
        google.oauth.delegations.clear()
    # 2 grants that worked, 3 refused (one request each); a refused grant makes no list call
    assert len(google.calls("POST", r"^/token$")) == 5
    assert len(google.calls("GET", r"/events$")) == 2


def test_the_token_endpoint_body_for_refusals(google, sa_info):
    """The raw answers, as google-auth receives them."""
    google.oauth.restrict_delegation(sa_info["client_email"])
    google.oauth.directory = {BOLAJI}
    try:
        with pytest.raises(RefreshError) as unknown_user:
            list_ooo(events_as(google, sa_info, "ghost@example.com"), "ghost@example.com")
        with pytest.raises(RefreshError) as not_delegated:
            list_ooo(events_as(google, sa_info, BOLAJI), BOLAJI)
    finally:
        google.oauth.delegations.clear()
        google.oauth.directory = None
    assert unknown_user.value.args[1] == {"error": "invalid_grant",
                                          "error_description": "Invalid email or User ID"}
    assert not_delegated.value.args[1] == {
        "error": "unauthorized_client",
        "error_description": "Client is unauthorized to retrieve access tokens using this "
                             "method, or client not authorized for any of the scopes "
                             "requested."}


def test_calendars_that_cannot_be_read(google, sa_info):
    google.calendar.add_user_calendar(BOLAJI)
    google.calendar.add_user_calendar(KEEGAN)
    google.calendar.block_calendar(KEEGAN)

    # not impersonating: the service account cannot see a user's calendar
    plain = calendar_service(google, fake_credentials(sa_info, [CALENDAR_SCOPE])).events()
    with pytest.raises(HttpError) as hidden:
        list_ooo(plain, BOLAJI)
    assert hidden.value.status_code == 404
    assert hidden.value.error_details == [
        {"domain": "global", "reason": "notFound", "message": "Not Found"}]
    with pytest.raises(HttpError) as missing:  # no such user's calendar
        list_ooo(events_as(google, sa_info, "nobody@example.com"), "nobody@example.com")
    assert missing.value.status_code == 404
    with pytest.raises(HttpError) as blocked:
        list_ooo(events_as(google, sa_info, KEEGAN), KEEGAN)
    assert blocked.value.status_code == 403
    assert blocked.value.error_details[0]["reason"] == "forbidden"
    with pytest.raises(HttpError) as other:  # someone else's calendar, as Bolaji
        list_ooo(events_as(google, sa_info, BOLAJI), KEEGAN)
    assert other.value.status_code == 404

    google.fail(r"/calendars/bolaji%40example\.com/events$",
                calendar_error(403, "rateLimitExceeded", "Rate Limit Exceeded",
                               domain="usageLimits"))
    with pytest.raises(HttpError) as limited:
        list_ooo(events_as(google, sa_info, BOLAJI), BOLAJI)
    assert limited.value.error_details[0]["reason"] == "rateLimitExceeded"


def test_readonly_event_scope_reads_but_cannot_write(google, sa_info):
    google.calendar.add_user_calendar(BOLAJI)
    events = events_as(google, sa_info, BOLAJI)
    assert list_ooo(events, BOLAJI)["items"] == []
    with pytest.raises(HttpError) as denied:
        events.insert(calendarId=BOLAJI, body={"summary": "x", "start": {"date": "2026-12-01"},
                                               "end": {"date": "2026-12-02"}}).execute()
    assert denied.value.status_code == 403
    assert denied.value.reason == "Request had insufficient authentication scopes."


# -- Sheets: four tabs in one batchGet --------------------------------------------------------

SHEET_ID = "1RosterSheetId"
NOTES_MASK = "sheets(properties(sheetId,title),data(startRow,startColumn,rowData(values(note))))"
TABS: dict[str, list[list[Any]]] = {
    "Rotations": [["Start", "End", "Engineers"],
                  [date(2026, 11, 3), date(2026, 11, 30), "BolajiOlajide, keegancsmith"]],
    "People": [["GitHub", "Name", "Email", "Timezone"],
               ["BolajiOlajide", "Bolaji Olajide", BOLAJI, LAGOS]],
    "Overrides": [["Start", "End", "Engineer", "Cover", "Note"],
                  [date(2026, 12, 3), date(2026, 12, 5), "BolajiOlajide", "", "wedding"]],
    "Time off": [["GitHub", "Start", "End"], ["keegancsmith", "2026-11-10", "2026-11-12"]],
}


def sheets_client(google: FakeGoogle, info: dict[str, str], scope: str = SHEETS_SCOPE
                  ) -> gspread.Spreadsheet:
    return gspread_client(google, fake_credentials(info, [scope])).open_by_key(SHEET_ID)


def test_four_tabs_in_one_batch_get(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", TABS)
    spreadsheet = sheets_client(google, sa_info, SHEETS_READONLY_SCOPE)
    google.reset_log()

    result = spreadsheet.values_batch_get(
        ["Rotations", "People", "Overrides", "'Time off'"],
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"})

    ranges = result["valueRanges"]
    assert [r["range"] for r in ranges] == ["Rotations!A1:Z1000", "People!A1:Z1000",
                                            "Overrides!A1:Z1000", "'Time off'!A1:Z1000"]
    assert ranges[2]["values"][1] == [46359, 46361, "BolajiOlajide", "", "wedding"]
    assert ranges[3]["values"][1] == ["keegancsmith", "2026-11-10", "2026-11-12"]
    assert [r.path for r in google.calls()] == [f"/v4/spreadsheets/{SHEET_ID}/values:batchGet"]
    assert google.calls()[0].query["ranges"] == ["Rotations", "People", "Overrides",
                                                 "'Time off'"]


# -- Sheets: cell notes ------------------------------------------------------------------------

def test_notes_are_read_with_ranges_and_a_fields_mask(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", TABS)
    google.sheets.set_note(SHEET_ID, "Rotations", "C2", "rotation-sync: @ghost is not on People")
    google.sheets.set_note(SHEET_ID, "Rotations", "A2", "ask Priya before moving this")
    google.sheets.set_note(SHEET_ID, "People", "B2", "a note on another tab")
    spreadsheet = sheets_client(google, sa_info, SHEETS_READONLY_SCOPE)

    answer = spreadsheet.fetch_sheet_metadata(params={"ranges": ["Rotations"],
                                                      "fields": NOTES_MASK})

    sheet_id = spreadsheet.worksheet("Rotations").id
    assert answer == {"sheets": [{
        "properties": {"sheetId": sheet_id, "title": "Rotations"},
        "data": [{"rowData": [{"values": [{}, {}, {}]},
                              {"values": [{"note": "ask Priya before moving this"}, {},
                                          {"note": "rotation-sync: @ghost is not on People"}]}]}],
    }]}
    window = spreadsheet.fetch_sheet_metadata(params={"ranges": ["Rotations!B2:C3"],
                                                      "fields": NOTES_MASK})
    data = window["sheets"][0]["data"][0]
    assert data["startRow"] == 1 and data["startColumn"] == 1
    assert data["rowData"] == [{"values": [{}, {"note": "rotation-sync: @ghost is not on People"}]}]
    assert spreadsheet.worksheet("Rotations").get_note("C2") == (
        "rotation-sync: @ghost is not on People")
    assert spreadsheet.worksheet("Rotations").get_note("B2") == ""
    titles = spreadsheet.fetch_sheet_metadata(params={"fields": "sheets.properties.title"})
    assert titles == {"sheets": [{"properties": {"title": t}} for t in TABS]}


def test_update_cells_writes_and_clears_notes_in_one_request(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", TABS)
    google.sheets.set_note(SHEET_ID, "Rotations", "A2", "a person's note")
    google.sheets.set_note(SHEET_ID, "Rotations", "B2", "rotation-sync: stale finding")
    spreadsheet = sheets_client(google, sa_info)
    sheet_id = spreadsheet.worksheet("Rotations").id
    google.reset_log()

    reply = spreadsheet.batch_update({"requests": [
        {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": 2},
                         "rows": [{"values": [{"note": "rotation-sync: unknown handle"}]}],
                         "fields": "note"}},
        {"updateCells": {"range": {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 2,
                                   "startColumnIndex": 1, "endColumnIndex": 2},
                         "fields": "note"}},  # no rows: the note in the range is cleared
    ]})

    assert reply == {"spreadsheetId": SHEET_ID, "replies": [{}, {}]}
    assert len(google.calls()) == 1  # one batchUpdate is one request
    assert google.sheets.notes(SHEET_ID, "Rotations") == {
        "A2": "a person's note", "C2": "rotation-sync: unknown handle"}
    assert google.sheets.values(SHEET_ID, "Rotations") == TABS["Rotations"]  # values untouched

    ws = spreadsheet.worksheet("Rotations")
    ws.update_notes({"D5": "via gspread"})  # gspread's own updateCells with a range
    ws.clear_note("A2")
    assert google.sheets.notes(SHEET_ID, "Rotations") == {
        "C2": "rotation-sync: unknown handle", "D5": "via gspread"}


def test_notes_survive_value_writes_and_clears(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", TABS)
    google.sheets.set_note(SHEET_ID, "Rotations", (1, 2), "rotation-sync: check this")
    ws = sheets_client(google, sa_info).worksheet("Rotations")

    ws.update([["BolajiOlajide, valerybugakov"]], "C2")
    assert google.sheets.note(SHEET_ID, "Rotations", "C2") == "rotation-sync: check this"
    ws.batch_clear(["A1:Z1000"])
    assert google.sheets.values(SHEET_ID, "Rotations") == []
    assert ws.get_note("C2") == "rotation-sync: check this"


def test_update_cells_errors_apply_nothing(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", TABS)
    spreadsheet = sheets_client(google, sa_info)
    sheet_id = spreadsheet.worksheet("Rotations").id
    good = {"updateCells": {"start": {"sheetId": sheet_id}, "fields": "note",
                            "rows": [{"values": [{"note": "rotation-sync: x"}]}]}}
    cases = [
        ({"updateCells": {"start": {"sheetId": 999}, "fields": "note", "rows": []}},
         "Invalid requests[1].updateCells: No grid with id: 999"),
        ({"updateCells": {"start": {"sheetId": sheet_id}, "rows": []}},
         "Invalid requests[1].updateCells: At least one field must be specified."),
    ]
    for bad, message in cases:
        with pytest.raises(gspread.exceptions.APIError) as refused:
            spreadsheet.batch_update({"requests": [good, bad]})
        assert refused.value.code == 400
        assert refused.value.error["status"] == "INVALID_ARGUMENT"
        assert refused.value.error["message"] == message
    assert google.sheets.notes(SHEET_ID, "Rotations") == {}  # atomic


def test_readonly_scope_cannot_write_notes(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", TABS)
    spreadsheet = sheets_client(google, sa_info, SHEETS_READONLY_SCOPE)
    with pytest.raises(gspread.exceptions.APIError) as denied:
        spreadsheet.worksheet("Rotations").update_note("A1", "x")
    assert denied.value.code == 403
    google.fail(r":batchUpdate$", google_error(503))
    with pytest.raises(gspread.exceptions.APIError) as unavailable:
        sheets_client(google, sa_info).worksheet("Rotations").update_note("A1", "x")
    assert unavailable.value.code == 503


# -- Sheets: protected ranges ------------------------------------------------------------------

def test_add_protected_range_and_read_it_back(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {**TABS, "Sync status": [["ok"]]})
    spreadsheet = sheets_client(google, sa_info)
    status = spreadsheet.worksheet("Sync status")
    me = sa_info["client_email"]

    reply = spreadsheet.batch_update({"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": status.id}, "description": "Written by rotation-sync",
        "editors": {"users": [me]}}}}]})

    added = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert isinstance(added["protectedRangeId"], int)
    assert added == {"protectedRangeId": added["protectedRangeId"],
                     "range": {"sheetId": status.id}, "description": "Written by rotation-sync",
                     "editors": {"users": [me]}, "requestingUserCanEdit": True}
    listed = spreadsheet.fetch_sheet_metadata(
        params={"fields": "sheets(properties(title),protectedRanges)"})["sheets"]
    assert [s.get("protectedRanges") for s in listed] == [None] * 4 + [[added]]
    assert spreadsheet.list_protected_ranges(status.id) == [added]  # gspread's own reader
    assert google.sheets.protected_ranges(SHEET_ID, "Sync status")[0]["editors"] == {
        "users": [me]}

    status.update([["still writable by its editor"]], "A1")
    outsider = make_service_account(google,
                                    client_email="human@test-project.iam.gserviceaccount.com")
    with pytest.raises(gspread.exceptions.APIError) as refused:
        sheets_client(google, outsider).worksheet("Sync status").update([["x"]], "A1")
    assert refused.value.code == 400
    assert refused.value.error["message"].startswith(
        "You are trying to edit a protected cell or object.")
    outsider_view = sheets_client(google, outsider).list_protected_ranges(status.id)
    assert outsider_view[0]["requestingUserCanEdit"] is False


def test_update_and_delete_protected_range(google, sa_info):
    google.sheets.add_spreadsheet(SHEET_ID, "Roster", {**TABS, "Sync status": [["ok"]]})
    seeded = google.sheets.protect(SHEET_ID, "Sync status", ["someone@example.com"],
                                   description="by hand")
    spreadsheet = sheets_client(google, sa_info)
    range_id = seeded["protectedRangeId"]

    spreadsheet.batch_update({"requests": [{"updateProtectedRange": {
        "protectedRange": {"protectedRangeId": range_id,
                           "editors": {"users": [sa_info["client_email"]]}},
        "fields": "editors"}}]})
    assert google.sheets.protected_ranges(SHEET_ID)[0]["editors"] == {
        "users": [sa_info["client_email"]]}
    assert google.sheets.protected_ranges(SHEET_ID)[0]["description"] == "by hand"

    spreadsheet.worksheet("Sync status").delete_protected_range(str(range_id))
    assert google.sheets.protected_ranges(SHEET_ID) == []
    with pytest.raises(gspread.exceptions.APIError) as missing:
        spreadsheet.batch_update({"requests": [{"deleteProtectedRange": {
            "protectedRangeId": range_id}}]})
    assert missing.value.error["message"] == (
        f"Invalid requests[0].deleteProtectedRange: No protected range with id: {range_id}")


# -- the HR time-off feed (tests/wire/fakes/feed.py), read with requests and icalendar -------------

def test_feed_serves_ics_and_counts_fetches():
    events = [
        FeedEvent("Bolaji Olajide - Vacation", date(2026, 12, 3), date(2026, 12, 6),
                  attendees=[BOLAJI]),
        FeedEvent("Keegan Carruthers-Smith: dentist, then home",
                  datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo("Africa/Johannesburg")),
                  datetime(2026, 11, 10, 13, 0, tzinfo=ZoneInfo("Africa/Johannesburg")),
                  organizer=KEEGAN, description="a long description " * 8),
    ]
    with FakeFeed() as feed:
        url = feed.serve("/hr/time-off.ics", ics_feed(events))
        answer = requests.get(url, timeout=CEILING)

        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert b"\r\n " in answer.content  # long lines are folded
        parsed = icalendar.Calendar.from_ical(answer.content)
        vacation, dentist = parsed.walk("VEVENT")
        assert vacation["DTSTART"].dt == date(2026, 12, 3)
        assert vacation["DTEND"].dt == date(2026, 12, 6)
        assert str(vacation["ATTENDEE"]) == f"mailto:{BOLAJI}"
        assert str(dentist["SUMMARY"]) == "Keegan Carruthers-Smith: dentist, then home"
        assert dentist["DTSTART"].dt == datetime(2026, 11, 10, 7, 0, tzinfo=UTC)
        assert str(dentist["ORGANIZER"]) == f"mailto:{KEEGAN}"
        assert len(feed.fetches("/hr/time-off.ics")) == 1


def test_feed_faults():
    with FakeFeed() as feed:
        url = feed.serve("/hr/time-off.ics", ics_feed([]))
        feed.server_error("/hr/time-off.ics")
        assert requests.get(url, timeout=CEILING).status_code == 500
        feed.missing("/hr/time-off.ics")
        assert requests.get(url, timeout=CEILING).status_code == 404
        feed.drop("/hr/time-off.ics")
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=CEILING)
        assert requests.get(url, timeout=CEILING).text.startswith("BEGIN:VCALENDAR\r\n")
        feed.remove("/hr/time-off.ics")
        gone = requests.get(url, timeout=CEILING)
        assert (gone.status_code, gone.text) == (404, "Not Found")
        assert requests.get(feed.url("/elsewhere.ics"), timeout=CEILING).status_code == 404
        assert len(feed.fetches("/hr/time-off.ics")) == 5
        assert len(feed.fetches()) == 6
