"""vcrpy cassettes pin the wire format of every Calendar call the adapter makes.

By default the cassettes in tests/wire/cassettes/calendar/ are replayed (no server, no network):
`GoogleCalendar` runs at https://www.googleapis.com/calendar/v3/ with anonymous credentials
and vcrpy answers from the cassette, so a change in which calls are made, or in how their
answers are read, fails here. Pinned: events.list (paged, filtered on our private property),
a single events.delete, batch responses holding inserts, patches, deletes and a 409 duplicate,
and the 404 of a calendar that is not shared. Requests match on method, path and query (not
host or port); the Authorization header is filtered out and the OAuth token exchanges are not
recorded.

Re-record them against the fake Google (tests/wire/fakes/google.py) with one command:

    .venv/bin/pytest tests/wire/test_calendar_cassettes.py --record-mode=rewrite

Against the real Calendar API, prefix that command with CALENDAR_CASSETTE_KEY=key.json
(a service account with domain-wide delegation for the calendar.events scope)
CALENDAR_CASSETTE_ID=<a scratch calendar's id> CALENDAR_CASSETTE_USER=<the Workspace user it
acts as, who can edit that calendar>. The calendar id and the user's address are replaced by
the placeholders below in what is recorded; the run leaves the calendar as it found it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from google.auth.credentials import AnonymousCredentials
from googleapiclient.discovery import build

from sync.errors import TargetError
from sync.targets.calendar import google as calendar_google
from sync.targets.calendar.events import event_id_for
from sync.targets.calendar.google import GoogleCalendar
from sync.targets.calendar.model import EventSettings
from sync.targets.calendar.settings import GoogleCalendar as CalendarSection
from tests.helpers import make_clock, make_roster
from tests.targets.contract import ROSTER_A, ROSTER_B, sync
from tests.wire.fakes.google import (
    CALENDAR_EVENTS_SCOPE,
    FakeGoogle,
    fake_credentials,
    make_service_account,
)

CASSETTES = Path(__file__).parent / "cassettes" / "calendar"
CALENDAR_ID = "c_cassette@group.calendar.google.com"
USER = "oncall-bot@example.com"
NAMESPACE = "cassette"
REPLAY_ENDPOINT = "https://www.googleapis.com/calendar/v3/"
SETTINGS = EventSettings("Escalation engineer rotation: {engineers}", True,
                         "https://github.com/acme/handbook/blob/main/rotation.md")
DAY = "2022-09-10"


@dataclass
class Api:
    """Where the adapter talks: the cassette (replay), the fake or the real API."""

    endpoint: str
    calendar_id: str
    user: str
    credentials: Any  # for the hand-made deletion, made beside the adapter


def scrub(text: str) -> str:
    """Put the placeholders in place of a real calendar id and user (both quoted forms), and
    mask the bearer tokens the client copies into every part of a batch."""
    text = re.sub(r"(?i)(authorization: )[^\r\n]*", r"\1REDACTED", text)
    for real, placeholder in ((os.environ.get("CALENDAR_CASSETTE_ID"), CALENDAR_ID),
                              (os.environ.get("CALENDAR_CASSETTE_USER"), USER)):
        if real:
            text = text.replace(real, placeholder).replace(quote(real, safe=""),
                                                           quote(placeholder, safe=""))
    return text


def before_record_request(request: Any) -> Any:
    """Leave token exchanges out; scrub ids."""
    if request.path.endswith("/token"):
        return None
    request.uri = scrub(request.uri)
    if isinstance(request.body, bytes):
        request.body = scrub(request.body.decode("utf-8", "replace")).encode()
    return request


def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response["body"]["string"]
    if isinstance(body, bytes):
        response["body"]["string"] = scrub(body.decode("utf-8", "replace")).encode()
    return response


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {"filter_headers": ["authorization"], "match_on": ("method", "path", "query"),
            "before_record_request": before_record_request,
            "before_record_response": before_record_response,
            "decode_compressed_response": True}


@pytest.fixture(autouse=True)
def every_answer_is_used(vcr: Any, record_mode: str) -> Iterator[None]:
    """On replay the adapter must make exactly the recorded calls, no fewer."""
    yield
    if record_mode == "none" and vcr is not None:
        assert vcr.all_played, "the adapter no longer makes every recorded call"


@pytest.fixture
def api(record_mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    if record_mode == "none":
        monkeypatch.setattr(calendar_google, "credentials",
                            lambda scopes, subject=None: AnonymousCredentials())
        yield Api(REPLAY_ENDPOINT, CALENDAR_ID, USER, AnonymousCredentials())
    elif os.environ.get("CALENDAR_CASSETTE_ID"):
        key = os.environ["CALENDAR_CASSETTE_KEY"]
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", key)
        info = json.loads(Path(key).read_text())
        user = os.environ["CALENDAR_CASSETTE_USER"]
        yield Api(REPLAY_ENDPOINT, os.environ["CALENDAR_CASSETTE_ID"], user,
                  fake_credentials(info, [CALENDAR_EVENTS_SCOPE], subject=user))
    else:
        with FakeGoogle() as google:
            info = make_service_account(google)
            (tmp_path / "key.json").write_text(json.dumps(info))
            monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "key.json"))
            google.calendar.add_calendar(CALENDAR_ID)
            google.calendar.page_size = 2  # so a page token is on the record
            yield Api(f"{google.base_url}/calendar/v3/", CALENDAR_ID, USER,
                      fake_credentials(info, [CALENDAR_EVENTS_SCOPE], subject=USER))


def target(api: Api, calendar_id: str | None = None) -> GoogleCalendar:
    section = CalendarSection(kind="google", calendar_id=calendar_id or api.calendar_id,
                              impersonate=api.user, namespace=NAMESPACE,
                              calendar_endpoint=api.endpoint)
    return GoogleCalendar(SETTINGS, section)


def delete_by_hand(api: Api, key: str) -> None:
    """What someone deleting the event in the Calendar UI does: one events.delete."""
    service = build("calendar", "v3", credentials=api.credentials, static_discovery=True,
                    cache_discovery=False, client_options={"api_endpoint": api.endpoint})
    service.events().delete(calendarId=api.calendar_id,
                            eventId=event_id_for(NAMESPACE, key)).execute()


def keys(api: Api) -> list[str]:
    return sorted(target(api).read())


@pytest.mark.vcr
def test_lifecycle(api: Api) -> None:
    """First sync, a roster change, an event deleted by hand and restored, then cleanup."""
    sync(target(api), make_roster(ROSTER_A), DAY)
    assert keys(api) == ["2022-08-10", "2022-09-07", "2022-10-10"]

    changed = sync(target(api), make_roster(ROSTER_B), DAY)
    assert [(c.action, c.key) for c in changed.changes] == [
        ("update", "2022-09-07"), ("delete", "2022-10-10"), ("create", "2022-11-08")]

    delete_by_hand(api, "2022-11-08")
    restored = sync(target(api), make_roster(ROSTER_B), DAY)
    assert [(c.action, c.key) for c in restored.changes] == [("create", "2022-11-08")]
    assert target(api).plan(make_roster(ROSTER_B), make_clock(DAY)).changes == []

    sync(target(api), make_roster([]), DAY)  # leave the calendar as we found it
    assert keys(api) == []


@pytest.mark.vcr
def test_calendar_not_shared(api: Api) -> None:
    with pytest.raises(TargetError, match="is not shared with"):
        target(api, "c_not_shared_with_us@group.calendar.google.com").read()


def test_cassettes_pin_the_documented_shapes() -> None:
    """What the adapter relies on, as it was recorded (read straight from the YAML)."""
    text = (CASSETTES / "test_lifecycle.yaml").read_text()
    assert "Bearer" not in text and "ya29." not in text, "no token on the record"
    recorded = yaml.safe_load(text)["interactions"]
    requests = [i["request"] for i in recorded]
    assert all("authorization" not in {h.lower() for h in r["headers"]} for r in requests)
    assert not [r for r in requests if r["uri"].endswith("/token")]

    lists = [json.loads(i["response"]["body"]["string"]) for i in recorded
             if i["request"]["method"] == "GET" and i["request"]["uri"].split("?")[0]
             .endswith("/events")]
    event = next(e for page in lists for e in page["items"])
    assert {"id", "status", "summary", "description", "start", "end", "attendees",
            "extendedProperties"} <= set(event)
    assert set(event["start"]) == {"date"}
    assert event["extendedProperties"]["private"]["rotation-sync"] == NAMESPACE
    assert all(page["kind"] == "calendar#events" for page in lists)

    batches = [i["response"] for i in recorded if "/batch/calendar/v3" in i["request"]["uri"]]
    content_types = {b["headers"].get("Content-Type", b["headers"].get("content-type"))[0]
                     .split(";")[0] for b in batches}
    assert content_types == {"multipart/mixed"}
    parts = "".join(b["body"]["string"] for b in batches)
    for status in ("HTTP/1.1 200", "HTTP/1.1 204", "HTTP/1.1 409"):
        assert status in parts
    assert '"reason": "duplicate"' in parts
