"""The services a benchmark world is synced with: each one's config and its fake.

One config per service, so each row of the table measures one service: the local backends
(CSV source, .ics, Slack group file, handbook file: no request at all), the Sheets source
(with the Slack group file as its one target), and the Google Calendar, Slack user group and
GitHub handbook targets (each fed by the CSV source). Every config reads the world's
Overrides and Time off too. The fakes of the tests (tests/wire/fakes/) answer on 127.0.0.1
in this process; the commands run in another (benchmarks/child.py), so the fakes' work is
not counted as ours.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.world import PEOPLE, tabs, write_csv
from tests.wire.fakes.github import FakeGitHub
from tests.wire.fakes.google import FakeGoogle, make_service_account
from tests.wire.fakes.slack import DEFAULT_TOKEN, FakeSlack

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PAGE = ROOT / "tests" / "data" / "escalation-engineer-rotation.md"
SHEET_ID = "1BenchmarkRosterSheet"
CALENDAR_ID = "c_benchmark@group.calendar.google.com"
REPO, PAGE_PATH = "acme/handbook", "escalation-engineer-rotation.md"
GITHUB_TOKEN = "github_pat_benchmark"
GROUP = "escalation-engineers"

CSV = """[source]
kind = "csv"
rotations = "roster/rotations.csv"
people = "roster/people.csv"
overrides = "roster/overrides.csv"
[time_off]
file = "roster/time_off.csv"
"""
SHEETS = """[source]
kind = "google_sheets"
spreadsheet_id = "{sheet}"
sheets_endpoint = "{google}"
overrides_tab = "Overrides"
[time_off]
tab = "Time off"
"""
FILE_SLACK = f"""[slack]
kind = "file"
path = "out/slack-usergroup.json"
usergroup = "{GROUP}"
"""
TARGETS = {
    "local": """[calendar]
kind = "ics"
path = "out/rotations.ics"
""" + FILE_SLACK + """[handbook]
kind = "file"
path = "out/handbook.md"
""",
    "Sheets": FILE_SLACK,
    "Calendar": """[calendar]
kind = "google"
calendar_id = "{calendar}"
impersonate = "oncall-bot@example.com"
calendar_endpoint = "{google}/calendar/v3/"
""",
    "Slack": f"""[slack]
kind = "slack"
usergroup = "{GROUP}"
api_url = "{{slack}}"
""",
    "GitHub": f"""[handbook]
kind = "github"
repo = "{REPO}"
path = "{PAGE_PATH}"
mode = "commit"
api_url = "{{github}}"
""",
}
SERVICES = tuple(TARGETS)


@dataclass
class Fakes:
    """The three fake services, seeded with what every world shares."""

    google: FakeGoogle
    slack: FakeSlack
    github: FakeGitHub
    key: dict[str, Any]

    @classmethod
    def start(cls, stack: Any) -> Fakes:
        google = stack.enter_context(FakeGoogle())
        slack = stack.enter_context(FakeSlack())
        github = stack.enter_context(FakeGitHub())
        for n in range(PEOPLE):
            slack.add_user(f"engineer-{n}", f"engineer-{n}@example.com")
        github.add_token(GITHUB_TOKEN, {REPO: "write"})
        return cls(google, slack, github, make_service_account(google))

    def environment(self, folder: Path) -> dict[str, str]:
        key = folder / "key.json"
        key.write_text(json.dumps(self.key))
        return {"GOOGLE_APPLICATION_CREDENTIALS": str(key), "SLACK_BOT_TOKEN": DEFAULT_TOKEN,
                "GITHUB_TOKEN": GITHUB_TOKEN}

    def fresh(self, count: int) -> None:
        """Empty targets and this world's roster in the Sheet: the next sync is a first."""
        self.google.sheets.add_spreadsheet(SHEET_ID, "Roster", tabs(count))
        self.google.calendar.calendars.pop(CALENDAR_ID, None)
        self.google.calendar.add_calendar(CALENDAR_ID)
        for group_id in [g.id for g in self.slack.groups.values() if g.handle == GROUP]:
            del self.slack.groups[group_id]
        self.slack.add_group(GROUP)
        self.github.add_repo(REPO, {PAGE_PATH: empty_page()})
        self.counts()

    def counts(self) -> dict[str, int]:
        """Requests each fake answered since the last call (token grants included)."""
        counts = {"Google": len(self.google.requests), "Slack": len(self.slack.requests),
                  "GitHub": len(self.github.requests)}
        for fake in (self.google, self.slack, self.github):
            fake.reset_log()
        return counts


def empty_page() -> bytes:
    """The sample handbook page with an empty Rotations table (the world fills it)."""
    lines = SAMPLE_PAGE.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("| 20")).encode()


def config_text(service: str, fakes: Fakes) -> str:
    source = SHEETS if service == "Sheets" else CSV
    text = 'timezone = "UTC"\nstate_dir = "state"\n' + source + TARGETS[service]
    return text.format(sheet=SHEET_ID, google=fakes.google.base_url, calendar=CALENDAR_ID,
                       slack=fakes.slack.api_url, github=fakes.github.base_url)


def prepare(folder: Path, service: str, count: int, fakes: Fakes) -> Path:
    """A folder holding the world's files and the service's config; returns the config."""
    shutil.rmtree(folder, ignore_errors=True)
    write_csv(folder / "roster", count)
    (folder / "out").mkdir()
    (folder / "out" / "handbook.md").write_bytes(empty_page())
    fakes.fresh(count)
    config = folder / "config.toml"
    config.write_text(config_text(service, fakes))
    return config


def wire_requests(service: str, counts: dict[str, int]) -> int:
    """The requests the service's config may make; the local backends may make none."""
    which: dict[str, Callable[[dict[str, int]], int]] = {
        "local": lambda c: sum(c.values()), "Sheets": lambda c: c["Google"],
        "Calendar": lambda c: c["Google"], "Slack": lambda c: c["Slack"],
        "GitHub": lambda c: c["GitHub"]}
    return which[service](counts)


def stray_requests(service: str, counts: dict[str, int]) -> int:
    """Requests to a fake the service's config does not name (must stay 0)."""
    own = {"Sheets": "Google", "Calendar": "Google", "Slack": "Slack", "GitHub": "GitHub"}
    return sum(n for fake, n in counts.items() if fake != own.get(service))
