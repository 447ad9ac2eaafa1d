"""What a refused mass delete says, per target: the page's rows are not calendar events,
and the manager adopting an existing handbook page needs both ways forward. Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.core.diff.plan import TargetPlan

SHOWN = 8  # rows named in the message; the rest are counted


def refusal(plan: TargetPlan) -> str:
    deleting, owned = len(plan.deletes()), len(plan.actual)
    if plan.target == "handbook":
        return handbook_refusal(plan, deleting, owned)
    what = "calendar events" if plan.target == "calendar" else f"{plan.target} entries"
    return (f"this roster would delete {deleting} of the {owned} {what} rotation-sync owns; "
            "if that is intended, run again with --force-delete (a renamed tab or a filtered "
            "sheet must not wipe them).")


def handbook_refusal(plan: TargetPlan, deleting: int, owned: int) -> str:
    rows = [change.summary.removeprefix("remove ").removeprefix("row ")
            for change in plan.deletes()]
    named = "; ".join(rows[:SHOWN]) + (f"; and {len(rows) - SHOWN} more" if len(rows) > SHOWN
                                       else "")
    return (f"the handbook page's Rotations table would lose {deleting} of its {owned} rows, "
            f"because the roster does not have them: {named}. To keep them, add these rows to "
            "the Rotations tab (for a new roster, `rotation-sync init --from-handbook` writes "
            "them from the page); to remove them from the page, run again with "
            "--force-delete.")
