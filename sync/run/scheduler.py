"""`rotation-sync schedule`: sync on `[schedule] cron` and at every handoff, in the foreground.

APScheduler 3.x runs the jobs. Besides the cron, a one-off run is planned at each upcoming
handoff moment (a rotation's Start day at `handoff_time`, and the moment after each End day),
so the Slack group switches on time instead of at the next nightly run, and one at each
reminder moment (`[slack] remind_before`); the plan is redone after every run, so a roster
edit moves it. Runs never overlap: one worker thread runs the
jobs one after another, each job has at most one instance, and the state directory's lock
keeps out other processes. Missed runs are coalesced into one, within a grace time.

The cron expression has crontab semantics (0 or 7 is Sunday) although APScheduler 3 counts
weekdays from Monday, and each wall-clock time fires once, also in the hour a DST change
repeats.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from sync.config.model import Config
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.core.messages.reminders import moments
from sync.errors import ConfigError, LockBusy, RotationSyncError
from sync.run.cron_syntax import cron_fields
from sync.run.engine import Engine, RunResult
from sync.run.factory import make_source
from sync.run.poll import RosterPoll
from sync.run.runner import run_sync
from sync.targets.slack.settings import SlackCommon

log = logging.getLogger(__name__)

SYNC_JOB = "sync"
POLL_JOB = "poll"
RUN_NOW_JOB = "sync at start"
HANDOFF_PREFIX = "handoff "
REMINDER_PREFIX = "reminder "
RETRY_PREFIX = "retry "  # not a handoff job: re-planning the handoffs keeps it
RETRY = re.compile(r"(handoff [^(]+?)(?: \(retry (\d+)\))?")
HANDOFF_RETRIES, HANDOFF_RETRY_AFTER = 4, timedelta(seconds=15)
MISFIRE_GRACE_SECONDS = 3600  # a run up to an hour late (a suspended laptop) still happens
CRONTAB_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

SyncCall = Callable[[Config, Clock, str], RunResult]
# Something `schedule` also serves (cover requests, Slack): started with the config, the
# scheduler, a way to sync now and the clock; returns how to stop it.
Service = Callable[[Config, BaseScheduler, Callable[[str], None], Callable[[], datetime]],
                   Callable[[], None]]


# -- the cron expression --------------------------------------------------------------------
class WallClockCronTrigger(CronTrigger):  # type: ignore[misc]
    """Fires once per wall-clock time: when autumn's DST change repeats an hour, the second
    01:30 is skipped, as cron does. A time spring's change skips (02:00) fires right after
    the gap, and is returned as the real local time (03:00), not as a time that never was."""

    def get_next_fire_time(self, previous_fire_time: datetime | None,
                           now: datetime) -> datetime | None:
        fire: datetime | None = super().get_next_fire_time(previous_fire_time, now)
        while fire is not None and repeats_earlier_wall_time(fire, self.timezone):
            fire = super().get_next_fire_time(fire, fire)
        return fire.astimezone(UTC).astimezone(self.timezone) if fire else None


def repeats_earlier_wall_time(moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz)
    first = local.replace(tzinfo=None).replace(tzinfo=tz, fold=0)
    return first.utcoffset() != local.utcoffset()


def cron_trigger(expression: str, tz: ZoneInfo) -> CronTrigger:
    """A crontab expression (5 fields or @daily …) as a trigger in `tz`; ConfigError if bad."""
    fields = cron_fields(expression)
    try:
        if len(fields) != 5:
            raise ValueError(f"it has {len(fields)} fields; cron needs 5: minute hour "
                             "day-of-month month day-of-week")
        minute, hour, day, month, weekday = fields
        if day != "*" and weekday != "*":
            raise ValueError("it restricts both the day of the month and the day of the week, "
                             "which cron reads as either one; use only one of them")
        return WallClockCronTrigger(minute=minute, hour=hour, day=day, month=month,
                                    day_of_week=crontab_weekdays(weekday), timezone=tz)
    except ValueError as error:
        raise ConfigError(f"[schedule] cron = {expression!r} is not a valid cron expression: "
                          f"{error}.") from None


def crontab_weekdays(field: str) -> str:
    """Crontab day-of-week (0 or 7 = Sunday, names, ranges, steps) as APScheduler day names."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        days |= weekday_part(part)
    return ",".join(CRONTAB_WEEKDAYS[day] for day in sorted(days, key=lambda d: (d + 6) % 7))


def weekday_part(part: str) -> set[int]:
    match = re.fullmatch(r"(\*|\w+)(?:-(\w+))?(?:/(\d+))?", part)
    if not match:
        raise ValueError(f"{part!r} is not a day of the week")
    start_text, end_text, step_text = match.groups()
    start = 0 if start_text == "*" else weekday_number(start_text)
    end = 7 if start_text == "*" else weekday_number(end_text) if end_text else start
    if step_text and not end_text and start_text != "*":
        end = 7
    if end < start:
        raise ValueError(f"{part!r} runs backwards")
    return {day % 7 for day in range(start, end + 1, int(step_text or 1))}


def weekday_number(text: str) -> int:
    if text.isdigit() and int(text) <= 7:
        return int(text)
    if text[:3] in CRONTAB_WEEKDAYS and len(text) == 3:
        return CRONTAB_WEEKDAYS.index(text[:3])
    raise ValueError(f"{text!r} is not a day of the week (0-7 or sun-sat)")


# -- the scheduler ----------------------------------------------------------------------------
def new_scheduler(tz: ZoneInfo, kind: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """One worker, so a handoff run that falls during the nightly run waits for it."""
    return kind(timezone=tz, executors={"default": ThreadPoolExecutor(max_workers=1)},
                job_defaults={"coalesce": True, "max_instances": 1,
                              "misfire_grace_time": MISFIRE_GRACE_SECONDS})


class NightlySync:
    """The jobs of `rotation-sync schedule`, on an injectable scheduler and clock."""

    def __init__(self, config: Config, scheduler: BaseScheduler | None = None,
                 now: Callable[[], datetime] | None = None, sync: SyncCall | None = None,
                 services: Sequence[Service] = ()) -> None:
        self.config = config
        self.services = services
        self.trigger = cron_trigger(config.schedule.cron, config.tz)
        self.scheduler = scheduler or new_scheduler(config.tz)
        self.now = now or (lambda: datetime.now(config.tz))
        self.sync = sync or default_sync
        self.busy = threading.Lock()
        self.stopping = False
        self.poller = RosterPoll(config, self.run)

    def add_jobs(self, run_now: bool = False) -> None:
        """The cron job, the handoff runs, and with `run_now` a run right away: the job
        store lives in memory, so a run missed while the process was down is not caught
        up otherwise."""
        self.scheduler.add_job(self.run, self.trigger, args=["cron"], id=SYNC_JOB,
                               name="nightly sync", replace_existing=True)
        if run_now:
            self.scheduler.add_job(self.run, DateTrigger(self.now(), timezone=self.config.tz),
                                   args=["start"], id=RUN_NOW_JOB, name="sync at start",
                                   replace_existing=True)
        poll = self.config.schedule.poll_seconds
        if poll:
            self.scheduler.add_job(self.poll, IntervalTrigger(seconds=poll,
                                                              timezone=self.config.tz),
                                   id=POLL_JOB, name="roster poll", replace_existing=True,
                                   misfire_grace_time=poll)
        self.plan_handoffs()

    def poll(self) -> None:
        """One roster poll (see sync.run.poll); it syncs through `run` when an edit settled."""
        if not self.stopping:
            self.poller.tick()

    def run_forever(self, run_now: bool = False) -> None:
        """Blocks until SIGTERM or SIGINT; a run in progress is allowed to finish."""
        self.add_jobs(run_now)
        stops = [serve(self.config, self.scheduler, self.run, self.now)
                 for serve in self.services]
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        upcoming = next_fire_times(self.trigger, self.now(), 1)
        log.info("Syncing at %r in %s (next: %s%s) and at %d upcoming handoff(s). Stop with "
                 "Ctrl-C or SIGTERM.", self.config.schedule.cron, self.config.timezone,
                 upcoming[0].isoformat() if upcoming else "never",
                 ", and now" if run_now else "", len(self.handoff_jobs()))
        if self.config.schedule.poll:
            log.info("Polling the roster every %s: an edit is synced within two polls.",
                     self.config.schedule.poll)
        try:
            if not self.stopping:  # a signal during start-up
                self.scheduler.start()
            self.wait_for_run_in_progress()
        finally:
            for stop in stops:
                stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("Stopped.")

    def run(self, trigger: str) -> None:
        """One job: sync, then re-plan the handoffs from the roster as it is now."""
        if self.stopping:
            return
        with self.busy:
            self.sync_once(trigger)
            if not self.stopping:
                self.plan_handoffs()

    def sync_once(self, trigger: str) -> None:
        """Never raises, so the scheduler outlives any failure; the next run tries again."""
        try:
            self.sync(self.config, Clock(self.now(), self.config.handoff_time), trigger)
        except LockBusy:
            log.warning("sync [%s] skipped: another rotation-sync run holds the lock; it "
                        "does the same work.", trigger)
            self.retry_handoff(trigger)
        except RotationSyncError:
            pass  # the runner logged the run's one line
        except Exception:
            log.exception("sync [%s] failed unexpectedly; the next run tries again.", trigger)

    def retry_handoff(self, trigger: str) -> None:
        """The page, the group and the topic must follow a handoff within a minute: when
        another process holds the lock at that moment (its run began before the handoff),
        the handoff run is tried again every 15 s, up to 4 times."""
        match = RETRY.fullmatch(trigger)
        if match is None or int(match[2] or 0) >= HANDOFF_RETRIES:
            return  # the nightly run is not in a hurry; a handoff is retried a few times
        attempt = int(match[2] or 0) + 1
        moment = self.now() + HANDOFF_RETRY_AFTER
        self.scheduler.add_job(self.run, DateTrigger(moment, timezone=self.config.tz),
                               args=[f"{match[1]} (retry {attempt})"],
                               id=f"{RETRY_PREFIX}{match[1]}", name=f"retry {match[1]}",
                               replace_existing=True)

    # -- handoff runs ------------------------------------------------------------------------
    def plan_handoffs(self) -> None:
        """A one-off run at each upcoming handoff, replacing the plan of the last roster. An
        unreadable or invalid roster keeps the previous plan: it is probably mid-edit."""
        roster = self.read_roster()
        if roster is None:
            return
        wanted = {HANDOFF_PREFIX + moment.isoformat(): moment
                  for moment in roster.handoffs(self.now())}
        reminders = {REMINDER_PREFIX + moment.isoformat(): moment
                     for moment in reminder_moments(self.config, roster, self.now())}
        for job in self.handoff_jobs() + self.reminder_jobs():
            if job not in wanted and job not in reminders:
                self.scheduler.remove_job(job)
        for job_id, moment in {**reminders, **wanted}.items():
            what = job_id.split(" ")[0]
            self.scheduler.add_job(self.run, DateTrigger(moment, timezone=self.config.tz),
                                   args=[f"{what} {moment:%Y-%m-%d %H:%M}"], id=job_id,
                                   name=f"{what} at {moment.isoformat()}",
                                   replace_existing=True)

    def read_roster(self) -> Roster | None:
        clock = Clock(self.now(), self.config.handoff_time)
        try:
            result = Engine(make_source(self.config), {}, clock).validate()
        except Exception as error:
            log.warning("Could not read the roster to plan the handoff runs (%s); the plan "
                        "stays as it was.", error)
            return None
        return result.roster

    def handoff_jobs(self) -> list[str]:
        return [job.id for job in self.scheduler.get_jobs() if job.id.startswith(HANDOFF_PREFIX)]

    def reminder_jobs(self) -> list[str]:
        return [job.id for job in self.scheduler.get_jobs()
                if job.id.startswith(REMINDER_PREFIX)]

    # -- stopping ----------------------------------------------------------------------------
    def stop(self, signum: int, frame: FrameType | None) -> None:
        """First signal: stop after the run in progress. Second: abandon it and exit at once;
        the lock is an OS file lock, released with the process, and the next run converges."""
        name = signal.Signals(signum).name
        if self.stopping:
            log.warning("%s again: abandoning the run in progress.", name)
            os._exit(128 + signum)
        self.stopping = True
        log.info("%s received: stopping once the run in progress, if any, has finished.", name)
        with contextlib.suppress(SchedulerNotRunningError):  # a signal before start()
            self.scheduler.shutdown(wait=False)

    def wait_for_run_in_progress(self) -> None:
        if self.busy.locked():
            log.info("Waiting for the run in progress to finish.")
        with self.busy:
            pass


def reminder_moments(config: Config, roster: Roster, now: datetime) -> list[datetime]:
    """The moments `[slack] remind_before` makes reminders due: one-off runs, so a "1d"
    reminder goes out at the handoff time a day before, not at the next nightly run."""
    slack = config.section("slack")
    return moments(roster, now, slack.leads()) if isinstance(slack, SlackCommon) else []


def default_sync(config: Config, clock: Clock, trigger: str) -> RunResult:
    return run_sync(config, clock, trigger=trigger)


def next_fire_times(trigger: CronTrigger, after: datetime, count: int) -> list[datetime]:
    """The next `count` fire times after `after`."""
    times: list[datetime] = []
    previous: datetime | None = None
    now = after
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:
            break
        times.append(fire)
        previous, now = fire, fire + timedelta(microseconds=1)
    return times
