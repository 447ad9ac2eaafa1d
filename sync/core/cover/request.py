"""A cover request and its state machine.

requested -> taken -> done, or with manager approval requested -> taken -> approved -> done;
requested or taken -> cancelled or expired. `taken` (without approval) and `approved` are
the moments between a decision and the Overrides row being written: a restart finds them
and finishes the job. Every transition returns a new request or raises Refusal; the store
applies it only if nobody moved the request meanwhile (compare and set on the state).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal

State = Literal["requested", "taken", "approved", "done", "cancelled", "expired"]
Approval = Literal["none", "manager"]
OPEN_STATES: tuple[State, ...] = ("requested", "taken", "approved")
FINAL_STATES: tuple[State, ...] = ("done", "cancelled", "expired")


class Refusal(Exception):
    """An action the rules refuse; the message says why, for the person who tried."""


@dataclass(frozen=True)
class CoverRequest:
    id: int
    engineer: str  # the People handle of who needs cover, as spelled there
    first: date
    last: date  # inclusive
    note: str
    requested_by: str
    requested_at: datetime
    expires_at: datetime
    state: State = "requested"
    taken_by: str | None = None
    taken_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    closed_by: str | None = None  # who cancelled it ("rotation-sync" for expiry)
    closed_at: datetime | None = None
    channel: str | None = None  # where its message is (a Slack channel id, or a name)
    message: str | None = None  # the message's reference (Slack: its ts)

    @property
    def days(self) -> str:
        return self.first.isoformat() if self.first == self.last else \
            f"{self.first.isoformat()} to {self.last.isoformat()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def row_note(self) -> str:
        """The Overrides row's Note: it names the request, so a replay finds its row."""
        return f"cover request {self.id}" + (f": {self.note}" if self.note else "")

    def as_json(self) -> dict[str, Any]:
        def stamp(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {"id": self.id, "engineer": self.engineer, "from": self.first.isoformat(),
                "to": self.last.isoformat(), "note": self.note, "state": self.state,
                "requested_by": self.requested_by, "requested_at": stamp(self.requested_at),
                "expires_at": stamp(self.expires_at), "taken_by": self.taken_by,
                "taken_at": stamp(self.taken_at), "approved_by": self.approved_by,
                "approved_at": stamp(self.approved_at), "closed_by": self.closed_by,
                "closed_at": stamp(self.closed_at)}


def same(a: str | None, b: str | None) -> bool:
    return (a or "").lower() == (b or "").lower()


def take(request: CoverRequest, by: str, at: datetime) -> CoverRequest:
    """The taker's eligibility is checked by `rules.check_taker`; this is the state's part.
    Taking twice is no change (a double click): the same request comes back."""
    if request.state != "requested":
        if request.taken_by and same(request.taken_by, by) and request.state != "cancelled":
            return request
        raise Refusal(closed_or_taken(request))
    if same(request.engineer, by):
        raise Refusal(f"@{by} cannot cover their own request; a teammate takes it.")
    return replace(request, state="taken", taken_by=by, taken_at=at)


def approve(request: CoverRequest, by: str, at: datetime, managers: tuple[str, ...]
            ) -> CoverRequest:
    if not any(same(by, manager) for manager in managers):
        raise Refusal(f"Only a manager ({', '.join('@' + m for m in managers) or 'none set'}"
                      f" in [cover] managers) may approve; @{by} is not one.")
    if request.state in ("approved", "done") and request.approved_by:
        return request  # approved already: a double click
    if request.state == "requested":
        raise Refusal(f"Cover request {request.id} has not been taken yet; approve it once "
                      "a teammate has taken it.")
    if request.state != "taken":
        raise Refusal(closed_or_taken(request))
    return replace(request, state="approved", approved_by=by, approved_at=at)


def cancel(request: CoverRequest, by: str, at: datetime, managers: tuple[str, ...]
           ) -> CoverRequest:
    """The engineer, whoever asked, or a manager may cancel, until the row is written."""
    allowed = (request.engineer, request.requested_by, *managers)
    if not any(same(by, who) for who in allowed):
        raise Refusal(f"Only @{request.engineer}, whoever asked or a manager may cancel cover "
                      f"request {request.id}; @{by} may not.")
    if request.state == "cancelled":
        return request
    if request.state not in ("requested", "taken"):
        raise Refusal(closed_or_taken(request))
    return replace(request, state="cancelled", closed_by=by, closed_at=at)


def expire(request: CoverRequest, at: datetime, approval: Approval) -> CoverRequest | None:
    """The expired request, or None when it is not due (or is being written right now)."""
    waiting = request.state == "requested" or (request.state == "taken"
                                               and approval == "manager")
    if not waiting or at < request.expires_at:
        return None
    return replace(request, state="expired", closed_by="rotation-sync", closed_at=at)


def finish(request: CoverRequest, at: datetime) -> CoverRequest:
    return replace(request, state="done", closed_at=at)


def ready_to_write(request: CoverRequest, approval: Approval) -> bool:
    """Decided, so the Overrides row is due (also after a restart in between)."""
    return request.state == "approved" or (request.state == "taken" and approval == "none")


def same_decision(stored: CoverRequest, wanted: CoverRequest) -> bool:
    """The stored request already holds what `wanted` decides (taker and approver)."""
    return stored.state not in ("cancelled", "expired") and \
        same(stored.taken_by, wanted.taken_by) and same(stored.approved_by, wanted.approved_by)


def closed_or_taken(request: CoverRequest) -> str:
    if request.state == "done":
        return f"Cover request {request.id} is done: @{request.taken_by} covers it."
    if request.state == "cancelled":
        return f"Cover request {request.id} was cancelled by @{request.closed_by}."
    if request.state == "expired":
        return f"Cover request {request.id} expired before anyone covered it."
    return f"Cover request {request.id} is already taken by @{request.taken_by}."
