"""The request floor: HTTP requests per service of a whole sync, against the fakes.

An independent fake world: 1,000 four-week rotations of 40 engineers in a Google Sheet, the
Google Calendar paging events at 250 (as the API does by default), a Slack workspace with
every engineer and the user group, and the handbook page in a GitHub repository (commit
mode). Three syncs in a row share one state directory: a first sync, a no-op sync, and a
sync after one rotation (the current one) is re-staffed. Each service's count is printed
with the floor the APIs allow beside it, and checked against it.

    make bench         # or: .venv/bin/python benchmarks/floor.py

The floor per sync: one token grant for every Google scope; one Sheets read; one Calendar
list page per 250 events and one batch per 50 writes; one Slack read of the group, a lookup
only for an engineer not met before and one update when the members change; one GitHub read
of the page and one write when its table changes.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.services import empty_page  # noqa: E402
from benchmarks.world import CURRENT, PEOPLE, people_rows, rotation_rows, today  # noqa: E402
from sync.config.model import parse_config  # noqa: E402
from sync.core.lived.clock import Clock  # noqa: E402
from sync.run.runner import make_engine  # noqa: E402
from tests.wire.fakes.github import FakeGitHub  # noqa: E402
from tests.wire.fakes.google import FakeGoogle, make_service_account  # noqa: E402
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack  # noqa: E402

SIZE = 1_000
PAGE = 250
BATCH = 50
SHEET_ID = "1FloorRosterSheet"
CALENDAR_ID = "c_floor@group.calendar.google.com"
REPO = "acme/handbook"
PATH = "escalation-engineer-rotation.md"
GITHUB_TOKEN = "github_pat_floor_benchmark"
SERVICES = ("google auth", "sheets", "calendar", "slack", "github")
CONFIG = """
timezone = "UTC"
state_dir = "{state}"
[source]
kind = "google_sheets"
spreadsheet_id = "{sheet}"
sheets_endpoint = "{google}"
[calendar]
kind = "google"
calendar_id = "{calendar}"
impersonate = "oncall-bot@example.com"
calendar_endpoint = "{google}/calendar/v3/"
[slack]
kind = "slack"
usergroup = "escalation-engineers"
api_url = "{slack}"
[handbook]
kind = "github"
repo = "{repo}"
path = "{path}"
mode = "commit"
api_url = "{github}"
"""


@dataclass
class Scenario:
    name: str
    counts: dict[str, int]
    floor: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def floor_total(self) -> int:
        return sum(self.floor.values())


class World:
    """The three fakes, seeded, and a config aimed at them."""

    def __init__(self, google: FakeGoogle, slack: FakeSlack, github: FakeGitHub,
                 folder: Path) -> None:
        self.google, self.slack, self.github = google, slack, github
        key = folder / "key.json"
        key.write_text(json.dumps(make_service_account(google)))
        self.environment = {"GOOGLE_APPLICATION_CREDENTIALS": str(key),
                            "SLACK_BOT_TOKEN": DEFAULT_TOKEN, "GITHUB_TOKEN": GITHUB_TOKEN}
        google.calendar.add_calendar(CALENDAR_ID)
        google.calendar.page_size = PAGE
        for n in range(PEOPLE):
            slack.add_user(f"engineer-{n}", f"engineer-{n}@example.com")
        slack.add_group("escalation-engineers")
        github.add_repo(REPO, {PATH: empty_page()})
        github.add_token(GITHUB_TOKEN, {REPO: "write"})
        self.config = parse_config(tomllib.loads(CONFIG.format(
            state=folder / "state", sheet=SHEET_ID, google=google.base_url,
            calendar=CALENDAR_ID, slack=slack.api_url, repo=REPO, path=PATH,
            github=github.base_url)), folder)
        self.roster(None)

    def roster(self, changed: int | None) -> None:
        self.google.sheets.add_spreadsheet(SHEET_ID, "Roster", {
            "Rotations": rotation_rows(SIZE, changed), "People": people_rows()})

    def counts(self) -> dict[str, int]:
        token = len(self.google.calls(None, r"^/token$"))
        counts = {"google auth": token,
                  "sheets": len(self.google.calls(None, r"^/v4/spreadsheets/")),
                  "calendar": len(self.google.requests) - token -
                  len(self.google.calls(None, r"^/v4/spreadsheets/")),
                  "slack": len(self.slack.requests), "github": len(self.github.requests)}
        for fake in (self.google, self.slack, self.github):
            fake.reset_log()
        return counts

    def sync(self, today: date) -> dict[str, int]:
        clock = Clock.at(self.config.tz, self.config.handoff_time, today)
        result = make_engine(self.config, clock).run(apply=True)
        failed = {name: r.error for name, r in result.targets.items() if r.status != "ok"}
        if result.exit_code != 0 or failed:
            raise SystemExit(f"sync failed (exit {result.exit_code}): {failed}")
        return self.counts()


def floors(writes: int, listed: int, lookups: int, group_changes: bool,
           page_changes: bool) -> dict[str, int]:
    return {"google auth": 1, "sheets": 1,
            "calendar": max(1, math.ceil(listed / PAGE)) + math.ceil(writes / BATCH),
            "slack": 1 + lookups + int(group_changes), "github": 1 + int(page_changes)}


def measure(environ: dict[str, str]) -> list[Scenario]:
    """Runs the three syncs; `environ` is os.environ, given the world's secrets meanwhile."""
    day = today(SIZE)
    with FakeGoogle() as google, FakeSlack() as slack, FakeGitHub() as github, \
            tempfile.TemporaryDirectory() as folder:
        world = World(google, slack, github, Path(folder))
        saved = {name: environ.get(name) for name in world.environment}
        environ.update(world.environment)
        try:
            first = world.sync(day)
            noop = world.sync(day)
            world.roster(SIZE - CURRENT)  # the running rotation is re-staffed
            change = world.sync(day)
        finally:
            for name, value in saved.items():
                environ.pop(name, None) if value is None else environ.update({name: value})
    return [Scenario("first sync", first, floors(SIZE, 0, 3, True, True)),
            Scenario("no-op sync", noop, floors(0, SIZE, 0, False, False)),
            Scenario("one-rotation change", change, floors(1, SIZE, 1, True, True))]


def table(scenarios: list[Scenario]) -> list[str]:
    lines = ["| sync (1,000 rotations) | " + " | ".join(SERVICES) + " | total |",
             "| --- |" + " ---: |" * (len(SERVICES) + 1)]
    for s in scenarios:
        cells = [f"{s.counts[name]} (floor {s.floor[name]})" for name in SERVICES]
        lines.append(f"| {s.name} | " + " | ".join(cells) +
                     f" | {s.total} (floor {s.floor_total}) |")
    return lines


def checks(scenarios: list[Scenario]) -> list[tuple[bool, str]]:
    return [(s.counts == s.floor, f"{s.name} of 1,000 across all services: {s.total} HTTP "
                                  f"requests (floor: {s.floor_total}, per service as above)")
            for s in scenarios]


def summary(scenarios: list[Scenario]) -> dict[str, Any]:
    return {s.name: {"counts": s.counts, "floor": s.floor} for s in scenarios}


def main() -> None:
    scenarios = measure(os.environ)  # type: ignore[arg-type]
    print("Requests per service, whole sync (Google, Slack, GitHub fakes; events paged at "
          f"{PAGE}):\n")
    print("\n".join(table(scenarios)) + "\n")
    verdicts = checks(scenarios)
    for ok, text in verdicts:
        print(f"{'met    ' if ok else 'NOT MET'}  {text}")
    sys.exit(0 if all(ok for ok, _ in verdicts) else 1)


if __name__ == "__main__":
    main()
