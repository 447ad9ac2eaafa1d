"""The calendar contract suite against Google Calendar: google-api-python-client over real
HTTP to the fake Google server, with a two-event page size so every read pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sync.core.diff.plan import TargetPlan
from sync.targets.base import Target
from sync.targets.calendar.events import OWNER_KEY
from sync.targets.calendar.google import GoogleCalendar
from sync.targets.calendar.model import EventSettings
from sync.targets.calendar.settings import GoogleCalendar as CalendarSection
from tests.targets.contract import CalendarContract
from tests.wire.fakes.base import Response
from tests.wire.fakes.google import FakeGoogle, make_service_account

CALENDAR_ID = "c_rotations@group.calendar.google.com"
SETTINGS = EventSettings("Escalation engineer rotation: {engineers}", True)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeGoogle, dict[str, str]]]:
    with FakeGoogle() as google:
        yield google, make_service_account(google)


class TestGoogleCalendar(CalendarContract):
    @pytest.fixture(autouse=True)
    def _google(self, server: tuple[FakeGoogle, dict[str, str]], tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        self.google, info = server
        key = tmp_path / "key.json"
        key.write_text(json.dumps(info))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        self.google.calendar.add_calendar(CALENDAR_ID)
        self.google.calendar.page_size = 2
        yield
        with self.google.lock:
            self.google.reset_log()
            self.google.faults.clear()
            self.google.calendar.calendars.clear()
            self.google.calendar.page_size = None

    def make_target(self) -> Target:
        section = CalendarSection(kind="google", calendar_id=CALENDAR_ID,
                                  impersonate="oncall-bot@example.com",
                                  calendar_endpoint=f"{self.google.base_url}/calendar/v3/")
        return GoogleCalendar(SETTINGS, section)

    def writes(self) -> int:
        return len(self.google.logical_writes())

    @contextmanager
    def failing_half_way(self, plan: TargetPlan) -> Iterator[None]:
        """Inserts fail for good; the batch's updates and deletes go through."""
        def inserting(request: Any) -> bool:
            return bool(request.method == "POST" and request.path.endswith("/events"))

        self.google.fail_if(inserting, Response(500, {"error": {
            "code": 500, "message": "Backend Error", "errors": [{"reason": "backendError"}]}}),
            times=100)
        yield
        with self.google.lock:
            self.google.predicate_faults.clear()

    def tamper(self, target: Target) -> None:
        event = next(e for e in self.google.calendar.calendars[CALENDAR_ID].events.values()
                     if e["summary"].startswith("Escalation engineer rotation: Keegan"))
        event["summary"] = "Moved by hand: Keegan"

    def tamper_override(self) -> None:
        event = next(e for e in self.google.calendar.calendars[CALENDAR_ID].events.values()
                     if e["summary"].startswith("Kenji Sato covers"))
        event["summary"] = "Edited by hand"

    def add_foreign_event(self) -> None:
        self.google.calendar.add_foreign_event(CALENDAR_ID, {
            "summary": "Team offsite", "start": {"date": "2022-09-15"},
            "end": {"date": "2022-09-16"}})

    def foreign_events(self) -> int:
        return sum(1 for e in self.google.calendar.events(CALENDAR_ID)
                   if OWNER_KEY not in (e.get("extendedProperties") or {}).get("private", {}))
