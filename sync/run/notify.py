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

from sync.clients.secrets import redact, secret
from sync.config import Config, FileSlack
from sync.run.engine import RunResult
from sync.run.messenger import MESSAGES_FILE, FileMessenger, Messenger, slack_escape
from sync.targets.base import Memory

log = logging.getLogger(__name__)

MEMORY_KEY = "notify.posted-problem"
MAX_LINES = 15
TARGET_LABELS = {"calendar": "the calendar", "slack": "the Slack group",
                 "handbook": "the handbook page"}


class SlackMessenger:
    """chat.postMessage through the Slack target's client, retry policy and error advice."""

    def __init__(self, token: str, api_url: str, usergroup: str) -> None:
        from slack_sdk import WebClient

        from sync.targets.slack.slack import TIMEOUT_SECONDS

        self.client = WebClient(token=token, base_url=api_url, timeout=TIMEOUT_SECONDS,
                                retry_handlers=[])  # sync.clients.retry is the one retry policy
        self.api_url = api_url
        self.usergroup = usergroup

    def post(self, channel: str, text: str) -> None:
        from sync.targets.slack.slack import SlackApi, never_sent

        api = SlackApi(self.client, self.api_url, self.usergroup, channel)
        api.call("chat.postMessage", never_sent, channel=channel, text=slack_escape(text),
                 unfurl_links=False)


def notice_channel(config: Config) -> str | None:
    if config.notify.channel:
        return config.notify.channel
    return config.slack.announce_channel if config.slack else None


def make_messenger(config: Config) -> Messenger:
    slack = config.slack
    if slack is None:
        raise LookupError("[notify] channel is set but there is no [slack] section to post "
                          "with; add one (kind = \"slack\" or \"file\").")
    if isinstance(slack, FileSlack):
        return FileMessenger(slack.path.parent / MESSAGES_FILE)
    token = secret("SLACK_BOT_TOKEN", "failure notices are posted with the Slack app's bot "
                   "token.")
    return SlackMessenger(token, slack.api_url, slack.usergroup)


# -- what a notice says --------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """What went wrong in a run: `fingerprint` is equal for the same unchanged problem."""

    fingerprint: str
    text: str


def problem_of(result: RunResult) -> Problem | None:
    if result.exit_code == 1:
        return roster_problem(result)
    if result.exit_code == 3:
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
    synced = [TARGET_LABELS.get(n, n) for n, t in result.targets.items() if t.status == "ok"]
    headline = (f"The escalation rotation sync could not update "
                f"{joined([TARGET_LABELS.get(name, name) for name in failed])}"
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
                     messenger: Messenger | None = None) -> str | None:
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
        return send(config, channel, problem.text, memory, problem.fingerprint, messenger,
                    "failure notice")
    if result.exit_code == 0 and posted:
        return send(config, channel, ALL_CLEAR, memory, None, messenger, "all-clear")
    return None


def send(config: Config, channel: str, text: str, memory: Memory, fingerprint: str | None,
         messenger: Messenger | None, what: str) -> str:
    try:
        (messenger or make_messenger(config)).post(channel, text)
    except Exception as error:
        reason = redact(str(error)) or type(error).__name__
        log.warning("The %s could not be posted in %s: %s", what, channel, reason)
        if getattr(error, "unconfirmed", False):
            memory.remember(MEMORY_KEY, fingerprint)  # it may be there: never post it twice
        return f"{what} could not be posted in {channel}: {reason}"
    memory.remember(MEMORY_KEY, fingerprint)
    log.info("Posted the %s in %s", what, channel)
    return f"{what} posted in {channel}"
