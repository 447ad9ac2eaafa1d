"""Every sync writes the feeds and the page (black-box, through the CLI on local backends):
rewritten only on change, stale feeds deleted, a new secret revokes old links, an unset
secret or an unwritable `dir` is exit 2 before anything is written, links appear only in
`feeds --links`, the secret is masked; and `schedule` retries a handoff run that found the
lock taken."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sync.cli.commands import app
from sync.config.model import load_config
from sync.core.publish.feeds import feed_token
from sync.errors import LockBusy
from sync.run.scheduler import HANDOFF_RETRIES, RETRY_PREFIX, NightlySync
from tests.conftest import ROOT, Workspace
from tests.helpers import PEOPLE, rotations_rows, write_roster
from tests.publishing.world import TZ, both_parsers

SECRET = "feed-secret-for-tests-0123456789"
SECTIONS = """
[feeds]
dir = "out/feeds"
base_url = "https://oncall.example.com/feeds/"

[page]
dir = "out/page"
"""
TODAY = "2022-09-10"


@pytest.fixture
def published(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setenv("ROTATION_SYNC_FEED_SECRET", SECRET)
    workspace.config.write_text(workspace.config.read_text() + SECTIONS)
    return workspace


def files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns
            for p in sorted((folder / "out").rglob("*")) if p.is_file()}


def token(handle: str, secret: str = SECRET) -> str:
    return feed_token(secret, handle)


def ics(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # as stored: CRLF kept


def sync(workspace: Workspace, *args: str) -> tuple[int, dict[str, Any]]:
    return workspace.run_json("sync", "--today", TODAY, *args)


def test_every_sync_writes_the_feeds_and_the_page_and_a_no_op_rewrites_nothing(
        published: Workspace) -> None:
    code, document = sync(published)
    assert code == 0
    written = files(published.folder)
    people = {f"out/feeds/people/{token(handle)}.ics" for handle in PEOPLE}
    assert people | {"out/feeds/all.ics", "out/page/index.html", "out/page/now.json"} <= \
        set(written)
    assert len(document["targets"]["feeds"]["changes"]) == len(PEOPLE) + 1
    again_code, again = sync(published)
    assert again_code == 0
    assert again["targets"]["feeds"] == {"status": "ok", "error": None, "changes": [],
                                         "notes": []}
    assert again["targets"]["page"]["changes"] == []
    assert files(published.folder) == written, "a no-op sync rewrites no file (mtimes kept)"


def test_the_feeds_hold_the_roster_as_lived(published: Workspace) -> None:
    sync(published)
    feeds = published.folder / "out" / "feeds"
    everything = both_parsers(ics(feeds / "all.ics"))
    assert [e["uid"] for e in everything] == ["rotation-20220810@rotation-sync",
                                              "rotation-20220907@rotation-sync",
                                              "rotation-20221010@rotation-sync"]
    assert "@example.com" not in (feeds / "all.ics").read_text(), "all.ics is not secret"
    (valery,) = both_parsers(ics(feeds / "people" / f"{token('valerybugakov')}.ics"))
    assert "starts Wed 2022-09-07 18:00 Europe/Berlin (09:00 America/Los_Angeles)" in \
        valery["description"]
    assert both_parsers(ics(feeds / "people" / f"{token('priya-nair')}.ics")) == []


def test_a_new_secret_revokes_every_old_link_and_stale_files_go(
        published: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    sync(published)
    people = published.folder / "out" / "feeds" / "people"
    (people / "0123456789abcdef0123456789abcdef.ics").write_text("BEGIN:VCALENDAR\r\n")
    (people / ".nojekyll").write_text("")
    monkeypatch.setenv("ROTATION_SYNC_FEED_SECRET", "a-brand-new-secret-987654")
    code, document = sync(published)
    assert code == 0
    assert sorted(p.name for p in people.iterdir()) == sorted(
        [".nojekyll"] + [f"{token(h, 'a-brand-new-secret-987654')}.ics" for h in PEOPLE])
    deleted = [c for c in document["targets"]["feeds"]["changes"] if c["action"] == "delete"]
    assert deleted == [{"action": "delete", "key": "old feeds", "summary": f"{len(PEOPLE) + 1} "
                        "feed file(s) of no current person or secret removed"}]


def test_an_unset_secret_is_exit_2_naming_it_and_nothing_is_written(
        published: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROTATION_SYNC_FEED_SECRET")
    before = published.snapshot()
    result = published.run("sync", "--today", TODAY)
    assert result.exit_code == 2
    assert "ROTATION_SYNC_FEED_SECRET" in result.output
    assert published.snapshot() == before
    assert not (published.folder / "out").exists()


@pytest.mark.parametrize("blocker", ["file", "file-above"])
def test_a_dir_that_cannot_be_written_is_exit_2_naming_it_before_anything_is_written(
        published: Workspace, blocker: str) -> None:
    before = published.snapshot()
    (published.folder / "out").mkdir()
    (published.folder / "out" / "page").write_text("a file where the folder should be")
    if blocker == "file-above":
        published.config.write_text(published.config.read_text().replace(
            'dir = "out/page"', 'dir = "out/page/site"'))
    code, document = sync(published)
    assert code == 2
    assert "[page] dir" in document["error"] and "out/page" in document["error"]
    assert "is not a folder" in document["error"]
    assert published.snapshot() == before, "no target was written"
    assert not (published.folder / "out" / "feeds").exists()
    planned = published.run("plan", "--today", TODAY)
    assert planned.exit_code == 2 and "[page] dir" in planned.output


def test_a_feed_that_cannot_be_written_fails_naming_the_person_not_the_link(
        published: Workspace) -> None:
    folder = published.folder / "out" / "feeds" / "people" / f"{token('kenji-sato')}.ics"
    folder.mkdir(parents=True)
    code, document = sync(published)
    assert code == 3
    error = document["targets"]["feeds"]["error"]
    assert document["targets"]["feeds"]["status"] == "failed" and "@kenji-sato" in error
    assert token("kenji-sato") not in json.dumps(document)
    assert document["targets"]["page"]["status"] == "ok"


def test_links_appear_only_in_feeds_links_and_the_secret_never(
        published: Workspace) -> None:
    outputs = [published.run("sync", "--today", TODAY, "--json").output,
               published.run("sync", "--today", TODAY).output,
               published.run("plan", "--today", TODAY, "--json").output,
               published.run("status", "--json").output,
               published.run("sync", "--today", TODAY, "--log-format", "json").output]
    for text in outputs:
        assert SECRET not in text
        assert not any(token(handle) in text for handle in PEOPLE)
    code, links = published.run_json("feeds", "--links")
    assert code == 0
    assert links["all"] == "https://oncall.example.com/feeds/all.ics"
    assert {row["handle"]: row["url"] for row in links["links"]} == {
        handle: f"https://oncall.example.com/feeds/people/{token(handle)}.ics"
        for handle in PEOPLE}
    assert "@example.com" not in json.dumps(links)
    assert SECRET not in published.run("feeds", "--links").output


def test_feeds_links_needs_the_section_and_the_secret(
        workspace: Workspace, published: Workspace,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROTATION_SYNC_FEED_SECRET")
    result = published.run("feeds", "--links")
    assert result.exit_code == 2 and "ROTATION_SYNC_FEED_SECRET" in result.output
    published.config.write_text(published.config.read_text().replace("[feeds]", "[unused]"))
    assert published.run("feeds", "--links").exit_code == 2


def test_plan_shows_what_a_sync_would_write_and_writes_nothing(published: Workspace) -> None:
    code, document = published.run_json("plan", "--today", TODAY)
    assert code == 0
    assert [c["key"] for c in document["targets"]["page"]["changes"]] == \
        ["index.html", "now.json"]
    assert not (published.folder / "out" / "page").exists()


def test_an_invalid_roster_writes_no_feed_and_no_page(published: Workspace) -> None:
    rows = rotations_rows()
    rows[1][1] = "2022-08-01"  # End before Start
    write_roster(published.folder, rotations=rows)
    code, _ = sync(published)
    assert code == 1
    assert not (published.folder / "out").exists()


def test_the_local_example_publishes_the_page_with_no_environment(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "config", tmp_path / "config",
                    ignore=shutil.ignore_patterns("out", "state"))
    result = CliRunner().invoke(app, ["sync", "-c", str(tmp_path / "config" / "example.toml"),
                                      "--today", "2026-12-08"])
    assert result.exit_code == 0, result.output
    page = json.loads((tmp_path / "config" / "out" / "page" / "now.json").read_text())
    assert [e["handle"] for e in page["now"]["engineers"]] == \
        ["priya-nair", "amara-okafor", "keegancsmith"], "Amara covers Diego"
    assert "Amara Okafor" in (tmp_path / "config" / "out" / "page" / "index.html").read_text()


# -- schedule: a handoff run that finds the lock taken is tried again ------------------------
class Busy:
    def __init__(self) -> None:
        self.triggers: list[str] = []

    def __call__(self, config: Any, clock: Any, trigger: str) -> Any:
        self.triggers.append(trigger)
        raise LockBusy("another run holds the lock")


class Jobs:
    """Just enough of a scheduler to see what was added."""

    def __init__(self) -> None:
        self.added: dict[str, tuple[datetime, list[str]]] = {}

    def add_job(self, func: Any, trigger: Any, args: list[str], id: str, **_: Any) -> None:
        self.added[id] = (trigger.run_date, args)

    def get_jobs(self) -> list[Any]:
        return []

    def remove_job(self, job_id: str) -> None:
        self.added.pop(job_id, None)


def test_a_handoff_run_that_finds_the_lock_taken_is_retried_within_a_minute(
        published: Workspace) -> None:
    now = datetime(2022, 9, 7, 9, 0, 1, tzinfo=TZ)
    jobs, busy = Jobs(), Busy()
    nightly = NightlySync(load_config(published.config), jobs, now=lambda: now,  # type: ignore[arg-type]
                          sync=busy)
    trigger = "handoff 2022-09-07 09:00"
    for _ in range(HANDOFF_RETRIES + 1):
        nightly.sync_once(trigger)
        retry = jobs.added.pop(f"{RETRY_PREFIX}handoff 2022-09-07 09:00", None)
        if retry is None:
            break
        assert (retry[0] - now).total_seconds() == 15
        (trigger,) = retry[1]
    assert busy.triggers == ["handoff 2022-09-07 09:00"] + [
        f"handoff 2022-09-07 09:00 (retry {n})" for n in range(1, HANDOFF_RETRIES + 1)]
    nightly.sync_once("cron")
    assert not jobs.added, "the nightly run is not retried"


def test_a_right_to_left_name_reaches_every_file_intact(published: Workspace) -> None:
    rows = [["GitHub", "Name", "Email", "Timezone", "Slack ID"]] + [
        [h, "محمد عبد الله" if h == "valerybugakov" else name, email, tz, ""]
        for h, (name, email, tz) in PEOPLE.items()]
    write_roster(published.folder, people=rows)
    assert sync(published)[0] == 0
    out = published.folder / "out"
    titles = [e["summary"] for e in both_parsers(ics(out / "feeds" / "all.ics"))]
    assert "Escalation engineer rotation: Keegan Carruthers-Smith, محمد عبد الله" in titles
    shift = both_parsers(ics(out / "feeds" / "people" / f"{token('keegancsmith')}.ics"))[-1]
    assert "With محمد عبد الله (@valerybugakov)." in shift["description"]
    assert "<bdi>محمد عبد الله</bdi>" in (out / "page" / "index.html").read_text()
    assert json.loads((out / "page" / "now.json").read_text())["now"]["engineers"][1][
        "name"] == "محمد عبد الله"


def test_the_feed_secret_is_masked_wherever_it_would_appear(published: Workspace) -> None:
    from sync.clients.secrets import redact

    assert redact(f"a leaked {SECRET} value") == "a leaked [secret] value"


def test_schedules_handoff_job_writes_the_page_of_the_new_shift(published: Workspace) -> None:
    """The real sync, fired by the handoff job at its moment: the page says who took over."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from sync.run.scheduler import HANDOFF_PREFIX, default_sync, new_scheduler

    scheduler = new_scheduler(TZ, BackgroundScheduler)
    scheduler.start(paused=True)
    moment = {"now": datetime(2022, 10, 10, 8, 0, tzinfo=TZ)}
    nightly = NightlySync(load_config(published.config), scheduler, now=lambda: moment["now"],
                          sync=default_sync)
    try:
        nightly.add_jobs()
        handoff = next(j for j in scheduler.get_jobs() if j.id.startswith(HANDOFF_PREFIX))
        moment["now"] = handoff.next_run_time
        handoff.func(*handoff.args)
    finally:
        scheduler.shutdown(wait=False)
    page = json.loads((published.folder / "out" / "page" / "now.json").read_text())
    assert page["now"]["since"] == "2022-10-10T09:00:00-07:00"
    assert [e["handle"] for e in page["now"]["engineers"]] == ["tbliu98"]
