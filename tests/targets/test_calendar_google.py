"""The Google Calendar target: google-api-python-client over real HTTP to the fake Google.

Covers the event's shape, the request budget (one list request per 2,500 events, batches of
at most 50 calls, zero writes on a no-op), updates in place, deletions, drift repair (edits,
a time set by hand, an event deleted by hand), ownership (foreign events, another namespace,
a copied event), 409 duplicates, per-call retries inside batches, the errors an admin can
act on, timeouts, and the command line end to end (calendar failing → exit 3 with the other
targets synced; the --force-delete guard; the attendee config error → exit 2).
"""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync.clients.retry import RetryPolicy
from sync.core.diff.plan import TargetPlan
from sync.errors import ConfigError, TargetError
from sync.targets.calendar import google as calendar_google
from sync.targets.calendar.events import OWNER_KEY, START_KEY, event_body, event_id_for
from sync.targets.calendar.google import GoogleCalendar, batch_uri
from sync.targets.calendar.model import EventSettings
from sync.targets.calendar.settings import GoogleCalendar as CalendarSection
from tests.conftest import Workspace, make_workspace
from tests.helpers import PEOPLE, make_clock, make_roster, rotations_rows, to_csv
from tests.targets.contract import ROSTER_A, ROSTER_B, sync
from tests.wire.fakes.base import DROP, Request
from tests.wire.fakes.google import (
    FakeGoogle,
    calendar_error,
    calendar_rate_limited,
    google_error,
    make_service_account,
)

CALENDAR_ID = "c_rotations@group.calendar.google.com"
BOT = "oncall-bot@example.com"
HANDBOOK = "https://github.com/acme/handbook/blob/main/rotation.md"
SETTINGS = EventSettings("Escalation engineer rotation: {engineers}", True, HANDBOOK)
DAY = "2022-09-10"
NAMESPACE = "rotation-sync"


# -- fixtures and helpers ------------------------------------------------------------------
@pytest.fixture(scope="module")
def sa_info(google_server: FakeGoogle) -> dict[str, str]:
    return make_service_account(google_server)


@pytest.fixture
def google(google_server: FakeGoogle, sa_info: dict[str, str], tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    """The module's google_server with one empty calendar, and our key in the environment."""
    use_key(sa_info, tmp_path, monkeypatch)
    google_server.calendar.add_calendar(CALENDAR_ID)
    yield google_server
    google_server.reset()


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr("sync.clients.retry.sleep", waited.append)
    return waited


def use_key(info: dict[str, str], folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = folder / "service-account.json"
    key.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))


def target(google: FakeGoogle, settings: EventSettings = SETTINGS,
           policy: RetryPolicy | None = None, **options: Any) -> GoogleCalendar:
    fields: dict[str, Any] = {"calendar_id": CALENDAR_ID, "impersonate": BOT,
                              "calendar_endpoint": f"{google.base_url}/calendar/v3/", **options}
    return GoogleCalendar(settings, CalendarSection(kind="google", **fields), policy)


def events(google: FakeGoogle, include_cancelled: bool = False) -> dict[str, dict[str, Any]]:
    """Events on the calendar by their rotation key (or summary, for foreign ones)."""
    found = google.calendar.events(CALENDAR_ID, include_cancelled=include_cancelled)
    return {private(e).get(START_KEY) or e.get("summary", ""): e for e in found}


def private(event: dict[str, Any]) -> dict[str, str]:
    return dict((event.get("extendedProperties") or {}).get("private") or {})


def stored(google: FakeGoogle, key: str, namespace: str = NAMESPACE) -> dict[str, Any]:
    """The live event in the fake's store, to edit it by hand."""
    return google.calendar.calendars[CALENDAR_ID].events[event_id_for(namespace, key)]


def list_requests(google: FakeGoogle) -> list[Request]:
    return google.calls("GET", r"^/calendar/v3/calendars/[^/]+/events$")


def inner(google: FakeGoogle, method: str | None = None) -> list[Request]:
    return [r for r in google.inner_requests if method is None or r.method == method]


def batches(google: FakeGoogle) -> list[Request]:
    return google.calls("POST", r"^/batch/calendar/v3$")


def rotations(count: int, first: date = date(2023, 1, 2)) -> list[tuple[str, str, list[Any]]]:
    """`count` back-to-back four-week rotations of two engineers each."""
    handles = list(PEOPLE)
    starts = [first + timedelta(weeks=4 * n) for n in range(count)]
    return [(start.isoformat(), (start + timedelta(days=27)).isoformat(),
             [handles[n % len(handles)], handles[(n + 1) % len(handles)]])
            for n, start in enumerate(starts)]


def plan(calendar: GoogleCalendar, rows: list[Any] = ROSTER_A) -> TargetPlan:
    return calendar.plan(make_roster(rows), make_clock(DAY))


# -- the events ----------------------------------------------------------------------------
def test_first_sync_writes_one_marked_all_day_event_per_rotation(google: FakeGoogle) -> None:
    sync(target(google, send_updates="all"), make_roster(ROSTER_A), DAY)

    first = events(google)["2022-08-10"]
    assert first["id"] == event_id_for(NAMESPACE, "2022-08-10")
    assert first["start"] == {"date": "2022-08-10"}
    assert first["end"] == {"date": "2022-09-07"}, "the all-day end is exclusive"
    assert first["summary"] == ("Escalation engineer rotation: Keegan Carruthers-Smith, "
                                "Bolaji Olajide")
    assert "2022-08-10 to 2022-09-06" in first["description"]
    assert HANDBOOK in first["description"]
    assert first["transparency"] == "transparent"
    assert sorted(a["email"] for a in first["attendees"]) == ["bolaji@example.com",
                                                              "keegan@example.com"]
    assert private(first) == {OWNER_KEY: NAMESPACE, START_KEY: "2022-08-10"}
    assert first["creator"]["email"] == BOT, "acts as the impersonated user"
    assert len(batches(google)) == 1 and len(inner(google, "POST")) == 3
    assert {r.query["sendUpdates"][0] for r in inner(google)} == {"all"}


def test_a_noop_sync_is_one_list_request_and_no_write(google: FakeGoogle) -> None:
    sync(target(google), make_roster(ROSTER_A), DAY)
    google.reset_log()

    again = sync(target(google), make_roster(ROSTER_A), DAY)

    assert again.changes == []
    assert google.writes() == [] and google.logical_writes() == []
    assert len(list_requests(google)) == 1
    assert list_requests(google)[0].query["privateExtendedProperty"] == [
        f"{OWNER_KEY}={NAMESPACE}"]


def test_reading_is_one_list_request_per_2500_events(google: FakeGoogle) -> None:
    rows = rotations(2501)
    calendar = target(google)
    for key, state in calendar.desired(make_roster(rows), make_clock(DAY), {})[0].items():
        body = event_body(state, NAMESPACE, key)
        google.calendar.add_event(CALENDAR_ID, {**body, "id": event_id_for(NAMESPACE, key)})

    assert plan(calendar, rows).changes == []
    assert len(list_requests(google)) == 2
    assert list_requests(google)[0].query["maxResults"] == ["2500"]


def test_small_pages_are_followed(google: FakeGoogle) -> None:
    google.calendar.page_size = 2
    sync(target(google), make_roster(ROSTER_A), DAY)
    google.reset_log()
    assert sorted(target(google).read()) == ["2022-08-10", "2022-09-07", "2022-10-10"]
    assert len(list_requests(google)) == 2


def test_writes_go_in_batches_of_at_most_50_calls(google: FakeGoogle) -> None:
    sync(target(google), make_roster(rotations(120)), DAY)
    assert [r.body.count(b"Content-ID:") for r in batches(google)] == [50, 50, 20]
    assert len(events(google)) == 120


# -- changes -------------------------------------------------------------------------------
def test_a_changed_roster_updates_in_place_and_deletes(google: FakeGoogle) -> None:
    sync(target(google), make_roster(ROSTER_A), DAY)
    moved_end = [*ROSTER_B[:2], ("2022-11-08", "2022-12-12", ["priya-nair", None])]
    google.reset_log()

    changes = sync(target(google), make_roster(ROSTER_B), DAY).changes
    later = sync(target(google), make_roster(moved_end), DAY).changes

    assert [(c.action, c.key) for c in changes] == [
        ("update", "2022-09-07"), ("delete", "2022-10-10"), ("create", "2022-11-08")]
    assert [(c.action, c.key) for c in later] == [("update", "2022-11-08")]
    assert "PUT" not in {r.method for r in inner(google)}, "patch keeps what we don't send"
    restaffed = events(google)["2022-09-07"]
    assert restaffed["id"] == event_id_for(NAMESPACE, "2022-09-07")
    assert {a["email"] for a in restaffed["attendees"]} == {
        "kenji@example.com", "valery@example.com", "sven@example.com"}
    assert private(restaffed)[OWNER_KEY] == NAMESPACE
    assert events(google)["2022-11-08"]["end"] == {"date": "2022-12-13"}
    assert "2022-10-10" not in events(google)
    assert events(google, include_cancelled=True)["2022-10-10"]["status"] == "cancelled"


def test_an_update_keeps_the_answers_of_engineers_who_stay(google: FakeGoogle) -> None:
    sync(target(google), make_roster(ROSTER_A), DAY)
    for attendee in stored(google, "2022-09-07")["attendees"]:
        attendee["responseStatus"] = "accepted"

    sync(target(google), make_roster(ROSTER_B), DAY)

    answers = {a["email"]: a.get("responseStatus")
               for a in events(google)["2022-09-07"]["attendees"]}
    assert answers["valery@example.com"] == "accepted"
    assert answers["kenji@example.com"] is None


def test_attendee_names_and_email_case_from_google_are_not_changes(google: FakeGoogle) -> None:
    sync(target(google), make_roster(ROSTER_A), DAY)
    for attendee in stored(google, "2022-08-10")["attendees"]:
        attendee.pop("displayName")
        attendee["email"] = attendee["email"].upper()
    assert plan(target(google)).changes == []


# -- drift and ownership ---------------------------------------------------------------------
def test_hand_made_drift_is_shown_then_repaired(google: FakeGoogle) -> None:
    sync(target(google), make_roster(ROSTER_A), DAY)
    edited, timed = stored(google, "2022-08-10"), stored(google, "2022-09-07")
    edited["summary"] = "Moved by hand"
    edited["attendees"] = edited["attendees"][:1]
    timed.update(start={"dateTime": "2022-09-07T09:00:00Z"},  # same days, now with a time
                 end={"dateTime": "2022-10-10T09:00:00Z"}, transparency="opaque")
    stored(google, "2022-10-10")["status"] = "cancelled"  # deleted in the Calendar UI

    drift = plan(target(google))
    assert [(c.action, c.key) for c in drift.changes] == [
        ("update", "2022-08-10"), ("update", "2022-09-07"), ("create", "2022-10-10")]
    assert drift.changes[0].summary == (
        'update 2022-08-10 to 2022-09-06: title "Escalation engineer rotation: Keegan '
        'Carruthers-Smith, Bolaji Olajide" (was "Moved by hand"); attendees add '
        "keegan@example.com")
    assert "a time was set by hand" in drift.changes[1].summary
    assert "marked busy by hand" in drift.changes[1].summary
    sync(target(google), make_roster(ROSTER_A), DAY)

    assert plan(target(google)).changes == []
    repaired = events(google)["2022-09-07"]
    assert (repaired["start"], repaired["end"]) == ({"date": "2022-09-07"},
                                                    {"date": "2022-10-10"})
    assert repaired["transparency"] == "transparent"
    restored = events(google)["2022-10-10"]
    assert restored["status"] == "confirmed"
    assert restored["id"] == event_id_for(NAMESPACE, "2022-10-10"), "the same event, undeleted"
    assert len(google.calendar.events(CALENDAR_ID)) == 3, "no duplicate"


def test_a_repeated_insert_answers_409_and_adopts_the_event(google: FakeGoogle) -> None:
    google.calendar.add_event(CALENDAR_ID, {  # ours, but its marker was edited away
        "id": event_id_for(NAMESPACE, "2022-08-10"), "summary": "stale",
        "start": {"date": "2022-08-10"}, "end": {"date": "2022-08-11"}})

    sync(target(google), make_roster(ROSTER_A), DAY)

    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in inner(google)]
    assert ("PATCH", event_id_for(NAMESPACE, "2022-08-10")) in methods
    assert len(google.calendar.events(CALENDAR_ID)) == 3
    assert private(events(google)["2022-08-10"])[OWNER_KEY] == NAMESPACE
    assert plan(target(google)).changes == []


def test_foreign_and_other_namespace_events_are_untouched(google: FakeGoogle) -> None:
    offsite = google.calendar.add_foreign_event(CALENDAR_ID, {
        "summary": "Team offsite", "start": {"date": "2022-09-15"},
        "end": {"date": "2022-09-16"}})
    sync(target(google, namespace="other-team"), make_roster(ROSTER_A), DAY)
    theirs = {e["id"]: e["etag"] for e in google.calendar.events(CALENDAR_ID)}

    sync(target(google), make_roster(ROSTER_A), DAY)
    sync(target(google), make_roster(ROSTER_B), DAY)

    after = {e["id"]: e["etag"] for e in google.calendar.events(CALENDAR_ID)}
    assert {i: after[i] for i in theirs} == theirs
    assert offsite["id"] in after
    assert len(after) == len(theirs) + 4  # ours: three rotations and one deleted


def test_a_copy_of_an_owned_event_is_deleted(google: FakeGoogle) -> None:
    sync(target(google), make_roster(ROSTER_A), DAY)
    copy = google.calendar.add_event(CALENDAR_ID, {
        key: value for key, value in events(google)["2022-08-10"].items() if key != "id"})

    changes = sync(target(google), make_roster(ROSTER_A), DAY).changes

    assert [(c.action, c.key) for c in changes] == [
        ("delete", f"2022-08-10 (copy {copy['id']})")]
    assert google.calendar.calendars[CALENDAR_ID].events[copy["id"]]["status"] == "cancelled"
    assert events(google)["2022-08-10"]["status"] == "confirmed"


def test_event_ids_are_base32hex_and_derived_from_namespace_and_start() -> None:
    ours = event_id_for("rotation-sync", "2022-08-10")
    assert ours == event_id_for("rotation-sync", "2022-08-10")
    assert set(ours) <= set("0123456789abcdefghijklmnopqrstuv") and 5 <= len(ours) <= 1024
    assert ours != event_id_for("other-team", "2022-08-10")
    assert ours != event_id_for("rotation-sync", "2022-08-17")
    padded = ours.upper() + "=" * (-len(ours) % 8)
    assert base64.b32hexdecode(padded) == b"rotation-sync:2022-08-10"


# -- resilience ------------------------------------------------------------------------------
def inserting(key: str) -> Any:
    return lambda r: r.method == "POST" and (r.json() or {}).get("id") == event_id_for(
        NAMESPACE, key)


def test_a_429_inside_a_batch_resends_only_that_call(google: FakeGoogle,
                                                     sleeps: list[float]) -> None:
    limited = calendar_error(429, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits")
    limited.headers["Retry-After"] = "7"
    google.fail_if(inserting("2022-09-07"), limited)

    sync(target(google), make_roster(ROSTER_A), DAY)

    assert len(batches(google)) == 2
    assert [r.json()["id"] for r in inner(google, "POST")].count(
        event_id_for(NAMESPACE, "2022-09-07")) == 2
    assert len(inner(google, "POST")) == 4, "the two that worked were not sent again"
    assert sleeps == [7.0], "Retry-After is honoured"
    assert len(events(google)) == 3


def test_rate_limits_and_server_errors_are_retried_per_call(google: FakeGoogle,
                                                            sleeps: list[float]) -> None:
    sync(target(google), make_roster(ROSTER_A), DAY)
    google.fail(r"^/calendar/v3/.*/events/", calendar_rate_limited(403), method="PATCH")
    google.fail(r"^/calendar/v3/.*/events/", google_error(503), method="DELETE")
    google.fail_if(inserting("2022-11-08"), google_error(500))

    sync(target(google), make_roster(ROSTER_B), DAY)

    assert plan(target(google), ROSTER_B).changes == []
    assert len(inner(google)) == 3 + 3 + 3
    assert len(sleeps) == 1


def test_reads_retry_5xx_and_dropped_connections(google: FakeGoogle,
                                                 sleeps: list[float]) -> None:
    sync(target(google), make_roster(ROSTER_A), DAY)
    google.fail(r"^/calendar/v3/calendars/[^/]+/events$", google_error(503))
    google.fail(r"^/calendar/v3/calendars/[^/]+/events$", DROP, times=2)  # httplib2 resends once

    assert plan(target(google)).changes == []
    assert len(sleeps) == 2


def test_a_batch_that_fails_whole_is_resent_whole(google: FakeGoogle,
                                                  sleeps: list[float]) -> None:
    google.fail(r"^/batch/calendar/v3$", google_error(502))
    sync(target(google), make_roster(ROSTER_A), DAY)
    assert len(batches(google)) == 2 and len(sleeps) == 1
    assert len(events(google)) == 3


def test_a_call_that_keeps_failing_is_reported_after_the_others(google: FakeGoogle) -> None:
    google.fail_if(inserting("2022-09-07"), google_error(500), times=100)
    calendar = target(google)

    with pytest.raises(TargetError) as failed:
        sync(calendar, make_roster(ROSTER_A), DAY)

    assert "refused 1 of 3 changes" in str(failed.value)
    assert "2022-09-07 (insert)" in str(failed.value)
    assert sorted(events(google)) == ["2022-08-10", "2022-10-10"]
    attempts = [r for r in inner(google, "POST")
                if r.json()["id"] == event_id_for(NAMESPACE, "2022-09-07")]
    assert len(attempts) == calendar.policy.attempts, "bounded"


def test_a_permanent_error_is_not_retried(google: FakeGoogle, sleeps: list[float]) -> None:
    google.fail_if(inserting("2022-09-07"), calendar_error(400, "invalid", "Invalid Value"))
    with pytest.raises(TargetError, match="400 Invalid Value"):
        sync(target(google), make_roster(ROSTER_A), DAY)
    assert len(inner(google)) == 3 and sleeps == []


def test_requests_time_out(google: FakeGoogle, monkeypatch: pytest.MonkeyPatch) -> None:
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    monkeypatch.setattr(calendar_google, "TIMEOUT_SECONDS", 0.2)
    endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/calendar/v3/"
    try:
        calendar = target(google, policy=RetryPolicy(attempts=2), calendar_endpoint=endpoint)
        with pytest.raises(TargetError, match="timed out"):
            calendar.read()
    finally:
        silent.close()


# -- configuration and access ----------------------------------------------------------------
def test_attendees_without_delegation_is_a_config_error(google: FakeGoogle) -> None:
    with pytest.raises(ConfigError) as refused:
        target(google, impersonate=None)
    message = str(refused.value)
    assert "set [calendar] impersonate to a Workspace user" in message
    assert "set attendees = false" in message
    assert google.calls() == [], "refused before any request"


def test_a_plain_service_account_can_sync_without_attendees(google: FakeGoogle) -> None:
    settings = EventSettings(SETTINGS.title, False, HANDBOOK)
    sync(target(google, settings, impersonate=None), make_roster(ROSTER_A), DAY)
    assert all("attendees" not in e or e["attendees"] == [] for e in events(google).values())
    assert google.oauth.grants[-1].subject is None
    assert plan(target(google, settings, impersonate=None)).changes == []


def test_an_unshared_calendar_says_whom_to_share_it_with(google: FakeGoogle) -> None:
    with pytest.raises(TargetError) as failed:
        target(google, calendar_id="nobody@group.calendar.google.com").read()
    assert f"share it with {BOT}" in str(failed.value)


def test_read_only_access_says_which_permission_is_missing(google: FakeGoogle) -> None:
    google.calendar.calendars[CALENDAR_ID].writers = {"someone@example.com"}
    with pytest.raises(TargetError) as failed:
        sync(target(google), make_roster(ROSTER_A), DAY)
    assert "Make changes to events" in str(failed.value)
    assert "refused 3 of 3 changes" in str(failed.value)


def test_delegation_not_granted_in_workspace_is_explained(
        google_server: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_key(make_service_account(google_server, client_email="no-dwd@test-project.iam"
                                 ".gserviceaccount.com", delegation_allowed=False),
            tmp_path, monkeypatch)
    google_server.calendar.add_calendar(CALENDAR_ID)
    try:
        with pytest.raises(TargetError, match="Domain-wide delegation"):
            target(google_server).read()
    finally:
        google_server.calendar.calendars.clear()


def test_endpoints() -> None:
    assert batch_uri("https://www.googleapis.com/calendar/v3/") == \
        "https://www.googleapis.com/batch/calendar/v3"
    assert batch_uri("https://proxy.example.com/google/calendar/v3") == \
        "https://proxy.example.com/google/batch/calendar/v3"
    assert batch_uri("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/batch/calendar/v3"


def test_an_endpoint_that_is_not_a_url_is_a_config_error(google: FakeGoogle) -> None:
    with pytest.raises(ConfigError, match="calendar_endpoint"):
        target(google, calendar_endpoint="www.googleapis.com")


# -- the command line, end to end ------------------------------------------------------------
def google_workspace(folder: Path, google: FakeGoogle, extra: str = "") -> Workspace:
    """csv roster → Google Calendar (the fake), Slack group file, handbook file."""
    workspace = make_workspace(folder)
    config = workspace.config.read_text().replace(
        '[calendar]\nkind = "ics"\npath = "out/rotations.ics"\n',
        f'[calendar]\nkind = "google"\ncalendar_id = "{CALENDAR_ID}"\n'
        f'calendar_endpoint = "{google.base_url}/calendar/v3/"\n{extra}')
    workspace.config.write_text(config)
    return workspace


def test_cli_syncs_then_a_second_sync_writes_nothing(google: FakeGoogle,
                                                     tmp_path: Path) -> None:
    workspace = google_workspace(tmp_path, google, f'impersonate = "{BOT}"\n')
    code, first = workspace.run_json("sync", "--today", DAY)
    assert code == 0, first
    assert len(first["targets"]["calendar"]["changes"]) == 3
    google.reset_log()

    code, second = workspace.run_json("sync", "--today", DAY)

    assert code == 0
    assert second["targets"]["calendar"]["changes"] == []
    assert google.writes() == [] and google.logical_writes() == []
    assert len(list_requests(google)) == 1


def test_cli_a_calendar_that_keeps_failing_exits_3_after_the_others(google: FakeGoogle,
                                                                    tmp_path: Path) -> None:
    workspace = google_workspace(tmp_path, google, f'impersonate = "{BOT}"\n')
    google.fail(r"calendar/v3", google_error(503), times=1000)

    code, document = workspace.run_json("sync", "--today", DAY)

    assert code == 3
    calendar = document["targets"]["calendar"]
    assert calendar["status"] == "failed"
    assert "Google Calendar failed while reading the events" in calendar["error"]
    assert document["targets"]["slack"]["status"] == "ok"
    assert workspace.slack_group()["members"]
    assert "2022-10-10 to 2022-11-07" in (tmp_path / "handbook" / "page.md").read_text()


def test_cli_mass_delete_is_refused_unless_forced(google: FakeGoogle, tmp_path: Path) -> None:
    workspace = google_workspace(tmp_path, google, f'impersonate = "{BOT}"\n')
    roster = tmp_path / "roster" / "rotations.csv"
    roster.write_text(to_csv(rotations_rows([*ROSTER_A, ROSTER_B[2]])))
    assert workspace.run("sync", "--today", DAY).exit_code == 0
    roster.write_text(to_csv(rotations_rows(ROSTER_A[:1])))
    google.reset_log()

    code, refused = workspace.run_json("sync", "--today", DAY)
    assert code == 1
    assert "mass-delete" in {f["code"] for f in refused["findings"]}
    assert google.logical_writes() == [], "refused before any write"

    code, forced = workspace.run_json("sync", "--today", DAY, "--force-delete")
    assert code == 0
    assert [c["action"] for c in forced["targets"]["calendar"]["changes"]] == ["delete"] * 3
    assert sorted(events(google)) == ["2022-08-10"]


def test_cli_attendees_without_impersonation_exits_2_before_any_write(
        google: FakeGoogle, tmp_path: Path) -> None:
    workspace = google_workspace(tmp_path, google)
    code, document = workspace.run_json("sync", "--today", DAY)
    assert code == 2
    assert "attendees = false" in document["error"]
    assert google.calls() == []
    assert not (tmp_path / "out" / "slack-usergroup.json").exists()
