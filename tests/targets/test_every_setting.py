"""Every setting works on every backend: each key of each target's config section changes
the backend the run builds (a key a backend silently ignores fails here), the file backends
honour the message settings into messages.jsonl, and a moved endpoint serves every call to
its service (the out-of-office reads of [time_off] follow [calendar] calendar_endpoint)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from sync.config.model import load_config
from sync.run.factory import Wiring
from sync.targets.registry import TARGETS
from tests.conftest import make_workspace
from tests.helpers import to_csv
from tests.wire.fakes.google import CALENDAR_EVENTS_READONLY_SCOPE, FakeGoogle, make_service_account

EMAIL = "rotation-sync@test-project.iam.gserviceaccount.com"
# What each backend needs to be built at all; `kind` is added from the table below.
REQUIRED: dict[tuple[str, str], dict[str, Any]] = {
    ("calendar", "ics"): {"path": "out/a.ics"},
    ("calendar", "google"): {"calendar_id": "a@group.calendar.google.com",
                             "impersonate": "bot@example.com"},
    ("slack", "file"): {"path": "out/a.json", "usergroup": "escalation-engineers"},
    ("slack", "slack"): {"usergroup": "escalation-engineers"},
    ("handbook", "file"): {"path": "handbook/a.md"},
    ("handbook", "github"): {"repo": "acme/handbook", "path": "a.md"},
    ("topic", "file"): {"path": "out/topic.json", "channel": "#escalation-engineering"},
    ("topic", "slack"): {"channel": "#escalation-engineering"},
}
COMMON_CALENDAR = {"event_title": "On call: {handles}", "override_title": "{cover} for {engineer}",
                   "attendees": False, "namespace": "team-b", "organizer": "ee@example.com"}
COMMON_SLACK = {"usergroup": "oncall", "announce_channel": "#handoffs",
                "empty_policy": "disable", "fallback": ["priya-nair"], "notify_changes": True,
                "remind_before": ["7d"]}
# One value other than the default for every key of every backend's section.
CHANGED: dict[tuple[str, str], dict[str, Any]] = {
    ("calendar", "ics"): {**COMMON_CALENDAR, "path": "out/b.ics"},
    ("calendar", "google"): {**COMMON_CALENDAR, "calendar_id": "b@group.calendar.google.com",
                             "send_updates": "all", "impersonate": "other@example.com",
                             "calendar_endpoint": "http://127.0.0.1:9/calendar/v3/"},
    ("slack", "file"): {**COMMON_SLACK, "path": "out/b.json"},
    ("slack", "slack"): {**COMMON_SLACK, "api_url": "http://127.0.0.1:9/api/"},
    ("handbook", "file"): {"stamp": True, "path": "handbook/b.md"},
    ("handbook", "github"): {"stamp": True, "repo": "acme/other", "path": "b.md",
                             "branch": "dev", "mode": "commit",
                             "api_url": "http://127.0.0.1:9/api/v3"},
    ("topic", "file"): {"channel": "#other", "template": "{engineers}", "path": "out/b.json"},
    ("topic", "slack"): {"channel": "#other", "template": "{engineers}"},
}
BACKENDS = [(entry.name, backend.kind, backend.section)
            for entry in TARGETS for backend in entry.backends]


def test_the_table_names_every_key_of_every_backend() -> None:
    """A new key must be added above, so the test below proves the backend uses it."""
    for name, kind, section in BACKENDS:
        keys = set(section.model_fields) - {"kind"}
        assert keys == set(CHANGED[(name, kind)]), (name, kind)


def toml_section(name: str, values: dict[str, Any]) -> str:
    return f"[{name}]\n" + "".join(f"{key} = {json.dumps(value)}\n"
                                   for key, value in values.items())


def built(folder: Path, name: str, kind: str, values: dict[str, Any]) -> Any:
    """The target the run's wiring builds from a config holding this section."""
    config = folder / "config.toml"
    slack = "" if (name, kind) != ("topic", "slack") else toml_section(
        "slack", {"kind": "slack", "usergroup": "escalation-engineers"})
    config.write_text('timezone = "UTC"\n' + toml_section("source", {
        "kind": "csv", "rotations": "r.csv", "people": "p.csv"}) + slack
        + toml_section(name, {"kind": kind, **values}))
    return Wiring(load_config(config)).targets({name})[name]


def fingerprint(value: Any, seen: set[int] | None = None) -> Any:
    """What a built backend holds, down through our own objects; config sections are left
    out, so a backend must turn each key into something it uses."""
    seen = set() if seen is None else seen
    if isinstance(value, (str, int, float, bool, type(None), Path, date)):
        return str(value)
    if isinstance(value, BaseModel) or id(value) in seen:
        return "-"
    seen.add(id(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(fingerprint(item, seen)) for item in value)
    if isinstance(value, dict):
        return {str(key): fingerprint(item, seen) for key, item in value.items()}
    if not type(value).__module__.startswith("sync."):
        return type(value).__name__
    fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)} \
        if dataclasses.is_dataclass(value) else vars(value)
    return {key: fingerprint(item, seen) for key, item in fields.items()}


@pytest.fixture
def secrets(google_server: FakeGoogle, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "key.json"
    key.write_text(json.dumps(make_service_account(google_server)))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-settings-test")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_settingstest0123456789")


@pytest.mark.parametrize(("name", "kind", "key"), [
    (name, kind, key) for name, kind, _ in BACKENDS for key in CHANGED[(name, kind)]])
def test_no_backend_ignores_a_key(name: str, kind: str, key: str, tmp_path: Path,
                                  secrets: None) -> None:
    base = REQUIRED[(name, kind)]
    before = fingerprint(built(tmp_path, name, kind, base))
    after = fingerprint(built(tmp_path, name, kind, {**base, key: CHANGED[(name, kind)][key]}))
    assert after != before, f"[{name}] {key} (kind = \"{kind}\") changes nothing the backend uses"


# -- the file backends: messages into messages.jsonl ----------------------------------------
def test_the_file_backend_announces_handoffs_in_announce_channel(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    workspace.config.write_text(workspace.config.read_text().replace(
        'usergroup = "escalation-engineers"',
        'usergroup = "escalation-engineers"\nannounce_channel = "#handoffs"'))
    assert workspace.run_json("sync", "--today", "2022-09-10")[0] == 0  # first run: quiet
    assert workspace.run_json("sync", "--today", "2022-10-10")[0] == 0
    (post,) = workspace.sent()
    assert post["channel"] == "#handoffs"
    assert post["text"].startswith("Escalation engineer handoff: Tammy Liu is on rotation "
                                   "from 2022-10-10 to 2022-11-07")


# -- a moved endpoint serves every call to that service ----------------------------------
@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        key = tmp_path / "service-account.json"
        key.write_text(json.dumps(make_service_account(server, client_email=EMAIL)))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
        server.oauth.grant_delegation(EMAIL, [CALENDAR_EVENTS_READONLY_SCOPE])
        server.calendar.add_user_calendar("valery@example.com", time_zone="Europe/Berlin")
        server.calendar.add_user_calendar("keegan@example.com")
        yield server


def test_out_of_office_reads_follow_the_calendar_endpoint(google: FakeGoogle,
                                                          tmp_path: Path) -> None:
    """One `[calendar] calendar_endpoint`; no second key for the time-off reader."""
    workspace = make_workspace(tmp_path)
    google.calendar.add_out_of_office("valery@example.com", date(2022, 9, 20),
                                      date(2022, 9, 22))
    text = workspace.config.read_text().replace('[calendar]\nkind = "ics"\npath = '
                                                '"out/rotations.ics"\n', toml_section(
        "calendar", {"kind": "google", "calendar_id": "c@group.calendar.google.com",
                     "impersonate": "bot@example.com",
                     "calendar_endpoint": f"{google.base_url}/calendar/v3/"}))
    workspace.config.write_text(text + "\n[time_off]\ngoogle_calendar = true\n")
    (workspace.folder / "roster/rotations.csv").write_text(to_csv([
        ["Start", "End", "Engineers"],
        ["2022-09-07", "2022-10-09", "keegancsmith, valerybugakov"]]))
    code, document = workspace.run_json("validate", "--today", "2022-09-10")
    assert code == 0, document
    assert [f["code"] for f in document["findings"] if f["code"].startswith("time-off")] == [
        "time-off-conflict"]
    assert google.calls("GET", r"/calendar/v3/calendars/valery(@|%40)example.com/events$")


# -- the rest of the config reference: keys the run (not a target backend) reads ---------
# Each names the test module that proves the run honours it; a new key fails below until it
# is either a target backend's (built above) or listed here with its proof.
RUN_KEYS: dict[tuple[str, str], str] = {
    **{("", key): "tests/core/test_roster.py" for key in ("timezone", "handoff_time")},
    ("", "state_dir"): "tests/hardening/test_state_and_paths.py",
    **{("source", key): "tests/sources/test_csv_source.py"
       for key in ("rotations", "people")},
    ("source", "overrides"): "tests/run/test_overrides_end_to_end.py",
    ("source", "status_tab"): "tests/run/test_status_tab.py",
    **{("source", key): "tests/sources/test_sheets_source.py"
       for key in ("spreadsheet_id", "rotations_tab", "people_tab", "overrides_tab",
                   "sheets_endpoint")},
    **{("source", key): "tests/sources/test_cell_notes.py"
       for key in ("cell_notes", "protect_status_tab")},
    ("notify", "channel"): "tests/run/test_notify.py",
    ("schedule", "cron"): "tests/run/test_scheduler.py",
    ("schedule", "poll"): "tests/run/test_poll.py",
    ("history", "keep_runs"): "tests/run/test_history.py",
    **{("time_off", key): "tests/cli/test_time_off_cli.py"
       for key in ("tab", "file", "horizon", "ics_url", "holidays")},
    ("time_off", "google_calendar"): "tests/sources/test_time_off_calendar.py",
    ("time_off", "calendar_endpoint"): "tests/sources/test_time_off_calendar.py",
    **{("time_off", key): "tests/hardening/test_outside_data.py"
       for key in ("ics_deadline", "ics_redirect_hosts")},
    **{("propose", key): "tests/cli/test_propose_cli.py"
       for key in ("horizon", "length", "engineers", "file")},
    ("propose", "min_gap"): "tests/planner/test_propose.py",
    ("propose", "max_per_team"): "tests/planner/test_propose.py",
    ("propose", "tab"): "tests/cli/test_propose_sheets.py",
    **{("feeds", key): "tests/publishing/test_publish_files.py" for key in ("dir", "base_url")},
    ("feeds", "horizon"): "tests/publishing/test_feeds.py",
    ("page", "dir"): "tests/publishing/test_publish_files.py",
    **{("cover", key): "tests/cover/test_cover_cli.py"
       for key in ("channel", "approval", "expire_after")},
    ("cover", "managers"): "tests/cover/test_cover_sheets.py",
}
ROOT = Path(__file__).parents[2]


def test_every_key_of_the_config_reference_is_proven_honoured() -> None:
    from sync.config.model import TAGGED_SECTIONS
    from sync.config.reference import DOC_SECTIONS

    targets = {name for name, _, _ in BACKENDS}
    nested = set(TAGGED_SECTIONS) | {"notify", "schedule", "history", "time_off", "propose",
                                     "feeds", "page", "cover"}
    for section, models in DOC_SECTIONS:
        if section in targets:
            continue  # every key built and compared above
        for model in models:
            for key in set(model.model_fields) - {"kind"} - nested:
                proof = RUN_KEYS.get((section, key))
                assert proof is not None, f"[{section}] {key}: no test proves it is honoured"
                assert key in (ROOT / proof).read_text(), (section, key, proof)
