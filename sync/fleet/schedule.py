"""`rotation-sync schedule -c fleet.toml`: the whole fleet from one process.

Each roster keeps its own jobs (its cron, its handoff and reminder runs), all on one
scheduler with one worker, so runs never overlap and a large fleet is paced by the request
limiters rather than by threads. Instead of one poll per roster, one fleet poll asks Drive
(and the CSV files) which rosters changed. With a PostgreSQL state URL, replicas wait for
leadership first: exactly one of them syncs.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from sync.clients.limits import configure_quotas
from sync.clients.secrets import redact
from sync.config.model import Config, load_config
from sync.config.sections import CsvSource, SheetsSource
from sync.core.lived.clock import Clock
from sync.fleet.changes import DriveWatch, FileWatch, Watch, drive_service
from sync.fleet.fanout import Callback
from sync.fleet.leader import Leadership
from sync.fleet.model import Fleet, FleetRoster, check_roster_config
from sync.fleet.poll import FleetPoll
from sync.fleet.scope import FleetScope, roster_scope
from sync.run.engine import RunResult
from sync.run.runner import run_sync
from sync.run.scheduler import NightlySync, new_scheduler
from sync.run.state import StateStore, placed, state_url

log = logging.getLogger("sync.fleet")
FLEET_NAMESPACE = "fleet"
FLEET_POLL_JOB = "fleet poll"


class RosterJobs:
    """One roster's view of the shared scheduler: its job ids are prefixed with its name."""

    def __init__(self, scheduler: BaseScheduler, name: str) -> None:
        self.scheduler = scheduler
        self.prefix = f"{name}: "

    def add_job(self, func: Any, trigger: Any, **options: Any) -> Any:
        options["id"] = self.prefix + options["id"]
        options["name"] = self.prefix + options.get("name", "")
        return self.scheduler.add_job(func, trigger, **options)

    def remove_job(self, job_id: str) -> None:
        self.scheduler.remove_job(self.prefix + job_id)

    def get_jobs(self) -> list[Any]:
        return [JobId(job.id.removeprefix(self.prefix)) for job in self.scheduler.get_jobs()
                if job.id.startswith(self.prefix)]


class JobId:
    def __init__(self, job_id: str) -> None:
        self.id = job_id


class FleetSchedule:
    def __init__(self, fleet: Fleet, rosters: tuple[FleetRoster, ...],
                 scheduler: BaseScheduler | None = None) -> None:
        self.fleet = fleet
        self.url = state_url() or fleet.settings.state_url
        self.scheduler = scheduler or new_scheduler(ZoneInfo("UTC"), BlockingScheduler)
        self.scope = FleetScope(fleet, incremental=True)
        self.nightly: dict[str, NightlySync] = {}
        self.configs: dict[str, Config] = {}
        for roster in rosters:
            self.add_roster(roster)
        self.poll = FleetPoll({name: job.poller for name, job in self.nightly.items()},
                              self.watches())
        self.stopping = False
        self.leadership = Leadership(self.url, fleet.path.stem) if self.url else None

    def add_roster(self, roster: FleetRoster) -> None:
        """A roster whose config cannot be used is logged and left out; the others run."""
        try:
            check_roster_config(self.fleet, roster)
            config = load_config(roster.config)
        except Exception as error:
            log.error("Roster %s is not scheduled: %s", roster.name, redact(str(error)))
            return
        with placed(self.url, roster.name):
            self.nightly[roster.name] = NightlySync(
                without_own_poll(config), RosterJobs(self.scheduler, roster.name),
                sync=self.roster_sync(roster.name))
        self.configs[roster.name] = config

    def roster_sync(self, name: str) -> Any:
        def sync(config: Config, clock: Clock, trigger: str) -> RunResult:
            with placed(self.url, name), roster_scope(self.scope, name):
                return run_sync(config, clock, trigger=f"{trigger}, roster {name}")
        return sync

    def watches(self) -> list[Watch]:
        files: dict[str, list[Any]] = {}
        sheets: dict[str, list[str]] = {}
        for name, config in self.configs.items():
            source = config.source
            if isinstance(source, CsvSource):
                files[name] = [p for p in (source.rotations, source.people, source.overrides)
                               if p is not None]
            elif isinstance(source, SheetsSource):
                sheets.setdefault(source.spreadsheet_id, []).append(name)
        endpoint = self.fleet.settings.drive_endpoint
        with placed(self.url, FLEET_NAMESPACE):
            store = StateStore(self.fleet.path.parent / "state")
        return [FileWatch(files), DriveWatch(sheets, store, lambda: drive_service(endpoint))]

    def add_jobs(self, run_now: bool) -> None:
        for job in self.nightly.values():
            job.add_jobs(run_now)
        seconds = self.fleet.settings.poll_seconds
        if seconds:
            self.scheduler.add_job(self.poll_once, IntervalTrigger(seconds=seconds),
                                   id=FLEET_POLL_JOB, name=FLEET_POLL_JOB,
                                   replace_existing=True, misfire_grace_time=seconds)

    def poll_once(self) -> None:
        if not self.stopping:
            self.poll.tick()

    def run_forever(self, run_now: bool) -> None:
        """Blocks until SIGTERM or SIGINT; a run in progress is allowed to finish."""
        with self.signals():
            if self.leadership is not None and not self.leadership.wait():
                return
            self.add_jobs(run_now)
            log.info("Serving %d roster(s) of %s; polling every %s.", len(self.nightly),
                     self.fleet.path, self.fleet.settings.poll or "never")
            if not self.stopping:
                self.scheduler.start()
            for job in self.nightly.values():
                job.wait_for_run_in_progress()
        log.info("Stopped.")

    @contextlib.contextmanager
    def signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM,
                                                                    signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        log.info("%s received: stopping once the run in progress, if any, has finished.",
                 signal.Signals(signum).name)
        for job in self.nightly.values():
            job.stopping = True
        if self.leadership is not None:
            self.leadership.stopped.set()
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)


def run_fleet(fleet: Fleet, rosters: tuple[FleetRoster, ...], callback: Callback,
              kwargs: dict[str, Any]) -> None:
    """`schedule` over a fleet file: the whole fleet in this one process."""
    from sync.cli.commands import configure_logging

    configure_logging(kwargs.get("log_format", "text"), logging.INFO)
    configure_quotas(fleet.settings.quotas)
    FleetSchedule(fleet, rosters).run_forever(bool(kwargs.get("run_now")))


def run_lone(callback: Callback, kwargs: dict[str, Any]) -> Any:
    """`schedule` with one ordinary config: with a PostgreSQL state URL, replicas of it
    take turns as the leader too."""
    url = state_url()
    if url is None:
        return callback(**kwargs)
    from sync.cli.commands import configure_logging

    configure_logging(kwargs.get("log_format", "text"), logging.INFO)
    leadership = Leadership(url, "default")
    with signal_stops(leadership):
        if not leadership.wait():
            return None
    return callback(**kwargs)


@contextlib.contextmanager
def signal_stops(leadership: Leadership) -> Iterator[None]:
    """While standing by, SIGTERM and SIGINT end the wait."""
    def stop(signum: int, frame: FrameType | None) -> None:
        leadership.stopped.set()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def without_own_poll(config: Config) -> Config:
    """In a fleet one poll serves every roster; a roster's own `[schedule] poll` is off."""
    schedule = config.schedule.model_copy(update={"poll": None})
    return config.model_copy(update={"schedule": schedule})
