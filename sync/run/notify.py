"""Failure notices and the all-clear, posted where the managers are (a Slack channel).

A nightly job that fails silently is worse than one that does not exist: managers keep
editing a roster nobody applies. So a run that ends with exit 1 (invalid roster, refused
mass delete) or 3 (a target failed) posts one message listing the problems. The same
unchanged problem is not posted again every night: its fingerprint is remembered in the
state store, and only a different problem is posted. The first successful run after a
posted failure posts a short all-clear. Posting never changes a run's exit code.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from sync.clients.secrets import redact
from sync.config.model import Config
from sync.errors import Outcome
from sync.run.engine import RunResult
from sync.run.messenger import Memory, Transport
from sync.targets.registry import LABELS
from sync.targets.slack.settings import SlackCommon

log = logging.getLogger(__name__)

MEMORY_KEY = "notify.posted-problem"
MAX_LINES = 15


def notice_channel(config: Config) -> str | None:
    if config.notify.channel:
        return config.notify.channel
    slack = config.section("slack")
    return slack.announce_channel if isinstance(slack, SlackCommon) else None


# -- what a notice says --------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """What went wrong in a run: `fingerprint` is equal for the same unchanged problem."""

    fingerprint: str
    text: str


def problem_of(result: RunResult) -> Problem | None:
    if result.exit_code == Outcome.INVALID_ROSTER:
        return roster_problem(result)
    if result.exit_code == Outcome.TARGET_FAILED:
        return target_problem(result)
    return None


def roster_problem(result: RunResult) -> Problem:
    errors = [f for f in result.findings if f.severity == "error"]
    facts = sorted((f.code, f.tab, f.row or 0, f.column or "", f.message) for f in errors)
    if result.roster is None:
        headline = (f"The escalation rotation sync stopped: the roster has {len(errors)} "
                    "error(s). Nothing was changed in the calendar, the Slack group or the "
                    "handbook; the next run applies the roster once they are fixed:")
    else:
        headline = ("The escalation rotation sync was refused: the roster would delete most "
                    "of what it manages, which looks like a renamed tab or a filtered sheet. "
                    "Nothing was changed. If the deletion is intended, run `rotation-sync "
                    "sync --force-delete` once:")
    lines = [located(f.tab, f.row, f.column, f.message) for f in errors]
    return Problem(fingerprint_of(facts), compose(headline, lines,
                                                  "`rotation-sync validate` lists them all."))


def target_problem(result: RunResult) -> Problem:
    failed = {name: t.error or "failed" for name, t in result.targets.items()
              if t.status == "failed"}
    synced = [LABELS.get(n, n) for n, t in result.targets.items() if t.status == "ok"]
    headline = (f"The escalation rotation sync could not update "
                f"{joined([LABELS.get(name, name) for name in failed])}"
                + (f"; {joined(synced)} {'is' if len(synced) == 1 else 'are'} up to date"
                   if synced else "")
                + ". The next run tries again:")
    lines = [f"{name}: {error}" for name, error in failed.items()]
    return Problem(fingerprint_of(sorted(failed.items())), compose(headline, lines, ""))


def joined(names: list[str]) -> str:
    return " and ".join(names) if len(names) < 3 else \
        ", ".join(names[:-1]) + " and " + names[-1]


def located(tab: str, row: int | None, column: str | None, message: str) -> str:
    """Findings' messages already start with 'Rotations row 4: '; others get the place."""
    if message.startswith(tab):
        return message
    place = tab + (f" row {row}" if row is not None else "") + (f", {column}" if column else "")
    return f"{place}: {message}"


def compose(headline: str, lines: list[str], more: str) -> str:
    shown = [f"• {line}" for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(f"…and {len(lines) - MAX_LINES} more. {more}".rstrip())
    return redact("\n".join([f"rotation-sync: {headline}", *shown]))


def fingerprint_of(facts: object) -> str:
    return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()[:16]


ALL_CLEAR = ("rotation-sync: The escalation rotation sync works again: the calendar, the "
             "Slack group and the handbook page agree with the roster.")


# -- when to post ----------------------------------------------------------------------------
def notify_after_run(config: Config, result: RunResult, memory: Memory,
                     transport: Transport) -> str | None:
    """Post a failure notice or the all-clear when due; says what happened, for the history.

    Only the fingerprint of a problem that was actually posted is remembered, so a notice
    that could not be posted is tried again by the next run.
    """
    channel = notice_channel(config)
    if channel is None:
        return None
    problem = problem_of(result)
    posted = memory.recall(MEMORY_KEY)
    if problem is not None:
        if problem.fingerprint == posted:
            return f"failure notice not repeated: the same problem was posted in {channel}"
        return send(transport, channel, problem.text, memory, problem.fingerprint,
                    "failure notice")
    if result.exit_code == Outcome.OK and posted:
        return send(transport, channel, ALL_CLEAR, memory, None, "all-clear")
    return None


def send(transport: Transport, channel: str, text: str, memory: Memory,
         fingerprint: str | None, what: str) -> str:
    try:
        transport.post(channel, text)
    except Exception as error:
        reason = redact(str(error)) or type(error).__name__
        log.warning("The %s could not be posted in %s: %s", what, channel, reason)
        if getattr(error, "unconfirmed", False):
            memory.remember(MEMORY_KEY, fingerprint)  # it may be there: never post it twice
        return f"{what} could not be posted in {channel}: {reason}"
    memory.remember(MEMORY_KEY, fingerprint)
    log.info("Posted the %s in %s", what, channel)
    return f"{what} posted in {channel}"
