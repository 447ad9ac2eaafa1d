"""The status tab: where managers see, in the sheet they edit, what the last run did.

Every `sync` (an invalid roster included) rewrites it: when, the outcome, one row per
finding, one row per change. `plan` never touches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sync.run.engine import RunResult

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
        rows += [[name, target.status, "", "", target.error or target_summary(target.changes)]]
        rows += [["", "", change.action, change.key, change.summary]
                 for change in target.changes]
    return rows


def target_summary(changes: Sequence[object]) -> str:
    return f"{len(changes)} change(s)" if changes else "in sync"
