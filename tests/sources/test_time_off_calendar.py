"""Out-of-office days from each engineer's own calendar, through google-auth and
google-api-python-client over real HTTP against the fake Google (real delegation grants)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sync.config.sections import TimeOff
from sync.core.findings import Findings
from sync.core.rules.time_off import Conflict
from sync.core.tabs.raw import RawRoster, RawTab
from sync.run.time_off import TimeOffCheck
from sync.sources.time_off.calendar import SCOPE
from tests.conftest import Workspace
from tests.helpers import PEOPLE, make_clock, make_roster
from tests.wire.fakes.base import Response
from tests.wire.fakes.google import (
    CALENDAR_EVENTS_READONLY_SCOPE,
    FakeGoogle,
    calendar_error,
    make_service_account,
)

EMAIL = "rotation-sync@test-project.iam.gserviceaccount.com"
RUNNING = ("2026-11-03", "2026-11-30", ["keegancsmith", "BolajiOlajide", "tbliu98"])
UPCOMING = ("2026-12-01", "2026-12-28", ["valerybugakov", "kenji-sato", "sven-larsen"])
LATER = ("2027-02-01", "2027-02-28", ["priya-nair"])
TODAY = "2026-11-10"
RAW = RawRoster(RawTab("Rotations", []), RawTab("People", []))


@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        info = make_service_account(server, client_email=EMAIL)
        key = tmp_path / "service-account.json"
        key.write_text(json.dumps(info))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        server.oauth.grant_delegation(EMAIL, [CALENDAR_EVENTS_READONLY_SCOPE])
        for _name, email, tz in PEOPLE.values():  # every Workspace user has one
            server.calendar.add_user_calendar(email, time_zone=tz)
        yield server


def check(google: FakeGoogle, rotations: list[tuple[str, str, list[str | None]]] | None = None
          ) -> tuple[list[Conflict], Findings]:
    section = TimeOff(google_calendar=True, calendar_endpoint=f"{google.base_url}/calendar/v3/")
    findings = Findings()
    roster = make_roster(rotations or [RUNNING, UPCOMING, LATER])
    found = TimeOffCheck(section).check(roster, RAW, make_clock(TODAY), findings)
    return found, findings


def test_out_of_office_days_become_conflicts_and_the_title_is_never_shown(
        google: FakeGoogle) -> None:
    google.calendar.add_out_of_office("bolaji@example.com", date(2026, 11, 20), date(2026, 11, 23),
                                      title="Surgery at St Mary's")
    google.calendar.add_out_of_office("kenji@example.com", datetime(2026, 12, 3, 1, 0, tzinfo=UTC),
                                      datetime(2026, 12, 3, 5, 0, tzinfo=UTC),
                                      title="Kid's recital")
    found, findings = check(google)
    assert [(c.person.github, c.days) for c in found] == [
        ("BolajiOlajide", "2026-11-20 to 2026-11-22"), ("kenji-sato", "2026-12-03")]
    assert "Surgery" not in str(findings.items) and "recital" not in str(findings.items)
    assert [f.code for f in findings.items] == ["time-off-conflict"] * 2


def test_each_person_costs_one_grant_and_one_list_call_bounded_to_their_rotations(
        google: FakeGoogle) -> None:
    check(google)
    grants = google.oauth.grants
    lists = google.calls("GET", r"/calendar/v3/calendars/.+/events$")
    people = {"keegan", "bolaji", "tammy", "valery", "kenji", "sven"}
    assert sorted(g.subject or "" for g in grants) == sorted(f"{p}@example.com" for p in people)
    assert all(g.scopes == {SCOPE} for g in grants)
    assert len(lists) == 6  # priya's rotation starts beyond the 30-day horizon: not read
    bolaji = next(r for r in lists if "bolaji" in r.path)
    assert bolaji.query["eventTypes"] == ["outOfOffice"]
    assert bolaji.query["singleEvents"] == ["true"]
    assert bolaji.query["timeMin"] == ["2026-11-02T00:00:00Z"]
    assert bolaji.query["timeMax"] == ["2026-12-02T00:00:00Z"]


def test_an_unreadable_calendar_is_a_warning_naming_the_person_and_the_fix(
        google: FakeGoogle) -> None:
    google.oauth.revoke_delegation(EMAIL)
    google.oauth.grant_delegation(EMAIL, [CALENDAR_EVENTS_READONLY_SCOPE],
                                  subjects=["keegan@example.com", "tammy@example.com",
                                            "kenji@example.com", "sven@example.com"])
    google.calendar.block_calendar("tammy@example.com")
    google.calendar.block_calendar("sven@example.com", calendar_error(404, "notFound", "Not Found"))
    found, findings = check(google)
    assert found == []
    messages = {f.message for f in findings.items if f.code == "time-off-unreadable"}
    assert len(messages) == 4 and all(f.severity == "warning" for f in findings.items)
    bolaji = next(m for m in messages if "Bolaji Olajide" in m)
    assert "domain-wide delegation is not granted" in bolaji and SCOPE in bolaji
    assert any("Tammy Liu" in m and "HTTP 403" in m for m in messages)
    assert any("Sven Larsen" in m and "HTTP 404" in m for m in messages)


def test_a_sync_with_an_unreadable_calendar_still_succeeds(google: FakeGoogle,
                                                          workspace: Workspace) -> None:
    google.oauth.revoke_delegation(EMAIL)
    workspace.config.write_text(workspace.config.read_text() + (
        "\n[time_off]\ngoogle_calendar = true\n"
        f'calendar_endpoint = "{google.base_url}/calendar/v3/"\n'))
    code, document = workspace.run_json("sync", "--today", "2022-09-10")
    assert code == 0
    warnings = [f for f in document["findings"] if f["code"] == "time-off-unreadable"]
    # the running rotation's two engineers and the one of the rotation starting in 30 days
    assert {(f["tab"], f["row"], f["column"]) for f in warnings} == {
        ("People", 2, "Email"), ("People", 4, "Email"), ("People", 5, "Email")}
    assert "ya29" not in json.dumps(document)


def test_an_out_of_office_event_that_cannot_be_read_is_one_warning_and_the_rest_is_used(
        google: FakeGoogle) -> None:
    items = [{"status": "confirmed", "start": {"date": "2026-11-20"},
              "end": {"date": "2026-11-23"}},
             {"status": "confirmed", "start": {"date": "2026-11-31"}, "end": {"date": "x"}},
             {"status": "confirmed", "start": {"dateTime": 20261125}, "end": {}}]
    google.fail(r"/calendars/bolaji(%40|@)example\.com/events$",  # an answer as Google never
                Response(200, {"kind": "calendar#events", "items": items}), times=5)  # should
    found, findings = check(google)
    assert [(c.person.github, c.days) for c in found] == [
        ("BolajiOlajide", "2026-11-20 to 2026-11-22")]
    warnings = [f.message for f in findings.items if f.code == "time-off-unreadable"]
    assert len(warnings) == 2 and all("Bolaji Olajide's calendar" in w for w in warnings)
    assert "out-of-office event 2 (start {'date': '2026-11-31'})" in warnings[0]
