"""What the hardening of issue 23 costs, per service.

- Sheets: requests per idle poll of a roster holding =NOW(), =RAND() and =TODAY() cells
  (the fake recalculates them on every read), after the first polls settle.
- HR feed: the time to fetch and read a feed of 2,000 events (a quarter recurring, with
  EXDATEs) over loopback HTTP, and how long a server trickling bytes holds a fetch whose
  deadline is 2 s.

    make bench            # or: .venv/bin/python benchmarks/bench_hardening.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apscheduler.schedulers.background import BackgroundScheduler  # noqa: E402

from sync.clients.fetch import FetchLimits  # noqa: E402
from sync.config.model import load_config  # noqa: E402
from sync.run.scheduler import NightlySync, new_scheduler  # noqa: E402
from sync.sources.time_off.feed import read_feed  # noqa: E402
from tests.conftest import make_workspace  # noqa: E402
from tests.helpers import PEOPLE, people, people_rows, rotations_rows  # noqa: E402
from tests.wire.fakes.feed import FakeFeed, FeedEvent, ics_feed  # noqa: E402
from tests.wire.fakes.google import FakeGoogle, Volatile, make_service_account  # noqa: E402

SHEET = "1BenchVolatileRoster"
POLLS = 20


def idle_poll_requests(folder: Path) -> float:
    with FakeGoogle() as google:
        key = folder / "key.json"
        key.write_text(json.dumps(make_service_account(google)))
        os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(key)
        rows: list[list[object]] = [[*row, "Checked"] for row in rotations_rows()]
        for row, formula in zip(rows[1:], ["=NOW()", "=RAND()", "=TODAY()"], strict=False):
            row[-1] = Volatile(formula)
        google.sheets.add_spreadsheet(SHEET, "Roster", {"Rotations": rows,
                                                        "People": people_rows()})
        workspace = make_workspace(folder / "ws")
        text = workspace.config.read_text()
        head, _, rest = text.partition("[source]")
        source = (f'[source]\nkind = "google_sheets"\nspreadsheet_id = "{SHEET}"\n'
                  f'sheets_endpoint = "{google.base_url}"\nstatus_tab = "Sync status"\n')
        workspace.config.write_text(head + source + rest[rest.index("\n[calendar]"):]
                                    + '\n[schedule]\npoll = "60s"\n')
        config = load_config(workspace.config)
        job = NightlySync(config, new_scheduler(config.tz, BackgroundScheduler))
        job.run("start")
        for _ in range(2):
            job.poller.tick()
        google.reset_log()
        for _ in range(POLLS):
            job.poller.tick()
        return len(google.requests) / POLLS


def feed_events(count: int) -> list[FeedEvent]:
    names = [name for name, _email, _tz in PEOPLE.values()]
    return [FeedEvent(f"{names[n % len(names)]} - out", date(2026, 11, 1) + timedelta(days=n % 60),
                      date(2026, 11, 2) + timedelta(days=n % 60)) for n in range(count)]


def recurring(text: str, every: int) -> str:
    """Every `every`-th event repeats weekly four times, its second time excluded."""
    parts = text.split("BEGIN:VEVENT")
    for n in range(1, len(parts), every):
        start = parts[n].split("DTSTART;VALUE=DATE:")[1][:8]
        day = date(int(start[:4]), int(start[4:6]), int(start[6:])) + timedelta(days=7)
        parts[n] = parts[n].replace("END:VEVENT", f"RRULE:FREQ=WEEKLY;COUNT=4\r\n"
                                    f"EXDATE;VALUE=DATE:{day:%Y%m%d}\r\nEND:VEVENT")
    return "BEGIN:VEVENT".join(parts)


def feed_figures() -> tuple[float, int, float]:
    with FakeFeed() as feed:
        url = feed.serve("/hr.ics", recurring(ics_feed(feed_events(2_000)), 4))
        began = time.perf_counter()
        found, problems = read_feed(url, people().values(), date(2026, 11, 1),
                                    date(2027, 1, 31))
        read_seconds = time.perf_counter() - began
        assert not problems
        slow = feed.trickle("/slow.ics", ics_feed(feed_events(50)))
        began = time.perf_counter()
        _found, cut = read_feed(slow, people().values(), date(2026, 11, 1), date(2027, 1, 31),
                                FetchLimits(deadline=2.0))
        assert cut and "deadline" in cut[0].text
        return read_seconds, len(found), time.perf_counter() - began


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        per_poll = idle_poll_requests(Path(folder))
    read_seconds, absences, held = feed_figures()
    print("Sheets: idle poll of a roster with =NOW(), =RAND(), =TODAY() cells: "
          f"{per_poll:.2f} requests a poll over {POLLS} polls")
    print(f"HR feed: 2,000 events (500 recurring weekly x4, one EXDATE each) fetched and "
          f"read in {read_seconds:.2f} s ({absences} absences)")
    print(f"HR feed: a server trickling one byte per 50 ms held the fetch {held:.2f} s "
          "(ics_deadline 2s)")


if __name__ == "__main__":
    main()
