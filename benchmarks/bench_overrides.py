"""Overrides at scale: 1,000 rotations with and without 500 Overrides rows, Sheets source to
Google Calendar against the fake Google (in a child process, as in bench_sync.py).

Prints, for each roster, the first sync's and the no-op sync's requests, and checks: the
Sheets request count per sync is still one, the no-op sync writes nothing, and the first
sync's Calendar batch calls grow by exactly the override events.

    make bench            # or: .venv/bin/python benchmarks/bench_overrides.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import (
    BOT,
    CALENDAR_ID,
    CONFIG,
    FIRST_DAY,
    PEOPLE,
    ROOT,
    SHEET_ID,
    Fake,
    Measure,
    measure,
    people_rows,
    rotation_rows,
)

from sync.config.model import Config, parse_config

ROTATIONS, OVERRIDES = 1_000, 500


def override_rows(count: int) -> list[list[Any]]:
    """One three-day override in every other rotation: its first engineer away, covered
    by someone who is not on it."""
    rows: list[list[Any]] = [["Start", "End", "Engineer", "Cover", "Note"]]
    for n in range(0, 2 * count, 2):
        start = FIRST_DAY + timedelta(weeks=4 * n, days=3)
        rows.append([start.isoformat(), (start + timedelta(days=2)).isoformat(),
                     f"engineer-{(3 * n) % PEOPLE}", f"engineer-{(3 * n + 20) % PEOPLE}",
                     "swap"])
    return rows


def scenarios(fake: Fake, config: Config, overrides: int) -> dict[str, Measure]:
    today = FIRST_DAY + timedelta(weeks=4 * (ROTATIONS // 2), days=1)
    tabs = [rotation_rows(ROTATIONS), people_rows()]
    tabs += [override_rows(overrides)] if overrides else []

    def first(_run: int) -> None:
        fake.ask("roster", *tabs)
        fake.ask("clear")

    def same(_run: int) -> None:
        fake.ask("roster", *tabs)

    return {"first sync": measure(fake, config, today, first),
            "no-op sync": measure(fake, config, today, same)}


def main() -> None:
    fake = Fake()
    results: dict[int, dict[str, Measure]] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            key = Path(folder) / "key.json"
            key.write_text(json.dumps(fake.info))
            os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(key)
            base = CONFIG.format(sheet=SHEET_ID, base=fake.base_url, calendar=CALENDAR_ID,
                                 bot=BOT)
            for overrides in (0, OVERRIDES):
                text = base.replace("sheets_endpoint", 'overrides_tab = "Overrides"\n'
                                    "sheets_endpoint") if overrides else base
                print(f"syncing {ROTATIONS:,} rotations, {overrides} overrides…",
                      file=sys.stderr, flush=True)
                results[overrides] = scenarios(fake, parse_config(tomllib.loads(text), ROOT),
                                               overrides)
    finally:
        fake.stop()
    report(results)


def report(results: dict[int, dict[str, Measure]]) -> None:
    print("| overrides | sync | Sheets | Calendar list | batches (calls) | writes | wall time |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for overrides, runs in results.items():
        for name, m in runs.items():
            c = m.counts
            print(f"| {overrides} | {name} | {c['sheets']} | {c['calendar_list']} | "
                  f"{c['batches']} ({c['batched_calls']}) | {c['writes']} | {m.seconds:.2f} s |")
    plain, lived = results[0]["first sync"].counts, results[OVERRIDES]["first sync"].counts
    grown = lived["batched_calls"] - plain["batched_calls"]
    checks = [
        (all(r.counts["sheets"] == 1 for runs in results.values() for r in runs.values()),
         "one Sheets request per sync, with the Overrides tab too"),
        (results[OVERRIDES]["no-op sync"].counts["writes"] == 0,
         f"no-op sync with {OVERRIDES} overrides: "
         f"{results[OVERRIDES]['no-op sync'].counts['writes']} writes (target: 0)"),
        (grown == OVERRIDES, f"first sync's Calendar batch calls grow by {grown} "
                             f"(target: {OVERRIDES}, one per override event)"),
    ]
    print()
    for ok, text in checks:
        print(f"{'met    ' if ok else 'NOT MET'}  {text}")
    sys.exit(0 if all(ok for ok, _ in checks) else 1)


if __name__ == "__main__":
    main()
