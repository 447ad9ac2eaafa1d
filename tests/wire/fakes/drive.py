"""Google Drive v3 `changes` on top of the fake Google, and per-minute quotas on both fakes.

Every spreadsheet edit is a change: a manager's edit (`edit`) and the tool's own writes (its
status tab), told apart as Drive does, by `file.lastModifyingUser.me` for the caller. Page
tokens are positions in the change log, as opaque to the client as Google's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.wire.fakes.base import Request, Response
from tests.wire.fakes.google import FakeGoogle, TokenInfo, google_error
from tests.wire.fakes.quota import Quotas, google_metric, google_refusal
from tests.wire.fakes.slack import FakeSlack

DRIVE_READ_SCOPES = frozenset(
    "https://www.googleapis.com/auth/" + name
    for name in ("drive", "drive.readonly", "drive.metadata", "drive.metadata.readonly"))
MANAGER = "manager@example.com"


@dataclass(frozen=True)
class Change:
    file_id: str
    modifier: str | None


class FakeDrive(FakeGoogle):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list[Change] = []
        self.quotas: Quotas | None = None
        self.route("GET", r"/drive/v3/changes/startPageToken", self._start_token)
        self.route("GET", r"/drive/v3/changes", self._list_changes)

    def edit(self, spreadsheet_id: str, row: int, col: int, value: Any) -> None:
        """A manager edits one cell of the first tab."""
        with self.lock:
            self.sheets.spreadsheets[spreadsheet_id].tabs[0].set_cell(row, col, value)
            self.changes.append(Change(spreadsheet_id, MANAGER))

    def dispatch(self, request: Request) -> Response:
        refused = self.quotas.check(request) if self.quotas else None
        if refused is not None:
            with self.lock:
                self.requests.append(request)
            return refused
        response = super().dispatch(request)
        write = re.match(r"/v4/spreadsheets/([^/:]+)", request.path)
        if write and request.method != "GET" and response.status == 200:
            caller = self.oauth.lookup(request.headers.get("authorization"))
            with self.lock:
                self.changes.append(Change(write[1], caller.identity if caller else None))
        return response

    def set_quotas(self, limits: dict[str, Any]) -> None:
        self.quotas = Quotas(limits, google_metric, google_refusal)

    def drive_caller(self, request: Request) -> TokenInfo | Response:
        caller = self.oauth.lookup(request.headers.get("authorization"))
        if caller is None:
            return google_error(401, "UNAUTHENTICATED", "Request had invalid authentication "
                                "credentials.")
        if not caller.scopes & DRIVE_READ_SCOPES:
            return google_error(403, "PERMISSION_DENIED", "Request had insufficient "
                                "authentication scopes.", reason="insufficientPermissions")
        return caller

    def _start_token(self, request: Request, match: re.Match[str]) -> Response:
        caller = self.drive_caller(request)
        if isinstance(caller, Response):
            return caller
        return Response(200, {"kind": "drive#startPageToken",
                              "startPageToken": str(len(self.changes) + 1)})

    def _list_changes(self, request: Request, match: re.Match[str]) -> Response:
        caller = self.drive_caller(request)
        if isinstance(caller, Response):
            return caller
        token = request.query.get("pageToken", [""])[0]
        if not token.isdigit() or not 1 <= int(token) <= len(self.changes) + 1:
            return google_error(400, "INVALID_ARGUMENT", "Invalid pageToken")
        size = int(request.query.get("pageSize", ["100"])[0])
        start = int(token) - 1
        page = self.changes[start:start + size]
        body: dict[str, Any] = {"kind": "drive#changeList", "changes": [
            {"kind": "drive#change", "changeType": "file", "fileId": change.file_id,
             "removed": False,
             "file": {"lastModifyingUser": {"me": change.modifier == caller.identity}}}
            for change in page]}
        if start + size < len(self.changes):
            body["nextPageToken"] = str(start + size + 1)
        else:
            body["newStartPageToken"] = str(len(self.changes) + 1)
        return Response(200, body)


class QuotaSlack(FakeSlack):
    """The fake Slack with a per-minute quota per workspace (429 `ratelimited` beyond)."""

    def __init__(self) -> None:
        super().__init__()
        self.quotas: Quotas | None = None

    def dispatch(self, request: Request) -> Response:
        refused = self.quotas.check(request) if self.quotas else None
        if refused is not None:
            with self.lock:
                self.requests.append(request)
            return refused
        return super().dispatch(request)

    def set_quota(self, quota: Any) -> None:
        from tests.wire.fakes.quota import slack_refusal

        self.quotas = Quotas({"slack": quota}, lambda request: "slack", slack_refusal)
