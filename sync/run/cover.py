"""Cover requests, the flow: check with the pure rules, store the request, tell the channel,
and when a request is decided append exactly one Overrides row and sync at once.

The same desk serves the command line and Slack (sync.chat). Every action, refused or not,
is a line in the run history naming who did it. A decided request whose row is not written
yet (a restart in between) is finished by the next desk that looks at it (`resume`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sync.clients.secrets import redact
from sync.config.cover import Cover
from sync.config.model import Config
from sync.core.cover import request as states
from sync.core.cover.request import CoverRequest, Refusal
from sync.core.cover.rules import (
    Busy,
    check_request,
    check_taker,
    checked_note,
    not_free,
    person_of,
)
from sync.core.cover.wording import message
from sync.core.lived.absence import Absence
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.core.planner.fairness import rank_covers
from sync.core.rules.time_off import days_away
from sync.errors import LockBusy, Outcome, RotationSyncError
from sync.run.cover_board import Board, make_board
from sync.run.cover_rows import OverridesRows, overrides_rows, write_once
from sync.run.cover_store import CoverStore
from sync.run.engine import Engine
from sync.run.factory import make_source
from sync.run.served import served_view
from sync.run.state import StateStore
from sync.run.time_off import time_off_check

SUGGESTED = 3  # the contract's "up to 3 suggested covers"
log = logging.getLogger("sync.run")
LOCK_WAIT_SECONDS = 120.0  # a sync in progress finishes well within this
SyncNow = Callable[[str], Any]


class CoverRefused(RotationSyncError):
    """A refused cover action: exit 1, nothing written."""

    exit_code = Outcome.INVALID_ROSTER


class CoverDesk:
    """The cover actions of one roster, for the command line and for Slack alike."""

    def __init__(self, config: Config, clock: Callable[[], Clock],
                 sync: SyncNow | None = None, board: Board | None = None,
                 busy: Busy | None = None) -> None:
        self.config = config
        self.section = config.cover or Cover()
        self.clock = clock
        self.state = StateStore(config.state_dir)
        self.store = CoverStore(self.state)
        self.rows: OverridesRows = overrides_rows(config)  # exit 2 without an Overrides tab
        self.sync = sync or (lambda trigger: sync_now(config, clock(), trigger))
        self.board = board or make_board(config, self.section)
        self.busy = busy or {}  # handle -> days on other rosters' rotations (a fleet)
        self.suggested: list[str] = []  # the last request's suggestions, for the CLI

    # -- the actions -------------------------------------------------------------------
    def request(self, engineer: str, first: date, last: date, note: str, by: str
                ) -> CoverRequest:
        def act(roster: Roster, now: datetime) -> CoverRequest:
            asker, person = person_of(roster, by), person_of(roster, engineer)
            check_request(roster, person, first, last, asker, self.section.manager_handles,
                          now.date(), self.store.all(open_only=True))
            created = self.store.add(CoverRequest(
                0, person.github, first, last, checked_note(note), asker.github, now,
                now + self.section.expiry))
            self.suggested = self.suggestions(roster, created)
            return self.show(created, self.suggested)
        return self.act("request", by, None, act)

    def take(self, number: int, by: str) -> CoverRequest:
        def act(roster: Roster, now: datetime) -> CoverRequest:
            taker = person_of(roster, by)
            before = self.current(number)
            after = states.take(before, taker.github, now)
            if after is not before:
                check_taker(roster, before, taker, self.away(roster), self.busy)
                self.moved(before, after)
                if not states.ready_to_write(after, self.section.approval):
                    self.show(after)  # waiting for a manager; otherwise "done" follows now
            return self.complete(after)
        return self.act("take", by, number, act)

    def approve(self, number: int, by: str) -> CoverRequest:
        def act(roster: Roster, now: datetime) -> CoverRequest:
            manager = person_of(roster, by)
            before = self.current(number)
            if self.section.approval != "manager":
                raise Refusal(f"Cover request {number} needs no approval ([cover] approval "
                              "= \"none\"): it is done once taken.")
            after = states.approve(before, manager.github, now, self.section.manager_handles)
            if after is not before:
                self.moved(before, after)
            return self.complete(after)
        return self.act("approve", by, number, act)

    def cancel(self, number: int, by: str) -> CoverRequest:
        def act(roster: Roster, now: datetime) -> CoverRequest:
            who = person_of(roster, by)
            before = self.current(number)
            after = states.cancel(before, who.github, now, self.section.manager_handles)
            if after is not before:
                self.moved(before, after)
                self.show(after)
            return after
        return self.act("cancel", by, number, act)

    def listing(self) -> list[CoverRequest]:
        self.expire_due()
        self.resume()
        return self.store.all()

    # -- upkeep: expiry and a restart's unfinished rows --------------------------------
    def expire_due(self) -> list[CoverRequest]:
        now = self.clock().now
        expired = []
        for request in self.store.all(open_only=True):
            after = states.expire(request, now, self.section.approval)
            if after is not None and self.store.move(request, after):
                expired.append(self.show(after))
                self.remember("expire", "rotation-sync", after.id, 0, after.state)
        return expired

    def resume(self) -> list[CoverRequest]:
        """Decided requests whose row a restart interrupted: write it (once) and sync."""
        return [self.complete(request) for request in self.store.all(open_only=True)
                if states.ready_to_write(request, self.section.approval)]

    # -- the steps ---------------------------------------------------------------------
    def act(self, action: str, by: str, number: int | None,
            step: Callable[[Roster, datetime], CoverRequest]) -> CoverRequest:
        """One action with its line in the run history; a Refusal is exit 1."""
        clock = self.clock()
        self.expire_due()  # an expired request neither blocks a new one nor can be taken
        try:
            done = step(self.roster(clock), clock.now)
        except Refusal as refusal:
            self.remember(action, by, number, Outcome.INVALID_ROSTER, "refused", str(refusal))
            raise CoverRefused(str(refusal)) from None
        self.remember(action, by, done.id, 0, done.state)
        return done

    def current(self, number: int) -> CoverRequest:
        request = self.store.get(number)
        if request is None:
            raise Refusal(f"There is no cover request {number}; see `rotation-sync cover "
                          "list`.")
        return request

    def moved(self, before: CoverRequest, after: CoverRequest) -> None:
        """Someone else moved the request meanwhile (a simultaneous click): say who. The
        same person's click in another process did what this one would: no refusal."""
        if not self.store.move(before, after):
            latest = self.store.get(before.id)
            assert latest is not None
            if not states.same_decision(latest, after):
                raise Refusal(states.closed_or_taken(latest))

    def complete(self, request: CoverRequest) -> CoverRequest:
        """Decided: append the row (unless it is there) under the state lock, then sync."""
        if not states.ready_to_write(request, self.section.approval):
            return request
        with self.state.lock(LOCK_WAIT_SECONDS):
            latest = self.store.get(request.id)
            if latest is None or not states.ready_to_write(latest, self.section.approval):
                return latest or request
            appended = write_once(self.rows, latest)
            done = states.finish(latest, self.clock().now)
            self.store.move(latest, done)
        log.info("cover request %d: Overrides row %s", done.id,
                 "appended" if appended else "already there")
        self.show(done)
        self.sync(f"cover request {done.id}")
        return done

    def roster(self, clock: Clock) -> Roster:
        result = Engine(make_source(self.config), {}, clock).validate()
        if result.roster is None:
            first = next((f for f in result.findings if f.severity == "error"), None)
            raise CoverRefused("The roster has errors, so no cover can be arranged; fix them "
                               f"first (rotation-sync validate). {first.message if first else ''}")
        return result.roster

    def absences(self, roster: Roster) -> list[Absence]:
        absences: list[Absence] = list(roster.time_off)
        check = time_off_check(self.config)
        if check is not None:
            check.gather(roster, self.clock(), absences)
        return absences

    def away(self, roster: Roster) -> dict[str, set[date]]:
        return days_away(self.absences(roster))

    def suggestions(self, roster: Roster, request: CoverRequest) -> list[str]:
        """Up to 3 people free on all the days, ranked like `propose` (the planner's own
        order: fewest rotations in the last 12 months, longest since their last)."""
        clock = self.clock()
        absences = self.absences(roster)
        served = [day.entry for day in served_view(self.config, roster, clock.now)]
        ranked = rank_covers(roster, request.first, request.last, served, absences,
                             self.busy, clock.today)
        away = days_away(absences)
        takeable = [r.handle for r in ranked if not_free(
            roster, roster.people[r.handle.lower()], request.first, request.last, away,
            self.busy) is None]
        return takeable[:SUGGESTED]

    def show(self, request: CoverRequest, suggestions: Sequence[str] = ()) -> CoverRequest:
        """Post or update the request's message; a message that fails is logged, never a
        reason to undo the request."""
        text = message(request, suggestions, self.section.approval)
        try:
            placed = self.board.show(request, text)
        except Exception as error:
            log.warning("The message of cover request %d could not be posted: %s",
                        request.id, redact(str(error)))
            return request
        if placed and (placed[0], placed[1]) != (request.channel, request.message):
            self.store.place(request.id, *placed)
            return self.store.get(request.id) or request
        return request

    def remember(self, action: str, by: str, number: int | None, exit_code: int,
                 outcome: str, reason: str | None = None) -> None:
        """One line in the run history: who did what to which request (`status`)."""
        now = datetime.now(UTC)
        which = f"cover request {number}" if number else "a cover request"
        said = f"{which}: {action} by {by}: " + (f"refused: {reason}" if reason else outcome)
        self.state.record(now, f"cover {action}", exit_code, outcome, {}, [],
                          {"cover": {"request": number, "by": by, "action": action,
                                     "state": outcome, "reason": reason}},
                          keep=self.config.history.keep_runs, notice=said)


def sync_now(config: Config, clock: Clock, trigger: str) -> None:
    """The command line's sync after a row: a run in progress may not have read the row,
    so wait for it to finish, then sync."""
    from sync.run.runner import run_sync

    try:
        run_sync(config, clock, trigger=trigger)
    except LockBusy:
        with StateStore(config.state_dir).lock(LOCK_WAIT_SECONDS):
            pass  # the other run has finished
        run_sync(config, clock, trigger=trigger)
