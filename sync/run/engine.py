"""validate → read every target → plan → (guard) → apply → messages, one target at a time.

Like vdirsyncer, every target is read and planned before anything is written, so an invalid
roster or a suspicious mass delete stops the run with nothing written anywhere; a target
that fails while applying does not stop the others. The messages a target's plan entails
go to the messenger once its writes are done (a dry run only previews them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sync.clients.retry import at_endpoint
from sync.core.diff.plan import Change, TargetPlan, mass_delete
from sync.core.findings import Finding, Findings
from sync.core.lived.clock import Clock
from sync.core.lived.roster import Roster
from sync.core.rules.time_off import Conflict
from sync.core.rules.validate import validate
from sync.core.tabs.raw import RawRoster
from sync.errors import Outcome, RotationSyncError
from sync.fleet.scope import cross_roster_findings, read_roster
from sync.run.messenger import Messenger
from sync.run.time_off import TimeOffCheck
from sync.sources import RosterSource
from sync.targets.base import Target
from sync.targets.registry import listed

log = logging.getLogger(__name__)

Status = Literal["ok", "failed", "skipped"]
REFUSED = "refused (mass delete): nothing was written"


@dataclass
class TargetResult:
    status: Status
    error: str | None = None
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "error": self.error,
                "changes": [change.as_json() for change in self.changes],
                "notes": self.notes}


@dataclass
class RunResult:
    command: str
    findings: list[Finding]
    targets: dict[str, TargetResult]
    exit_code: Outcome = Outcome.OK
    roster: Roster | None = None
    conflicts: list[Conflict] = field(default_factory=list)  # also among the findings

    def as_json(self) -> dict[str, Any]:
        return {"exit_code": self.exit_code, "command": self.command,
                "findings": [finding.as_json() for finding in self.findings],
                "targets": {name: result.as_json() for name, result in self.targets.items()}}

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == "error" for finding in self.findings)


class Engine:
    def __init__(self, source: RosterSource, targets: Mapping[str, Target], clock: Clock,
                 messenger: Messenger | None = None,
                 time_off: TimeOffCheck | None = None, configured: Sequence[str] = ()) -> None:
        self.source = source
        self.targets = dict(targets)
        self.clock = clock
        self.messenger = messenger
        self.time_off = time_off
        self.configured = tuple(configured) + tuple(self.targets)
        self.raw: RawRoster | None = None  # what this run read: polling compares with it

    def validate(self) -> RunResult:
        self.raw = raw = read_roster(self.source)
        roster, findings = validate(raw, self.clock)
        if roster is not None:  # in a fleet: the same people booked on other rosters
            findings.extend(cross_roster_findings(roster, self.clock))
        outcome = Outcome.INVALID_ROSTER if roster is None else Outcome.OK
        result = RunResult("validate", findings, skipped_targets(self.configured), outcome,
                           roster)
        if roster is not None and self.time_off is not None:
            extra = Findings()  # warnings only: time off never blocks a sync
            result.conflicts = self.time_off.check(roster, raw, self.clock, extra)
            result.findings.extend(extra.items)
        return result

    def run(self, apply: bool, force_delete: bool = False) -> RunResult:
        """`apply=False` is `plan`: it reads every target and writes nothing."""
        result = self.validate()
        result.command = "sync" if apply else "plan"
        if result.roster is None:
            return result
        plans = self.plan_all(result.roster, result.targets)
        result.findings.extend(target_findings(plans.values()))
        refusals = [] if force_delete else self.guard(plans)
        if refusals:
            result.findings.extend(refusals)
            result.exit_code = Outcome.INVALID_ROSTER
            for name, plan in plans.items():
                result.targets[name] = TargetResult("skipped", REFUSED,
                                                    plan.changes, list(plan.notes))
            return result
        if apply:
            self.apply_all(plans, result.targets)
        self.deliver_all(plans, result.targets, dry_run=not apply)
        failed = any(r.status == "failed" for r in result.targets.values())
        result.exit_code = Outcome.TARGET_FAILED if failed else Outcome.OK
        return result

    def plan_all(self, roster: Roster,
                 results: dict[str, TargetResult]) -> dict[str, TargetPlan]:
        plans = {}
        for name, target in self.targets.items():
            try:
                plans[name] = target.plan(roster, self.clock)
            except Exception as error:
                results[name] = failure(name, "reading", error)
                continue
            results[name] = TargetResult("ok", None, plans[name].changes,
                                         list(plans[name].notes))
        return plans

    def guard(self, plans: Mapping[str, TargetPlan]) -> list[Finding]:
        refusals = []
        for plan in plans.values():
            reason = mass_delete(plan)
            if reason:
                refusals.append(Finding("error", "mass-delete", "Rotations", None, None,
                                        f"Rotations: {reason}"))
        return refusals

    def apply_all(self, plans: Mapping[str, TargetPlan],
                  results: dict[str, TargetResult]) -> None:
        for name, plan in plans.items():
            if not plan.changes:
                continue  # a no-op run writes nothing, not even the same bytes again
            try:
                results[name].notes.extend(self.targets[name].apply(plan))
            except Exception as error:
                results[name] = failure(name, "writing", error)
                results[name].notes = list(plan.notes)

    def deliver_all(self, plans: Mapping[str, TargetPlan], results: dict[str, TargetResult],
                    dry_run: bool) -> None:
        """The messages of each target whose writes succeeded."""
        if self.messenger is None:
            return
        for name, plan in plans.items():
            if results[name].status != "ok" or not plan.messages:
                continue
            try:
                notes = self.messenger.deliver(plan.messages, plan.addresses, self.clock.now,
                                               dry_run)
            except Exception as error:
                results[name] = failure(name, "sending messages", error)
                results[name].changes = plan.changes
                continue
            results[name].notes.extend(notes)


def target_findings(plans: Iterable[TargetPlan]) -> list[Finding]:
    """What reading the targets found (an engineer Slack cannot match), each once."""
    found: list[Finding] = []
    for plan in plans:
        found += [finding for finding in plan.findings if finding not in found]
    return found


def skipped_targets(configured: Sequence[str] = ()) -> dict[str, TargetResult]:
    """Every listed target appears in the output; one not run (yet) is `skipped`."""
    return {name: TargetResult("skipped") for name in listed(configured)}


def failure(name: str, stage: str, error: Exception) -> TargetResult:
    if isinstance(error, RotationSyncError):
        message = str(error)
    else:
        log.debug("%s failed while %s", name, stage, exc_info=error)
        message = f"{name} failed while {stage}{at_endpoint(error)}: {type(error).__name__}: " \
                  f"{error}"
    log.warning("%s", message)
    return TargetResult("failed", message)
