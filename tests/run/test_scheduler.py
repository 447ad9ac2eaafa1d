"""`rotation-sync schedule`: cron semantics across DST, job settings, handoff runs, shutdown."""

from __future__ import annotations

import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler

from sync.config.model import load_config
from sync.core.lived.clock import Clock
from sync.errors import ConfigError, LockBusy
from sync.run.engine import RunResult
from sync.run.scheduler import (
    HANDOFF_PREFIX,
    MISFIRE_GRACE_SECONDS,
    RUN_NOW_JOB,
    SYNC_JOB,
    NightlySync,
    WallClockCronTrigger,
    cron_trigger,
    default_sync,
    new_scheduler,
    next_fire_times,
)
from sync.run.state import StateStore
from tests.conftest import Workspace
from tests.helpers import CEILING, rotations_rows, to_csv

LA = ZoneInfo("America/Los_Angeles")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)  # type: ignore[misc]


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


# -- cron semantics ------------------------------------------------------------------------
def test_nightly_cron_fires_once_on_the_night_clocks_spring_forward() -> None:
    """02:00 does not exist on 2026-03-08 in Los Angeles: the run happens at 03:00 PDT."""
    fires = next_fire_times(cron_trigger("0 2 * * *", LA), local(2026, 3, 7, 3, 0), 3)
    assert [utc(f) for f in fires] == ["2026-03-08 10:00", "2026-03-09 09:00",
                                       "2026-03-10 09:00"]
    assert fires[0].astimezone(LA).hour == 3
    assert [f.astimezone(LA).hour for f in fires[1:]] == [2, 2]


def test_nightly_cron_fires_once_on_the_night_clocks_fall_back() -> None:
    """01:30 happens twice on 2026-11-01; cron runs once, and so does the scheduler."""
    fires = next_fire_times(cron_trigger("30 1 * * *", LA), local(2026, 10, 31, 3, 0), 3)
    assert [utc(f) for f in fires] == ["2026-11-01 08:30", "2026-11-02 09:30",
                                       "2026-11-03 09:30"]


@pytest.mark.parametrize(("start", "expected_utc"), [
    (local(2026, 3, 6, 12, 0), ["2026-03-07 17:05", "2026-03-08 16:05", "2026-03-09 16:05"]),
    (local(2026, 10, 31, 12, 0), ["2026-11-01 17:05", "2026-11-02 17:05", "2026-11-03 17:05"]),
])
def test_a_morning_cron_keeps_its_local_time_across_dst(start: datetime,
                                                       expected_utc: list[str]) -> None:
    fires = next_fire_times(cron_trigger("5 9 * * *", LA), start, 3)
    assert [utc(f) for f in fires] == expected_utc
    assert {(f.astimezone(LA).hour, f.astimezone(LA).minute) for f in fires} == {(9, 5)}


@pytest.mark.parametrize(("weekdays", "expected"), [
    ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon"]),
    ("0", ["Sun"] * 6),
    ("7", ["Sun"] * 6),
    ("sat,sun", ["Sat", "Sun", "Sat", "Sun", "Sat", "Sun"]),
    ("*/2", ["Tue", "Thu", "Sat", "Sun", "Tue", "Thu"]),
    ("5-7", ["Fri", "Sat", "Sun", "Fri", "Sat", "Sun"]),
])
def test_day_of_week_has_crontab_semantics(weekdays: str, expected: list[str]) -> None:
    """APScheduler 3 counts 0 as Monday; a crontab line means Sunday, and so do we."""
    fires = next_fire_times(cron_trigger(f"0 9 * * {weekdays}", LA),
                            local(2026, 3, 1, 10, 0), 6)  # a Sunday, after 09:00
    assert [f.strftime("%a") for f in fires] == expected


def test_nicknames_are_understood() -> None:
    fires = next_fire_times(cron_trigger("@daily", LA), local(2026, 3, 1, 10, 0), 2)
    assert [f.strftime("%d %H:%M") for f in fires] == ["02 00:00", "03 00:00"]


@pytest.mark.parametrize(("expression", "why"), [
    ("0 2 * *", "4 fields"),
    ("61 2 * * *", "not a valid cron"),
    ("0 9 1 * 1", "either one"),
    ("0 9 * * 8", "day of the week"),
    ("0 9 * * fri-mon", "backwards"),
])
def test_bad_cron_expressions_are_config_errors(expression: str, why: str) -> None:
    with pytest.raises(ConfigError, match=r"\[schedule\] cron") as error:
        cron_trigger(expression, LA)
    assert why in str(error.value)


# -- jobs on a paused scheduler ----------------------------------------------------------------
@pytest.fixture
def paused() -> Iterator[BackgroundScheduler]:
    scheduler = new_scheduler(LA, BackgroundScheduler)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


class Recorder:
    """Stands in for the sync: records what started each run and when."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, datetime]] = []
        self.error = error
        self.done = threading.Event()

    def __call__(self, config: Any, clock: Clock, trigger: str) -> RunResult:
        self.calls.append((trigger, clock.now))
        self.done.set()
        if self.error:
            raise self.error
        return RunResult("sync", [], {})


def nightly(workspace: Workspace, scheduler: Any, now: datetime,
            sync: Any = None) -> NightlySync:
    moment = {"now": now}
    job = NightlySync(load_config(workspace.config), scheduler, now=lambda: moment["now"],
                      sync=sync or Recorder())
    job.moment = moment  # type: ignore[attr-defined]
    return job


def handoff_times(scheduler: Any) -> list[str]:
    return sorted(job.next_run_time.isoformat() for job in scheduler.get_jobs()
                  if job.id.startswith(HANDOFF_PREFIX))


def test_the_sync_job_coalesces_never_overlaps_and_has_a_grace_time(
        workspace: Workspace, paused: BackgroundScheduler) -> None:
    nightly(workspace, paused, local(2022, 9, 10, 2, 0)).add_jobs()
    for job in paused.get_jobs():
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == \
            (True, 1, MISFIRE_GRACE_SECONDS), job.id
    assert paused.get_job(SYNC_JOB).next_run_time > datetime.now(LA)


def test_run_now_runs_at_start_then_follows_the_cron(workspace: Workspace,
                                                     paused: BackgroundScheduler) -> None:
    start = datetime.now(LA).replace(microsecond=0)
    nightly(workspace, paused, start).add_jobs(run_now=True)
    assert paused.get_job(RUN_NOW_JOB).next_run_time == start
    assert paused.get_job(SYNC_JOB).next_run_time > start
    assert isinstance(paused.get_job(SYNC_JOB).trigger, WallClockCronTrigger)


def test_without_run_now_nothing_runs_before_the_cron(workspace: Workspace,
                                                      paused: BackgroundScheduler) -> None:
    nightly(workspace, paused, datetime.now(LA)).add_jobs()
    assert paused.get_job(RUN_NOW_JOB) is None


def test_a_run_is_planned_at_each_upcoming_handoff(workspace: Workspace,
                                                   paused: BackgroundScheduler) -> None:
    """Sample roster: rotations start 08-10, 09-07, 10-10 and the last ends 11-07 (inclusive),
    so after 2022-09-10 the current rotation changes at 10-10 09:00 PDT and 11-08 09:00 PST."""
    nightly(workspace, paused, local(2022, 9, 10, 2, 0)).add_jobs()
    assert handoff_times(paused) == ["2022-10-10T09:00:00-07:00", "2022-11-08T09:00:00-08:00"]


def test_the_handoff_plan_follows_roster_edits(workspace: Workspace,
                                               paused: BackgroundScheduler) -> None:
    job = nightly(workspace, paused, local(2022, 9, 10, 2, 0))
    job.add_jobs()
    rows = rotations_rows([("2022-08-10", "2022-09-06", ["keegancsmith", "BolajiOlajide"]),
                           ("2022-09-07", "2022-10-09", ["keegancsmith", "valerybugakov"]),
                           ("2022-10-12", "2022-11-09", ["tbliu98", None, None])])
    (workspace.folder / "roster" / "rotations.csv").write_text(to_csv(rows))
    job.run("cron")
    assert handoff_times(paused) == ["2022-10-10T09:00:00-07:00",  # the group empties
                                     "2022-10-12T09:00:00-07:00",
                                     "2022-11-10T09:00:00-08:00"]


def test_an_invalid_roster_keeps_the_previous_plan(workspace: Workspace,
                                                   paused: BackgroundScheduler) -> None:
    job = nightly(workspace, paused, local(2022, 9, 10, 2, 0))
    job.add_jobs()
    before = handoff_times(paused)
    (workspace.folder / "roster" / "rotations.csv").write_text("Start,End,Engineers\nx,y,z\n")
    job.run("cron")
    assert handoff_times(paused) == before


def test_past_handoffs_are_dropped_as_time_passes(workspace: Workspace,
                                                  paused: BackgroundScheduler) -> None:
    job = nightly(workspace, paused, local(2022, 9, 10, 2, 0))
    job.add_jobs()
    job.moment["now"] = local(2022, 10, 10, 9, 0, 1)  # type: ignore[attr-defined]
    job.run("handoff 2022-10-10 09:00")
    assert handoff_times(paused) == ["2022-11-08T09:00:00-08:00"]


def test_a_handoff_job_syncs_the_new_rotation_into_the_group(
        workspace: Workspace, paused: BackgroundScheduler,
        caplog: pytest.LogCaptureFixture) -> None:
    """The real sync, fired by the handoff job: the group switches at 09:00, not next night."""
    job = nightly(workspace, paused, local(2022, 10, 10, 8, 0), sync=default_sync)
    job.add_jobs()
    handoff = next(j for j in paused.get_jobs() if j.id.startswith(HANDOFF_PREFIX))
    job.moment["now"] = handoff.next_run_time  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO, logger="sync.run"):
        handoff.func(*handoff.args)
    assert [m["handle"] for m in workspace.slack_group()["members"]] == ["tbliu98"]
    assert "sync [handoff 2022-10-10 09:00] ok (exit 0)" in caplog.text


def test_a_run_that_finds_the_lock_taken_is_skipped_and_the_scheduler_goes_on(
        workspace: Workspace, paused: BackgroundScheduler,
        caplog: pytest.LogCaptureFixture) -> None:
    recorder = Recorder(LockBusy("Another rotation-sync run is in progress"))
    job = nightly(workspace, paused, local(2022, 9, 10, 2, 0), sync=recorder)
    job.run("cron")
    assert "skipped: another rotation-sync run holds the lock" in caplog.text
    assert handoff_times(paused), "the handoffs are still planned after a skipped run"


def test_an_unexpected_error_is_logged_not_raised(workspace: Workspace,
                                                  paused: BackgroundScheduler,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    job = nightly(workspace, paused, local(2022, 9, 10, 2, 0), sync=Recorder(KeyError("x")))
    job.run("cron")
    assert "failed unexpectedly" in caplog.text


# -- a running scheduler ------------------------------------------------------------------------
def test_missed_runs_are_coalesced_into_one(workspace: Workspace) -> None:
    """Five minutely runs missed (a suspended machine) become one run, not five."""
    scheduler = new_scheduler(LA, BackgroundScheduler)
    finished = threading.Event()
    scheduler.add_listener(lambda event: finished.set(),
                           EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    (workspace.folder / "rotation-sync.toml").write_text(
        workspace.config.read_text() + '\n[schedule]\ncron = "* * * * *"\n')
    recorder = Recorder()
    job = nightly(workspace, scheduler, datetime.now(LA), sync=recorder)
    scheduler.start(paused=True)
    try:
        job.add_jobs()
        scheduler.modify_job(SYNC_JOB, next_run_time=datetime.now(LA) - timedelta(minutes=5))
        scheduler.resume()
        assert finished.wait(CEILING)
    finally:
        scheduler.shutdown(wait=True)
    assert [trigger for trigger, _ in recorder.calls] == ["cron"]


# -- the real process -----------------------------------------------------------------------------
def start_schedule(workspace: Workspace) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sync", "schedule", "-c",
                             str(workspace.config), "--run-now"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wait_for_line(process: subprocess.Popen[str], needle: str, seconds: float = CEILING) -> str:
    """Reads the pipe unbuffered: a buffered readline can hold the awaited line in Python's
    buffer while select() says the pipe is empty, and the wait would never see it."""
    assert process.stderr is not None
    stream = process.stderr.fileno()
    seen = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.1)
        if ready:
            chunk = os.read(stream, 65536).decode(errors="replace")
            seen += chunk
            if needle in seen:
                return seen
            if not chunk:  # the process closed stderr: it has ended
                break
    process.kill()
    raise AssertionError(f"no line with {needle!r} within {seconds} s; got:\n{seen}")


def wait_for_lock_holder(state_dir: Path, pid: int, seconds: float = CEILING) -> None:
    """Reads the pid the holder writes into the lock file; probing with flock could make
    the run itself find the lock taken."""
    deadline = time.monotonic() + seconds
    lock = state_dir / "rotation-sync.lock"
    while not (lock.exists() and lock.read_text().strip() == str(pid)):
        assert time.monotonic() < deadline, "the run never took the lock"
        time.sleep(0.05)


def lock_is_free(state_dir: Path) -> bool:
    try:
        with StateStore(state_dir).lock():
            return True
    except LockBusy:
        return False


def test_sigterm_stops_the_scheduler_cleanly(workspace: Workspace) -> None:
    process = start_schedule(workspace)
    try:
        wait_for_line(process, "sync [start] ok (exit 0)")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=CEILING) == 0
    finally:
        process.kill()
    assert "Stopped." in (process.stderr.read() if process.stderr else "")
    assert lock_is_free(workspace.folder / "state")
    assert StateStore(workspace.folder / "state").runs()[0].outcome == "ok"


def test_sigterm_lets_the_run_in_progress_finish(workspace: Workspace) -> None:
    """The roster is a FIFO, so the run blocks inside the lock until the test feeds it."""
    rotations = workspace.folder / "roster" / "rotations.csv"
    text = rotations.read_text()
    rotations.unlink()
    os.mkfifo(rotations)
    process = start_schedule(workspace)
    try:
        rotations.write_text(text)  # the start-up read that plans the handoffs
        wait_for_lock_holder(workspace.folder / "state", process.pid)
        process.send_signal(signal.SIGTERM)
        wait_for_line(process, "stopping once the run in progress")
        assert process.poll() is None, "still running: the sync has not finished"
        rotations.write_text(text)  # the run reads the roster and finishes
        assert process.wait(timeout=CEILING) == 0
    finally:
        process.kill()
    assert StateStore(workspace.folder / "state").runs()[0].outcome == "ok"
    assert lock_is_free(workspace.folder / "state")


def test_schedule_refuses_a_bad_cron_naming_the_key(workspace: Workspace) -> None:
    workspace.config.write_text(workspace.config.read_text() +
                                '\n[schedule]\ncron = "0 9 * * 8"\n')
    result = workspace.run("schedule")
    assert result.exit_code == 2
    assert "[schedule] cron = '0 9 * * 8' is not a valid cron expression" in result.output


def test_an_override_adds_runs_at_its_start_and_the_day_after_its_end(
        workspace: Workspace, paused: BackgroundScheduler) -> None:
    """Valery away 09-12 to 09-14: the group changes at 09-12 09:00 and 09-15 09:00."""
    workspace.config.write_text(workspace.config.read_text().replace(
        'people = "roster/people.csv"\n',
        'people = "roster/people.csv"\noverrides = "roster/overrides.csv"\n'))
    (workspace.folder / "roster" / "overrides.csv").write_text(to_csv([
        ["Start", "End", "Engineer", "Cover", "Note"],
        ["2022-09-12", "2022-09-14", "valerybugakov", "sven-larsen", ""]]))
    nightly(workspace, paused, local(2022, 9, 10, 2, 0)).add_jobs()
    assert handoff_times(paused) == ["2022-09-12T09:00:00-07:00", "2022-09-15T09:00:00-07:00",
                                     "2022-10-10T09:00:00-07:00", "2022-11-08T09:00:00-08:00"]
