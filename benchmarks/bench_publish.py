"""What writing the feeds and the page costs: 1,000 rotations, 200 people, 500 overrides.

On local backends (CSV source, .ics calendar, Slack file, handbook file) with [feeds] and
[page]: the time to render and write every feed (all.ics and one per person) and the page
from a validated roster (best of 3, each into an empty folder), then the same on an unchanged
roster (nothing rewritten), then two whole `sync` runs: the second must rewrite no file at
all (every modification time kept).
Targets: writing all feeds and the page under 1 s; a no-op sync rewrites no file.

    make bench            # or: .venv/bin/python benchmarks/bench_publish.py
"""

from __future__ import annotations

import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.world import FIRST_DAY, ZONES  # noqa: E402
from sync.config.model import Config, load_config  # noqa: E402
from sync.core.lived.clock import Clock  # noqa: E402
from sync.run.engine import Engine  # noqa: E402
from sync.run.factory import make_source  # noqa: E402
from sync.run.publish import publish  # noqa: E402
from sync.run.runner import run_sync  # noqa: E402

ROTATIONS, PEOPLE, OVERRIDES = 1_000, 200, 500
TARGET_SECONDS = 1.0
REPEATS = 3
CONFIG = """
timezone = "America/Los_Angeles"
state_dir = "state"
[source]
kind = "csv"
rotations = "rotations.csv"
people = "people.csv"
overrides = "overrides.csv"
[calendar]
kind = "ics"
path = "out/rotations.ics"
[slack]
kind = "file"
path = "out/slack.json"
usergroup = "escalation-engineers"
[feeds]
dir = "out/feeds"
[page]
dir = "out/page"
"""


def write_world(folder: Path) -> None:
    people = [["GitHub", "Name", "Email", "Timezone"]] + [
        [f"engineer-{n}", f"Engineer {n}", f"engineer-{n}@example.com", ZONES[n % len(ZONES)]]
        for n in range(PEOPLE)]
    rotations: list[list[Any]] = [["Start", "End", "Engineers"]]
    overrides: list[list[Any]] = [["Start", "End", "Engineer", "Cover", "Note"]]
    for n in range(ROTATIONS):
        start = FIRST_DAY + timedelta(weeks=4 * n)
        staff = [f"engineer-{(3 * n + k) % PEOPLE}" for k in range(3)]
        rotations.append([start, start + timedelta(days=27), ", ".join(staff)])
        if n % 2 == 0 and len(overrides) <= OVERRIDES:
            away = start + timedelta(days=3)
            overrides.append([away, away + timedelta(days=2), staff[0],
                              f"engineer-{(3 * n + 100) % PEOPLE}", "swap"])
    for name, rows in (("people", people), ("rotations", rotations), ("overrides", overrides)):
        with (folder / f"{name}.csv").open("w", newline="") as stream:
            csv.writer(stream).writerows(rows)
    (folder / "rotation-sync.toml").write_text(CONFIG)


def mtimes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (folder / "out").rglob("*") if p.is_file()}


def timed_publish(config: Config, clock: Clock) -> tuple[float, int]:
    roster = Engine(make_source(config), {}, clock).validate().roster
    assert roster is not None
    started = time.perf_counter()
    outcomes = publish(config, roster, clock)
    seconds = time.perf_counter() - started
    assert all(o.status == "ok" for o in outcomes.values()), outcomes
    return seconds, sum(len(o.changes) for o in outcomes.values())


def main() -> None:
    os.environ.setdefault("ROTATION_SYNC_FEED_SECRET", "benchmark-secret-0123456789")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_world(folder)
        config = load_config(folder / "rotation-sync.toml")
        today = FIRST_DAY + timedelta(weeks=4 * (ROTATIONS // 2), days=1)
        clock = Clock.at(config.tz, config.handoff_time, today)
        firsts = []
        for _ in range(REPEATS):  # the best of a few: a shared machine's load is noise
            shutil.rmtree(folder / "out", ignore_errors=True)
            seconds, written = timed_publish(config, clock)
            firsts.append(seconds)
        first = min(firsts)
        files = len(mtimes(folder))
        again, rewritten = timed_publish(config, clock)
        run_sync(config, clock)
        before = mtimes(folder)
        started = time.perf_counter()
        run_sync(config, clock)
        sync_seconds = time.perf_counter() - started
        touched = sum(1 for path, mtime in mtimes(folder).items() if before.get(path) != mtime)
    print(f"\nfeeds and page: {ROTATIONS:,} rotations, {PEOPLE} people, {OVERRIDES} overrides")
    print(f"{'run':<40}{'seconds':>9}{'files written':>15}")
    print(f"{'publish, first (all feeds and the page)':<40}{first:>9.3f}{written:>15}"
          f"   (best of {REPEATS}; median {statistics.median(firsts):.3f} s)")
    print(f"{'publish, unchanged roster':<40}{again:>9.3f}{rewritten:>15}")
    print(f"{'whole sync, no-op (every target)':<40}{sync_seconds:>9.3f}{touched:>15}")
    print(f"({files} files in all: all.ics, {PEOPLE} person feeds, index.html, now.json)")
    met = first < TARGET_SECONDS and rewritten == 0 and touched == 0
    print(f"target: writing all feeds and the page < {TARGET_SECONDS:.0f} s, a no-op sync "
          f"rewrites no file: {'met' if met else 'MISSED'}")
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
