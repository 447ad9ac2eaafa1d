"""What reading out-of-office calendars costs: token grants and events.list calls.

Against the fake Google of the tests (real google-auth JWT grants, real googleapiclient
calls over HTTP), for a running rotation of 3 engineers and an upcoming one of 3 (within
the 30-day horizon), each engineer with one out-of-office event.

    make bench            # or: .venv/bin/python benchmarks/bench_time_off.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sync.config.sections import TimeOff  # noqa: E402
from sync.core.findings import Findings  # noqa: E402
from sync.core.tabs.raw import RawRoster, RawTab  # noqa: E402
from sync.run.time_off import TimeOffCheck  # noqa: E402
from tests.helpers import PEOPLE, make_clock, make_roster  # noqa: E402
from tests.wire.fakes.google import (  # noqa: E402
    CALENDAR_EVENTS_READONLY_SCOPE,
    FakeGoogle,
    make_service_account,
)

RUNNING = ("2026-11-03", "2026-11-30", ["keegancsmith", "BolajiOlajide", "tbliu98"])
UPCOMING = ("2026-12-01", "2026-12-28", ["valerybugakov", "kenji-sato", "sven-larsen"])
SCENARIOS = {"a running rotation of 3": [RUNNING],
             "an upcoming rotation of 3": [UPCOMING],
             "both (6 engineers)": [RUNNING, UPCOMING]}


def cost(google: FakeGoogle, rotations: list[tuple[str, str, list[str | None]]]
         ) -> tuple[int, int, int]:
    google.reset_log()
    grants_before = len(google.oauth.grants)
    section = TimeOff(google_calendar=True, calendar_endpoint=f"{google.base_url}/calendar/v3/")
    findings = Findings()
    TimeOffCheck(section).check(make_roster(rotations),
                                RawRoster(RawTab("Rotations", []), RawTab("People", [])),
                                make_clock("2026-11-10"), findings)
    lists = len(google.calls("GET", r"/events$"))
    conflicts = sum(1 for f in findings.items if f.code == "time-off-conflict")
    return len(google.oauth.grants) - grants_before, lists, conflicts


def main() -> None:
    with FakeGoogle() as google, tempfile.TemporaryDirectory() as folder:
        info = make_service_account(google)
        key = Path(folder) / "key.json"
        key.write_text(json.dumps(info))
        os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(key)
        google.oauth.grant_delegation(info["client_email"], [CALENDAR_EVENTS_READONLY_SCOPE])
        for _name, email, _tz in PEOPLE.values():
            google.calendar.add_out_of_office(email, date(2026, 11, 20), date(2026, 11, 21))
            google.calendar.add_out_of_office(email, date(2026, 12, 10), date(2026, 12, 11))
        print("\nout-of-office calendars ([time_off] google_calendar), requests per run:")
        print(f"{'roster':<28}{'token grants':>14}{'events.list':>13}{'total':>7}{'conflicts':>11}")
        for name, rotations in SCENARIOS.items():
            grants, lists, conflicts = cost(google, rotations)
            print(f"{name:<28}{grants:>14}{lists:>13}{grants + lists:>7}{conflicts:>11}")


if __name__ == "__main__":
    main()
