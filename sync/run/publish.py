"""Writing the feeds and the page: static files any web server, bucket or GitHub Pages
serves, written by every `sync` after its targets (and so by `schedule` at each handoff).

A file is written only when its text changes (an unchanged file keeps its modification
time, so a no-op sync rewrites nothing and caches stay valid); a file in `people/` that is
no current token's is deleted, so a new secret revokes every old link. A folder that cannot
be written is exit 2 naming it, checked before the run writes anything anywhere. A person's
feed is named in output by their handle, never by its file name: the link is the secret.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sync.clients.files import read_text, write_atomically
from sync.clients.secrets import secret
from sync.config.model import Config
from sync.config.publish import FEED_SECRET, Feeds, Page
from sync.core.diff.plan import Change
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.core.publish.feeds import (
    feed_name,
    feed_token,
    handoff_line,
    person_feeds,
    render_feed,
    unchanged,
)
from sync.core.publish.ical import UID_DOMAIN, EventText, events_by_uid
from sync.core.publish.page import WEEKS, board, now_json
from sync.core.publish.page_html import index_html
from sync.errors import ConfigError, Outcome
from sync.run.engine import RunResult, TargetResult
from sync.targets.calendar.model import EventSettings, desired_events
from sync.targets.calendar.settings import CalendarCommon

PEOPLE = "people"
WHY_SECRET = ("[feeds] names each person's feed after a secret (the link is the only way to "
              "it); set it to a long random string, e.g. `openssl rand -hex 32`")


@dataclass(frozen=True)
class Output:
    """One file to be: where, how people are told about it, and its text as rendered from
    what the file holds now (a feed keeps its events' SEQUENCE and DTSTAMP)."""

    path: Path
    label: str  # "the feed of @kenji-sato": never the file name, which is the link
    summary: str  # what it holds, for the change's line
    render: Callable[[str | None], str]


# -- before anything is written ------------------------------------------------------------
def check_publish(config: Config) -> None:
    """Exit 2 before any write when an output folder cannot be written (the secret is
    checked with the others, sync.run.preflight)."""
    for key, folder in output_dirs(config):
        problem = unwritable(folder)
        if problem:
            raise ConfigError(f"[{key}] dir = {folder}: {problem}; nothing was written.")


def output_dirs(config: Config) -> list[tuple[str, Path]]:
    folders = [("feeds", config.feeds.dir), ("feeds", config.feeds.dir / PEOPLE)] \
        if config.feeds else []
    return folders + ([("page", config.page.dir)] if config.page else [])


def unwritable(folder: Path) -> str | None:
    """Why files cannot be written in `folder` (or in the folder that would hold it)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():
            return f"{existing} is a broken symbolic link"
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"the folder {existing} cannot be written by this user"
    return None


# -- after the targets -----------------------------------------------------------------------
def publish_after_run(config: Config, result: RunResult, clock: Clock, apply: bool) -> None:
    """Add the feeds' and the page's outcome to the run (a target of their own in --json
    and the status tab); a failed write is exit 3, as for any target."""
    if result.roster is None or result.exit_code == Outcome.INVALID_ROSTER:
        return  # an invalid roster or a refused mass delete writes nothing anywhere
    check_publish(config)  # `plan` says so too (`sync` checked before its first write)
    outcomes = publish(config, result.roster, clock, apply)
    result.targets.update(outcomes)
    if any(outcome.status == "failed" for outcome in outcomes.values()):
        result.exit_code = Outcome.TARGET_FAILED


def publish(config: Config, roster: Roster, clock: Clock,
            apply: bool = True) -> dict[str, TargetResult]:
    """Each section's files as they should be, written (with `apply`) where they differ."""
    generated = datetime.now(UTC).replace(microsecond=0)
    outcomes = {}
    if config.feeds is not None:
        feeds = config.feeds
        outcomes["feeds"] = settle(lambda: feed_outputs(config, feeds, roster, clock,
                                                        generated),
                                   lambda: stale_feeds(feeds, roster), apply)
    if config.page is not None:
        page = config.page
        outcomes["page"] = settle(lambda: page_outputs(page, roster, clock, generated),
                                  list, apply)
    return outcomes


def settle(outputs: Callable[[], list[Output]], stale: Callable[[], list[Path]],
           apply: bool) -> TargetResult:
    """A file that cannot be read or written fails this section only (exit 3); the error
    names the person, never the feed's file name."""
    changes: list[Change] = []
    doing = "could not read the files it replaces"
    try:
        for output in outputs():
            doing = f"could not write {output.label}"
            before = read_text(output.path)
            text = output.render(before)
            if before == text:
                continue  # unchanged: not even the same bytes again (mtime kept)
            changes.append(Change("create" if before is None else "update", output.label,
                                  output.summary))
            if apply:
                write_atomically(output.path, text)
        doing = "could not remove the old feeds"
        old = stale()
        if old:
            changes.append(Change("delete", "old feeds", f"{len(old)} feed file(s) of no "
                                  "current person or secret removed"))
        for path in old if apply else []:
            path.unlink(missing_ok=True)
    except OSError as error:
        return TargetResult("failed", f"{doing}: {reason(error)}", changes)
    return TargetResult("ok", None, changes)


def reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


# -- the feeds -------------------------------------------------------------------------------
def feed_outputs(config: Config, feeds: Feeds, roster: Roster, clock: Clock,
                 generated: datetime) -> list[Output]:
    key = secret(FEED_SECRET, WHY_SECRET)
    outputs = [feed_output(feeds.dir / "all.ics", "all.ics", "Escalation engineer rotation",
                           all_events(config, roster), generated)]
    for person_key, events in person_feeds(roster, clock.now, feeds.horizon_days).items():
        person = roster.people[person_key]
        path = feeds.dir / PEOPLE / f"{feed_token(key, person.github)}.ics"
        outputs.append(feed_output(path, f"the feed of @{person.github}", feed_name(person),
                                   events, generated))
    return outputs


def feed_output(path: Path, label: str, name: str, events: list[EventText],
                generated: datetime) -> Output:
    def render(before: str | None) -> str:
        if before is not None and unchanged(before, name, events):
            return before  # says the same: kept as it is, not even parsed
        return render_feed(name, events, events_by_uid(before), generated)

    return Output(path, label, f"{len(events)} event(s) from {events[0].start} on" if events
                  else "no shift in its window: an empty calendar", render)


def all_events(config: Config, roster: Roster) -> list[EventText]:
    """Every rotation and override, titled as on the shared calendar (its [calendar]
    titles when there is one), with no attendee and no email: all.ics is not secret."""
    calendar = config.section("calendar")
    titles = calendar if isinstance(calendar, CalendarCommon) else CalendarCommon()
    settings = EventSettings(titles.event_title, attendees=False,
                             override_title=titles.override_title)
    return [EventText(all_uid(key, state.start), state.start, state.end, state.summary,
                      f"{state.description}\n{handoff_line(roster, state.start, state.end)}")
            for key, state in desired_events(roster, settings).items()]


def all_uid(key: str, start: date) -> str:
    """`rotation-<YYYYMMDD>@rotation-sync`, or the override's own key (it holds its start)."""
    middle = key if key.startswith("override-") else f"rotation-{start:%Y%m%d}"
    return f"{middle}@{UID_DOMAIN}"


def stale_feeds(feeds: Feeds, roster: Roster) -> list[Path]:
    """Files in people/ that are no current person's feed (a removed person, an old
    secret); hidden files (.htaccess, .nojekyll) are the operator's and stay."""
    folder = feeds.dir / PEOPLE
    if not folder.is_dir():
        return []
    key = secret(FEED_SECRET, WHY_SECRET)
    current = {f"{feed_token(key, p.github)}.ics" for p in roster.people.values()}
    return sorted(path for path in folder.iterdir()
                  if path.name not in current and not path.name.startswith(".")
                  and (path.is_file() or path.is_symlink()))


# -- the page --------------------------------------------------------------------------------
def page_outputs(page: Page, roster: Roster, clock: Clock,
                 generated: datetime) -> list[Output]:
    """Rendered as of the last `generated_at` first: when nothing else changed, the files
    stay as they are (a no-op sync rewrites nothing)."""
    previous = last_generated(page.dir / "now.json")
    if previous is not None:
        outputs = page_files(page, roster, clock, previous)
        if all(read_text(output.path) == output.render(None) for output in outputs):
            return outputs
    return page_files(page, roster, clock, generated)


def page_files(page: Page, roster: Roster, clock: Clock, generated: datetime) -> list[Output]:
    content = board(roster, clock.now, generated)
    on_call = ", ".join(f"@{p.github}" for p in content.now.on_call.people) or "nobody"
    said = f"on rotation now: {on_call}; {len(content.upcoming)} handoff(s) in {WEEKS} weeks"
    html, data = index_html(content), now_json(content)
    return [Output(page.dir / "index.html", "index.html", said, lambda _: html),
            Output(page.dir / "now.json", "now.json", said, lambda _: data)]


def last_generated(path: Path) -> datetime | None:
    try:
        document: Any = json.loads(read_text(path) or "null")
        return datetime.fromisoformat(document["generated_at"])
    except (ValueError, TypeError, KeyError):
        return None
