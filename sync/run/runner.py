"""One real sync run, the same for `rotation-sync sync` and for `rotation-sync schedule`.

It holds the state directory's lock, so two runs never overlap even across processes; it
posts a failure notice or the all-clear when the outcome calls for one; it leaves one line
in the run history and one line in the log, whatever happens.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sync.clients.secrets import redact
from sync.config.model import Config
from sync.core.findings import Finding
from sync.core.lived.clock import Clock
from sync.errors import Outcome, RotationSyncError
from sync.run.cell_notes import after_run as sheet_feedback
from sync.run.engine import Engine, RunResult
from sync.run.factory import Wiring, make_source
from sync.run.messenger import Memory, Messenger, Transport
from sync.run.notify import notify_after_run
from sync.run.poll import remember_synced
from sync.run.preflight import check_secrets
from sync.run.publish import check_publish, publish_after_run
from sync.run.served import record_served
from sync.run.state import StateStore
from sync.run.status_tab import status_rows
from sync.run.time_off import TimeOffCheck, time_off_check
from sync.run.time_off_post import post_conflicts, post_holidays

log = logging.getLogger("sync.run")
findings_log = logging.getLogger("sync.findings")


def make_engine(config: Config, clock: Clock, only: set[str] | None = None,
                memory: Memory | None = None, transport: Transport | None = None) -> Engine:
    """The engine of one run, with its one messenger (and one Slack client)."""
    check_secrets(config, only)
    wiring = Wiring(config)
    messenger = Messenger(transport or wiring.transport(),
                          memory if memory is not None else StateStore(config.state_dir))
    return Engine(make_source(config, wiring), wiring.targets(only), clock, messenger,
                  time_off_check(config), config.configured())


def run_sync(config: Config, clock: Clock, only: set[str] | None = None,
             force_delete: bool = False, messenger: Transport | None = None,
             trigger: str = "command line") -> RunResult:
    """Raises LockBusy (exit 2) when another run holds the lock: that run does the work.
    `trigger` says in the log line what started the run (the command line, cron, a handoff);
    `messenger` replaces where this run's messages and notices go."""
    store = StateStore(config.state_dir)
    store.check()  # before any write: a store that cannot be used is exit 2, nothing written
    check_publish(config)  # the same for the feeds' and the page's folders
    with store.lock():
        started = datetime.now(UTC)
        try:
            engine = make_engine(config, clock, only, store, messenger)
            result = engine.run(apply=True, force_delete=force_delete)
            publish_after_run(config, result, clock, apply=True)
        except RotationSyncError as error:
            store.record(started, "sync", error.exit_code, "error", {}, [],
                         {"error": redact(str(error))}, keep=config.history.keep_runs)
            log_error(started, error, trigger)
            raise
        assert engine.messenger is not None
        result.findings.extend(record_served(store, result, clock.now, engine.raw))
        remember_synced(store, engine.raw)
        notice = notify_after_run(config, result, store, engine.messenger.transport)
        post_time_off(config, result, engine.messenger, clock, engine.time_off)
        write_status_tab(config, engine, result, clock)
        sheet_feedback(config, engine, result, store)
        store.record(started, "sync", result.exit_code, outcome_of(result),
                     {name: len(t.changes) for name, t in result.targets.items()
                      if t.status == "ok"},
                     [f.as_json() for f in result.findings],
                     {name: t.as_json() for name, t in result.targets.items()},
                     keep=config.history.keep_runs, notice=notice)
    log_findings(result.findings)
    log_result(started, result, notice, trigger)
    return result


def log_findings(findings: list[Finding]) -> None:
    """Each finding a line of its own, for a collector to alert on (`sync`, `schedule`'s
    runs, `validate`, `plan`, `who`). Only JSON logs carry them: people read the findings
    in the command's own output (sync.cli.logs turns this logger off for text)."""
    for finding in findings:
        level = logging.ERROR if finding.severity == "error" else logging.WARNING
        findings_log.log(level, "%s", finding.message, extra={"finding": finding.as_json()})


def post_time_off(config: Config, result: RunResult, messenger: Messenger,
                  clock: Clock, check: TimeOffCheck | None = None) -> None:
    """A conflict that cannot be posted is logged; it never changes the run's outcome."""
    holidays = check.holidays if check is not None else []
    try:
        for note in post_conflicts(config, result.conflicts, messenger, clock.now) + \
                post_holidays(config, holidays, messenger, clock.now):
            log.info("%s", note)
    except Exception as error:
        log.warning("A time-off conflict could not be posted: %s", redact(str(error)))


def write_status_tab(config: Config, engine: Engine, result: RunResult, clock: Clock) -> None:
    """Managers read the sheet, not logs; a status tab that cannot be written is a warning,
    never a reason to change the run's outcome."""
    if not config.source.status_tab:
        return
    try:
        engine.source.write_status(status_rows(result, datetime.now(clock.tz),
                                               outcome_of(result)))
    except Exception as error:
        log.warning("The status tab could not be written: %s", redact(str(error)))


def outcome_of(result: RunResult) -> str:
    if result.roster is None:
        return "invalid roster"
    if result.exit_code == Outcome.INVALID_ROSTER:
        return "refused"
    if result.exit_code == Outcome.TARGET_FAILED:
        return "target failed"
    return "ok"


def log_result(started: datetime, result: RunResult, notice: str | None,
               trigger: str) -> None:
    """The one line per run a log collector keeps: outcome, duration, changes, findings
    (`validate` and `plan` log theirs too, under their own command name)."""
    seconds = (datetime.now(UTC) - started).total_seconds()
    errors = sum(1 for f in result.findings if f.severity == "error")
    targets = {name: t.status if t.status != "ok" else len(t.changes)
               for name, t in result.targets.items()}
    shown = ", ".join(f"{name} {count_or_status(value)}" for name, value in targets.items())
    # an invalid roster is the manager's to fix and already reported; a failed target is news
    level = logging.ERROR if result.exit_code == Outcome.TARGET_FAILED else logging.INFO
    log.log(level, "%s [%s] %s (exit %d) in %.1f s: %s; %d error(s), %d warning(s)%s",
            result.command, trigger, outcome_of(result), result.exit_code, seconds, shown, errors,
            len(result.findings) - errors, f"; {notice}" if notice else "",
            extra={"run": run_fields(trigger, outcome_of(result), result.exit_code, seconds,
                                     targets, errors, len(result.findings) - errors, notice)})


def log_error(started: datetime, error: RotationSyncError, trigger: str) -> None:
    seconds = (datetime.now(UTC) - started).total_seconds()
    log.error("sync [%s] error (exit %d) in %.1f s: %s", trigger, error.exit_code, seconds,
              error, extra={"run": run_fields(trigger, "error", error.exit_code, seconds, {},
                                              0, 0, None)})


def count_or_status(value: int | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value} change{'' if value == 1 else 's'}"


def run_fields(trigger: str, outcome: str, exit_code: int, seconds: float,
               targets: dict[str, Any], errors: int, warnings: int,
               notice: str | None) -> dict[str, Any]:
    return {"trigger": trigger, "outcome": outcome, "exit_code": exit_code,
            "seconds": round(seconds, 3),
            "targets": targets, "errors": errors, "warnings": warnings, "notice": notice}
