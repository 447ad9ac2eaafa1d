"""What a request's message says in each state, the same in Slack and in the local
messages file (Slack adds the buttons)."""

from __future__ import annotations

from collections.abc import Sequence

from sync.core.cover.request import Approval, CoverRequest


def message(request: CoverRequest, suggestions: Sequence[str], approval: Approval) -> str:
    head = f"Cover request {request.id}: @{request.engineer} needs cover on {request.days}"
    head += f" ({request.note})." if request.note else "."
    if request.state == "requested":
        offered = ", ".join(f"@{h}" for h in suggestions) or "nobody is free on all the days"
        return f"{head} Suggested: {offered}. Who takes it?"
    if request.state == "taken" and approval == "manager":
        return f"{head} @{request.taken_by} takes it; waiting for a manager to approve."
    if request.state in ("taken", "approved"):
        return f"{head} @{request.taken_by} takes it; writing the Overrides row."
    if request.state == "done":
        return f"{head} Done: @{request.taken_by} covers @{request.engineer} on {request.days}."
    if request.state == "cancelled":
        return f"{head} Cancelled by @{request.closed_by}."
    return f"{head} Expired: nobody took it in time."
