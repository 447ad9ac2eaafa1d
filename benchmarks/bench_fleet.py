"""A fleet of 250 rosters (1,000 people) from one process: figures per service.

Against the tests' fake Google (Sheets and Drive) and fake Slack, both enforcing per-minute
quotas (429 beyond them; the minute is scaled down to `--window` seconds so the bench does
not take an hour: the quotas' shape is kept, and the floor the real quotas put on the wall
time is printed too). For 25 and 250 rosters it prints the first sync and the no-op sync
(`rotation-sync sync -c fleet.toml`, run as a child process): wall time, requests per
service, 429s met and peak memory (the child's max RSS, fixed costs included); then the idle poll of
`schedule` (requests a poll), and whether the growth from 25 to 250 rosters is linear or
better (time and memory per roster no more than 25 % above the small fleet's).

    make bench     # or: .venv/bin/python benchmarks/bench_fleet.py [--sizes 25,250] [--window 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apscheduler.schedulers.background import BackgroundScheduler  # noqa: E402

from sync.fleet.model import load_fleet  # noqa: E402
from sync.fleet.schedule import FleetSchedule  # noqa: E402
from sync.run.scheduler import new_scheduler  # noqa: E402
from tests.fleet.many import build_fleet, handle, roster_name  # noqa: E402
from tests.wire.fakes.drive import FakeDrive, QuotaSlack  # noqa: E402
from tests.wire.fakes.quota import Quota  # noqa: E402
from tests.wire.fakes.slack import DEFAULT_TOKEN  # noqa: E402

QUOTAS = {"sheets-read": 60, "sheets-write": 60, "drive": 1000, "slack": 20}
GROWTH_TOLERANCE = 1.25


def fleet_table(window: float) -> str:
    return (f"[fleet]\ndrive_endpoint = \"{{base}}\"\n\n[fleet.quotas]\n"
            f"sheets_reads_per_minute = {QUOTAS['sheets-read']}\n"
            f"sheets_writes_per_minute = {QUOTAS['sheets-write']}\n"
            f"drive_per_minute = {QUOTAS['drive']}\n"
            f"slack_per_minute = {QUOTAS['slack']}\nwindow_seconds = {window}\n")


def counts(google: FakeDrive, slack: QuotaSlack) -> dict[str, int]:
    def of(pattern: str) -> int:
        return len([r for r in google.calls(None, pattern)])
    result = {"sheets": of(r"^/v4/spreadsheets/"), "drive": of(r"^/drive/"),
              "google auth": of(r"^/token$"), "slack": len(slack.calls()),
              "429": (google.quotas.refused if google.quotas else 0)
              + (slack.quotas.refused if slack.quotas else 0)}
    google.reset_log()
    slack.reset_log()
    for quotas in (google.quotas, slack.quotas):
        for quota in (quotas.limits.values() if quotas else ()):
            quota.refused = 0
    return result


def run_sync(fleet: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak memory (MiB) and exit code of one `sync -c fleet.toml`."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "sync", "sync", "-c", str(fleet),
                              "--json"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def idle_poll(fleet: Path, google: FakeDrive) -> float:
    """Requests per idle poll of `schedule` (token grants aside), over 5 polls."""
    loaded = load_fleet(fleet)
    schedule = FleetSchedule(loaded, loaded.rosters,
                             new_scheduler(ZoneInfo("UTC"), BackgroundScheduler))
    schedule.poll.tick()  # the start page token
    google.reset_log()
    for _ in range(5):
        schedule.poll.tick()
    return len([r for r in google.calls() if r.path != "/token"]) / 5


def measure(size: int, window: float, google: FakeDrive, slack: QuotaSlack,
            folder: Path) -> dict[str, Any]:
    folder.mkdir()
    for number in range(4 * size):
        slack.add_user(handle(number), f"eng{number}@example.com")
    for index in range(size):
        slack.add_group(roster_name(index))
    fleet = build_fleet(folder, google, size, slack_url=slack.api_url,
                        fleet_table=fleet_table(window).replace("{base}", google.base_url))
    env = {**os.environ, "GOOGLE_APPLICATION_CREDENTIALS": str(folder / "service-account.json"),
           "SLACK_BOT_TOKEN": DEFAULT_TOKEN}
    os.environ.update({"GOOGLE_APPLICATION_CREDENTIALS": env["GOOGLE_APPLICATION_CREDENTIALS"]})
    google.reset_log()
    slack.reset_log()
    first = run_sync(fleet, env)
    first_counts = counts(google, slack)
    noop = run_sync(fleet, env)
    noop_counts = counts(google, slack)
    return {"size": size, "first": first, "first_counts": first_counts, "noop": noop,
            "noop_counts": noop_counts, "idle": idle_poll(fleet, google)}


def show(row: dict[str, Any], window: float) -> None:
    size = row["size"]
    print(f"\n{size} rosters ({4 * size} people)")
    for label in ("first", "noop"):
        seconds, memory, code = row[label]
        requests = row[f"{label}_counts"]
        print(f"  {label:5} sync: exit {code}, {seconds:7.1f} s wall (quota minute = "
              f"{window:g} s; at the real quotas at least {real_minutes(requests):.0f} min), "
              f"peak {memory:.0f} MiB")
        print("              requests: " + ", ".join(f"{k} {v}" for k, v in requests.items()))
    print(f"  idle poll: {row['idle']:.1f} request(s) a poll")


def real_minutes(requests: dict[str, int]) -> float:
    """The floor the published quotas put on the wall time: the busiest service's requests
    over its quota (the limiters keep 90 % of it)."""
    return max(requests[name] / (0.9 * QUOTAS[service])
               for name, service in (("sheets", "sheets-read"), ("slack", "slack")))


def verdict(rows: list[dict[str, Any]]) -> None:
    small, large = rows[0], rows[-1]
    scale = large["size"] / small["size"]
    time_ratio = large["first"][0] / small["first"][0] / scale
    memory_ratio = large["first"][1] / small["first"][1] / scale
    linear = time_ratio <= GROWTH_TOLERANCE and memory_ratio <= GROWTH_TOLERANCE
    print(f"\ngrowth {small['size']} -> {large['size']} rosters (x{scale:g}): time per roster "
          f"x{time_ratio:.2f}, memory per roster x{memory_ratio:.2f}: "
          f"{'linear or better' if linear else 'WORSE THAN LINEAR'}")
    refused = sum(r[f"{k}_counts"]["429"] for r in rows for k in ("first", "noop"))
    print(f"429 answers met: {refused} ({'none' if refused == 0 else 'QUOTA EXCEEDED'})")
    idle = max(r["idle"] for r in rows)
    print(f"idle poll: {idle:g} request(s) a poll for the whole fleet "
          f"({'met' if idle <= 1 else 'NOT MET'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,250")
    parser.add_argument("--window", type=float, default=1.0,
                        help="seconds standing in for the quotas' minute")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"Fleet benchmark: quotas per minute {QUOTAS}, minute scaled to {args.window:g} s")
    rows = []
    with tempfile.TemporaryDirectory() as folder, FakeDrive() as google, \
            QuotaSlack() as slack:
        google.set_quotas({name: Quota(limit, args.window) for name, limit in QUOTAS.items()
                           if name != "slack"})
        slack.set_quota(Quota(QUOTAS["slack"], args.window))
        for size in sizes:
            rows.append(measure(size, args.window, google, slack, Path(folder) / str(size)))
            show(rows[-1], args.window)
    verdict(rows)


if __name__ == "__main__":
    main()
