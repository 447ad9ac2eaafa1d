"""Which rosters of a fleet changed since the last poll, for the cost of one request.

Sheets sources: one Google Drive `changes.list` (scope `drive.metadata.readonly`) answers for
every spreadsheet the service account can see; its page token is kept in the state store, so
a restarted or replacement process carries on where the last one stopped. Changes the tool
made itself (its status tab, its cell notes) carry `lastModifyingUser.me` and are not edits.
CSV sources: the files' size and modification time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from sync.clients.retry import with_retry
from sync.run.state import StateStore

log = logging.getLogger("sync.fleet")

DRIVE_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"
DRIVE_ENDPOINT = "https://www.googleapis.com"
TOKEN_KEY = "fleet:drive-changes-page-token"
FIELDS = "nextPageToken,newStartPageToken,changes(fileId,removed,file(lastModifyingUser/me))"
Stamp = tuple[tuple[int, int] | None, ...]


class Watch(Protocol):
    def changed(self) -> set[str]: ...


class FileWatch:
    """CSV rosters: a roster changed when one of its files' size or mtime did."""

    def __init__(self, files: Mapping[str, Iterable[Path]]) -> None:
        self.files = {name: tuple(paths) for name, paths in files.items()}
        self.seen = {name: stamp(paths) for name, paths in self.files.items()}

    def changed(self) -> set[str]:
        found = set()
        for name, paths in self.files.items():
            now = stamp(paths)
            if now != self.seen[name]:
                self.seen[name] = now
                found.add(name)
        return found


def stamp(paths: Iterable[Path]) -> Stamp:
    def one(path: Path) -> tuple[int, int] | None:
        try:
            status = path.stat()
        except OSError:  # a file being replaced, or deleted: its reading will say so
            return None
        return status.st_size, status.st_mtime_ns
    return tuple(one(path) for path in paths)


class DriveWatch:
    """Sheets rosters: `sheets` maps each spreadsheet id to the rosters reading it."""

    def __init__(self, sheets: Mapping[str, Iterable[str]], store: StateStore,
                 service: Callable[[], Any]) -> None:
        self.sheets = {sheet: tuple(names) for sheet, names in sheets.items()}
        self.store = store
        self.build = service
        self.service: Any = None

    def changed(self) -> set[str]:
        """The first poll only takes a start token: what changed before it is what the
        first sync reads anyway."""
        if not self.sheets:
            return set()
        token = self.store.recall(TOKEN_KEY)
        if token is None:
            self.store.remember(TOKEN_KEY, self.start_token())
            return set()
        files, new_token = self.list_changes(str(token))
        if new_token != token:
            self.store.remember(TOKEN_KEY, new_token)
        return {name for file_id in files for name in self.sheets.get(file_id, ())}

    def drive(self) -> Any:
        if self.service is None:
            self.service = self.build()
        return self.service

    def start_token(self) -> str:
        answer = self.send(self.drive().changes().getStartPageToken(supportsAllDrives=True),
                           "taking a start page token")
        return str(answer["startPageToken"])

    def list_changes(self, token: str) -> tuple[set[str], str]:
        """Follow nextPageToken until a page carries newStartPageToken."""
        files: set[str] = set()
        while True:
            page = self.send(self.drive().changes().list(
                pageToken=token, spaces="drive", pageSize=1000, fields=FIELDS,
                supportsAllDrives=True, includeItemsFromAllDrives=True), "listing changes")
            files |= edited(page.get("changes", []))
            if "newStartPageToken" in page:
                return files, str(page["newStartPageToken"])
            token = str(page["nextPageToken"])

    def send(self, request: Any, what: str) -> Any:
        from sync.clients.google import classify

        return with_retry(request.execute, classify, f"Google Drive: {what}")


def edited(changes: Iterable[Mapping[str, Any]]) -> set[str]:
    """Files someone else changed (our own status-tab and note writes are left out)."""
    return {str(change["fileId"]) for change in changes
            if not change.get("removed")
            and not change.get("file", {}).get("lastModifyingUser", {}).get("me")}


def drive_service(endpoint: str) -> Any:
    """The Drive v3 client from the discovery document shipped in the library."""
    import google_auth_httplib2
    import httplib2
    from googleapiclient.discovery import build

    from sync.clients.google import credentials

    http = google_auth_httplib2.AuthorizedHttp(credentials([DRIVE_SCOPE]),
                                               http=httplib2.Http(timeout=60))
    return build("drive", "v3", http=http, static_discovery=True, cache_discovery=False,
                 client_options={"api_endpoint": endpoint.rstrip("/") + "/drive/v3/"})
