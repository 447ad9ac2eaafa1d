"""Credentials in URLs are secrets (issue 23, point 2): a feed URL with `user:password@`, a
query token and signed-URL parameters is masked in every channel: stdout, stderr (text and
JSON log lines, the retry lines included), `--json`, the status tab, the run history and
`status`, after runs where the feed fails, half-fails and is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sync.clients.secrets import redact, shown_url
from tests.conftest import Workspace
from tests.wire.fakes.feed import FakeFeed, FeedEvent, ics_feed

SECRETS = ("hunter2pass", "tok123456", "sig987654", "amz5555", "cred4444", "0123456789abcdef")
QUERY = ("?token=tok123456&sig=sig987654&X-Amz-Signature=amz5555&X-Goog-Credential=cred4444"
         "&view=week")
BROKEN = ("BEGIN:VEVENT\r\nUID:broken@hr\r\nDTSTART:2022-13-45\r\n"
          "SUMMARY:Tammy Liu - out\r\nEND:VEVENT\r\n")


@pytest.fixture
def feed() -> Iterator[FakeFeed]:
    with FakeFeed() as server:
        yield server


def secret_url(feed: FakeFeed, path: str) -> str:
    return feed.url(path).replace("http://", "http://ana:hunter2pass@") + QUERY


def configure(workspace: Workspace, url: str) -> None:
    text = workspace.config.read_text().replace(
        'people = "roster/people.csv"\n', 'people = "roster/people.csv"\nstatus_tab = "S"\n')
    workspace.config.write_text(text + f'\n[time_off]\nics_url = "{url}"\n')


def everything(workspace: Workspace, *outputs: str) -> str:
    """Every channel a person or a machine reads, and every file the state store keeps."""
    files = [p for p in (workspace.folder / "state").rglob("*") if p.is_file()]
    files += [workspace.folder / "roster" / "sync-status.csv"]
    stored = "".join(p.read_bytes().decode("utf-8", "replace") for p in files if p.exists())
    return "".join(outputs) + stored


def test_a_feed_url_with_credentials_is_masked_in_every_output(workspace: Workspace,
                                                               feed: FakeFeed) -> None:
    text = ics_feed([FeedEvent("Keegan Carruthers-Smith - Vacation", date(2022, 9, 12),
                               date(2022, 9, 14))])
    feed.serve("/hr.ics", text.replace("END:VCALENDAR", BROKEN + "END:VCALENDAR"))
    feed.server_error("/hr.ics", times=2, status=503)  # two retry log lines
    configure(workspace, secret_url(feed, "/hr.ics"))
    outputs = []
    for log_format in ("text", "json"):
        result = workspace.run("sync", "--today", "2022-09-10", "--json",
                               "--log-format", log_format)
        assert result.exit_code == 0, result.output
        outputs += [result.stdout, result.stderr]
    assert "retrying" in outputs[1] and "the event at line" in outputs[0]
    feed.missing("/hr.ics", times=10)
    failed = workspace.run("sync", "--today", "2022-09-10", "--json")
    status = workspace.run("status", "--json")
    human = workspace.run("status")
    seen = everything(workspace, *outputs, failed.stdout, failed.stderr, status.stdout,
                      human.stdout, human.stderr)
    assert "HTTP 404" in seen and "127.0.0.1" in seen, "the feed is still named"
    assert not [s for s in SECRETS if s in seen]


@pytest.mark.parametrize("url", ["ftp://ana:hunter2pass@hr.example.com/t.ics" + QUERY,
                                 "http://ana:hunter2pass@hr.example.com/t.ics" + QUERY])
def test_a_refused_feed_url_is_named_without_its_credentials(workspace: Workspace,
                                                             url: str) -> None:
    configure(workspace, url)
    result = workspace.run("validate", "--json")
    assert result.exit_code == 2 and "time_off.ics_url" in result.output
    assert "hr.example.com/t.ics" in result.output
    assert not [s for s in SECRETS if s in result.output + result.stderr]


@pytest.mark.parametrize("text", [
    "GET https://ana:hunter2pass@hr.example.com/t.ics failed",
    "https://storage.example.com/o?X-Amz-Signature=amz5555&X-Amz-Expires=60",
    "https://calendar.google.com/calendar/ical/a%40b/private-0123456789abcdef/basic.ics",
    "url=https://h.example.com/f?sig=sig987654;x", "(https://h.example.com/?api_key=tok123456)",
])
def test_credentials_in_any_url_in_any_text_are_masked(text: str) -> None:
    assert not [s for s in SECRETS if s in redact(text)]
    assert not [s for s in SECRETS if s in shown_url(text.split()[-1])]


def test_a_plain_url_is_left_readable(tmp_path: Path) -> None:
    url = "https://hr.example.com/feeds/time-off.ics?view=week&page=2"
    assert redact(url) == url
    assert shown_url(url) == "https://hr.example.com/feeds/time-off.ics"
