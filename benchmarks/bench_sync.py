"""How the Google Calendar sync scales: requests, wall time and memory per roster size.

Syncs generated rosters of 10, 100, 1,000 and 5,000 rotations (40 engineers, three per
rotation) from the Google Sheets source to the Google Calendar target, both against the
fake Google server of the tests (tests/wire/fakes/google.py) at its real page size, and prints,
for a first sync, a no-op sync and a one-rotation change: the HTTP requests made, the wall
time and the peak memory (tracemalloc, measured in a second, identical run so that tracing
does not slow the timed one). Then the time to plan 5,000 rotations (pure planner, no I/O),
and whether each target of the issue is met.

The fake runs in a child process, so its CPU time and memory are not counted as ours.

Then the request floor of a whole sync across every service (benchmarks/floor.py).

    make bench            # or: .venv/bin/python benchmarks/bench_sync.py [--sizes 10,100]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import tomllib
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import floor  # noqa: E402
from benchmarks.world import FIRST_DAY, people_rows, rotation_rows  # noqa: E402
from sync.config.model import Config, parse_config  # noqa: E402
from sync.core.diff.plan import diff  # noqa: E402
from sync.core.lived.clock import Clock  # noqa: E402
from sync.core.rules.validate import validate  # noqa: E402
from sync.core.tabs.raw import RawRoster, RawTab  # noqa: E402
from sync.run.engine import Engine  # noqa: E402
from sync.run.factory import Wiring, make_source, make_targets  # noqa: E402
from sync.targets.base import Snapshot  # noqa: E402
from sync.targets.calendar.google import EventsSnapshot, GoogleCalendar  # noqa: E402
from tests.wire.fakes.google import (  # noqa: E402
    FakeGoogle,
    make_service_account,
)

SIZES = (10, 100, 1_000, 5_000)
SHEET_ID = "1BenchmarkRosterSheet"
CALENDAR_ID = "c_benchmark@group.calendar.google.com"
BOT = "oncall-bot@example.com"
CONFIG = """
timezone = "UTC"
[source]
kind = "google_sheets"
spreadsheet_id = "{sheet}"
sheets_endpoint = "{base}"
[calendar]
kind = "google"
calendar_id = "{calendar}"
impersonate = "{bot}"
calendar_endpoint = "{base}/calendar/v3/"
"""


# -- the fake, in its own process ------------------------------------------------------------
def serve(pipe: Connection) -> None:
    """The child: a fake Google answering the parent's HTTP, and a few commands on `pipe`."""
    with FakeGoogle() as google:
        info = make_service_account(google)
        google.calendar.add_calendar(CALENDAR_ID)
        pipe.send((google.base_url, info))
        while True:
            command, *args = pipe.recv()
            if command == "stop":
                return
            pipe.send(handle(google, command, args))


def handle(google: FakeGoogle, command: str, args: list[Any]) -> Any:
    with google.lock:
        if command == "roster":
            tabs = {"Rotations": args[0], "People": args[1]}
            google.sheets.add_spreadsheet(SHEET_ID, "Roster", tabs | (
                {"Overrides": args[2]} if len(args) > 2 else {}))
        elif command == "clear":
            google.calendar.calendars[CALENDAR_ID].events.clear()
        elif command == "counts":
            counts = request_counts(google)
            google.reset_log()
            return counts
    return None


def request_counts(google: FakeGoogle) -> dict[str, int]:
    def count(pattern: str) -> int:
        return len(google.calls(None, pattern))

    return {"sheets": count(r"^/v4/spreadsheets/"),
            "calendar_list": len(google.calls("GET", r"^/calendar/v3/calendars/[^/]+/events$")),
            "calendar_other": len(google.calls(None, r"^/calendar/v3/")) - len(
                google.calls("GET", r"^/calendar/v3/calendars/[^/]+/events$")),
            "batches": count(r"^/batch/calendar/v3$"),
            "batched_calls": len(google.inner_requests),
            "auth": count(r"^/token$"),  # token grants
            "writes": len(google.logical_writes())}


class Fake:
    """The parent's handle on the child process."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child,), daemon=True)
        self.process.start()
        self.base_url, self.info = self.pipe.recv()

    def ask(self, command: str, *args: Any) -> Any:
        self.pipe.send((command, *args))
        return self.pipe.recv()

    def stop(self) -> None:
        self.pipe.send(("stop",))
        self.process.join(timeout=10)


# -- one sync, measured --------------------------------------------------------------------
@dataclass
class Measure:
    counts: dict[str, int]
    seconds: float
    peak_mib: float

    @property
    def http(self) -> int:
        """API round trips: Sheets, Calendar and batch envelopes (auth counted apart)."""
        return self.counts["sheets"] + self.counts["calendar_list"] + \
            self.counts["calendar_other"] + self.counts["batches"]


def run_sync(config: Config, today: date) -> None:
    clock = Clock.at(config.tz, config.handoff_time, today)
    wiring = Wiring(config)  # one run: one Google credential for Sheets and Calendar
    result = Engine(make_source(config, wiring), wiring.targets(), clock).run(apply=True)
    failed = {name: r.error for name, r in result.targets.items() if r.status == "failed"}
    if result.exit_code != 0 or failed:
        raise SystemExit(f"sync failed (exit {result.exit_code}): {failed or result.findings}")


def measure(fake: Fake, config: Config, today: date, prepare: Callable[[int], None]) -> Measure:
    """Time one sync untraced, then run an identical one (after `prepare`) under tracemalloc."""
    prepare(0)
    fake.ask("counts")
    started = time.perf_counter()
    run_sync(config, today)
    seconds = time.perf_counter() - started
    counts = fake.ask("counts")
    prepare(1)
    tracemalloc.start()
    run_sync(config, today)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    fake.ask("counts")
    return Measure(counts, seconds, peak / 2**20)


def bench_size(fake: Fake, config: Config, size: int) -> dict[str, Measure]:
    people = people_rows()
    today = FIRST_DAY + timedelta(weeks=4 * (size // 2), days=1)

    def first(_run: int) -> None:
        fake.ask("roster", rotation_rows(size), people)
        fake.ask("clear")

    def same(_run: int) -> None:
        fake.ask("roster", rotation_rows(size), people)

    def change(run: int) -> None:  # re-staff one rotation, then put it back
        fake.ask("roster", rotation_rows(size, changed=size // 2 if run == 0 else None), people)

    return {"first sync": measure(fake, config, today, first),
            "no-op sync": measure(fake, config, today, same),
            "one-rotation change": measure(fake, config, today, change)}


def plan_seconds(config: Config, size: int) -> tuple[float, float]:
    """Median time to validate, and to plan (desired + diff, no I/O), `size` rotations."""
    raw = RawRoster(RawTab("Rotations", rotation_rows(size)), RawTab("People", people_rows()))
    clock = Clock.at(config.tz, config.handoff_time, FIRST_DAY)
    target = make_targets(config)["calendar"]
    assert isinstance(target, GoogleCalendar)
    validating, planning = [], []
    for _ in range(3):
        started = time.perf_counter()
        roster, _findings = validate(raw, clock)
        validating.append(time.perf_counter() - started)
        assert roster is not None
        started = time.perf_counter()
        desired, _notes = target.desired(roster, clock, Snapshot())
        target.diff(desired, EventsSnapshot(dict(desired), raw={}), clock)  # a no-op plan
        # compares every event
        diff(desired, {})  # and a first sync creates every one
        planning.append(time.perf_counter() - started)
    return statistics.median(validating), statistics.median(planning)


# -- report --------------------------------------------------------------------------------
def table(results: dict[int, dict[str, Measure]]) -> list[str]:
    lines = ["| rotations | sync | HTTP requests | Sheets | Calendar list | batches (calls) "
             "| auth | wall time | peak memory |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size, scenarios in results.items():
        for name, m in scenarios.items():
            c = m.counts
            lines.append(f"| {size:,} | {name} | {m.http} | {c['sheets']} | "
                         f"{c['calendar_list']} | {c['batches']} ({c['batched_calls']}) | "
                         f"{c['auth']} | {m.seconds:.2f} s | {m.peak_mib:.1f} MiB |")
    return lines


def verdicts(results: dict[int, dict[str, Measure]], plan_time: float | None
             ) -> list[tuple[bool, str]]:
    checks = []
    for size, scenarios in results.items():
        noop = scenarios["no-op sync"].counts
        pages = math.ceil(size / 2500)
        ok = noop["sheets"] <= 1 and noop["calendar_list"] == pages and noop["writes"] == 0 \
            and noop["calendar_other"] == 0 and noop["batches"] == 0
        checks.append((ok, f"no-op sync of {size:,}: {noop['sheets']} Sheets + "
                           f"{noop['calendar_list']} Calendar list request(s), "
                           f"{noop['writes']} writes (target: <= 1 + {pages}, no writes)"))
    if 1_000 in results:
        first = results[1_000]["first sync"]
        total = first.http + first.counts["auth"]
        checks.append((total <= 25, f"first sync of 1,000: {total} HTTP requests "
                                    f"({first.http} API, {first.counts['auth']} auth) "
                                    "(target: <= 25)"))
    if plan_time is not None:
        checks.append((plan_time < 1.0, f"planning 5,000 rotations: {plan_time:.3f} s "
                                        "(target: < 1 s)"))
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated roster sizes (default: %(default)s)")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    fake = Fake()
    try:
        with tempfile.TemporaryDirectory() as folder:
            key = Path(folder) / "key.json"
            key.write_text(json.dumps(fake.info))
            os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(key)
            config = parse_config(tomllib.loads(CONFIG.format(
                sheet=SHEET_ID, base=fake.base_url, calendar=CALENDAR_ID, bot=BOT)), ROOT)
            results = {}
            for size in sizes:
                print(f"syncing {size:,} rotations…", file=sys.stderr, flush=True)
                results[size] = bench_size(fake, config, size)
            validate_time, plan_time = plan_seconds(config, 5_000)
    finally:
        fake.stop()
    print("measuring the request floor across all services…", file=sys.stderr, flush=True)
    floor_scenarios = floor.measure(os.environ)
    print("\n".join(table(results)))
    print("\nRequests per service, whole sync (Google, Slack, GitHub fakes; events paged at "
          f"{floor.PAGE}):\n")
    print("\n".join(floor.table(floor_scenarios)))
    print(f"\nplan 5,000 rotations (desired + diff, no I/O): {plan_time:.3f} s "
          f"(validating them first: {validate_time:.3f} s)\n")
    checks = verdicts(results, plan_time) + floor.checks(floor_scenarios)
    for ok, text in checks:
        print(f"{'met    ' if ok else 'NOT MET'}  {text}")
    sys.exit(0 if all(ok for ok, _ in checks) else 1)


if __name__ == "__main__":
    main()
