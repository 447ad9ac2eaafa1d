"""The status tab: where managers see, in the sheet they edit, what the last run did.

Every `sync` (an invalid roster included) rewrites it: when, the outcome, one row per
finding, one row per change. `plan` never touches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sync.run.engine import REFUSED, RunResult, TargetResult

HEADER = ["Severity", "Tab", "Row", "Column", "Message"]


def status_rows(result: RunResult, finished: datetime, outcome: str) -> list[list[str]]:
    rows = [["rotation-sync: last run"],
            ["Run at", finished.strftime("%Y-%m-%d %H:%M %Z").strip()],
            ["Outcome", f"{outcome} (exit {result.exit_code})"],
            [],
            ["Findings"]]
    rows += [HEADER] + [[f.severity, f.tab, str(f.row or ""), f.column or "", f.message]
                        for f in result.findings] if result.findings else [["none"]]
    rows += [[], ["Target", "Status", "Change", "Key", "What"]]
    for name, target in result.targets.items():
        rows += [[name, target.status, "", "", target_line(target, result)]]
        rows += [["", "", change.action, change.key, change.summary]
                 for change in target.changes]
        rows += [["", "", "note", "", note] for note in target.notes]
    return rows


def target_line(target: TargetResult, result: RunResult) -> str:
    """What happened to one target, honestly: a target that was not run is never
    "in sync"."""
    if target.status == "skipped":
        return skipped_reason(result)
    if target.error:
        return target.error
    return target_summary(target.changes)


def skipped_reason(result: RunResult) -> str:
    codes = {finding.code for finding in result.findings if finding.severity == "error"}
    if "mass-delete" in codes:
        return REFUSED
    if codes:
        return "skipped: roster invalid"
    return "skipped: not selected (--only)"


def target_summary(changes: Sequence[object]) -> str:
    return f"{len(changes)} change(s)" if changes else "in sync"
