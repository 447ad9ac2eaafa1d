"""The roster from a Google Sheet: both tabs in one `values:batchGet` request.

Why the low-level call: gspread's `open_by_key` fetches the spreadsheet's metadata before any
value, which would double the Sheets requests of every nightly run (the budget is one). So
the source asks gspread's HTTP client for `values:batchGet` directly, with
`valueRenderOption=UNFORMATTED_VALUE` and `dateTimeRenderOption=SERIAL_NUMBER`: a real date
cell arrives as its serial number, `YYYY-MM-DD` text as text, and an error cell as its display
string (`#REF!`); `sync.core.tabs.dates` turns all three into dates or findings. Only when Google
says a tab does not exist does the source spend a second request, to name the tabs that do.

Every call goes through `sync.clients.retry.with_retry` (never gspread's BackOffHTTPClient, which
retries forever) and has a timeout; every failure becomes a SourceError (exit 2) that says
what to fix, because a roster that cannot be read means nothing can be synced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import google.auth.exceptions
import gspread
import requests
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import HTTPAdapter

from sync.clients.google import CREDENTIALS_ENV, account_email, classify, credentials
from sync.clients.retry import DEFAULT_POLICY, failed_url, with_retry
from sync.config.sections import SheetsSource as SheetsSection
from sync.core.tabs.raw import Cell, RawRoster, RawTab
from sync.errors import ConfigError, SourceError

T = TypeVar("T")

SHEETS_ORIGIN = "https://sheets.googleapis.com"
READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
READ_WRITE_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
TIMEOUT = (10.0, 60.0)  # (connect, read) seconds per request; gspread's default is none
READ_PARAMS = {"majorDimension": "ROWS", "valueRenderOption": "UNFORMATTED_VALUE",
               "dateTimeRenderOption": "SERIAL_NUMBER"}
SPREADSHEET_ID = re.compile(r"[A-Za-z0-9_-]+")
ID_IN_URL = re.compile(r"/d/([A-Za-z0-9_-]+)")
TRANSPORT_ERRORS = (requests.RequestException, google.auth.exceptions.GoogleAuthError, OSError)


class MissingTab(Exception):
    """Google could not resolve a range: the tab it names does not exist."""


class SheetsSource:
    """A RosterSource over the Sheets API; the status tab is its only write."""

    def __init__(self, spreadsheet_id: str, rotations_tab: str = "Rotations",
                 people_tab: str = "People", status_tab: str | None = None,
                 endpoint: str = SHEETS_ORIGIN, writable: bool = False,
                 creds: Any = None, acting_as: str | None = None,
                 overrides_tab: str | None = None, time_off_tab: str | None = None) -> None:
        self.time_off_tab = time_off_tab  # [time_off] tab: read in the same batchGet
        self.spreadsheet_id = checked_spreadsheet_id(spreadsheet_id)
        self.rotations_tab = rotations_tab
        self.people_tab = people_tab
        self.overrides_tab = overrides_tab
        self.status_tab = status_tab
        self.written_for = "[source] status_tab"  # what needs the write access, for errors
        self.creds = creds or credentials(scopes_for(status_tab or writable))
        self.email = acting_as or account_email(self.creds)
        self.endpoint = checked_endpoint(endpoint)
        self.http = http_client(self.creds, self.endpoint)

    @classmethod
    def from_config(cls, section: SheetsSection, creds: Any = None,
                    acting_as: str | None = None, time_off_tab: str | None = None
                    ) -> SheetsSource:
        """`creds`: the run's one Google credential (see sync.run.factory), if shared."""
        return cls(section.spreadsheet_id, section.rotations_tab, section.people_tab,
                   section.status_tab, section.sheets_endpoint,
                   section.cell_notes or section.protect_status_tab, creds, acting_as,
                   overrides_tab=section.overrides_tab, time_off_tab=time_off_tab)

    def tabs(self) -> list[tuple[str, str]]:
        """(config key, title) of every tab the one batchGet reads, in the order of its ranges."""
        tabs = [("[source] rotations_tab", self.rotations_tab),
                ("[source] people_tab", self.people_tab)]
        if self.overrides_tab:
            tabs.append(("[source] overrides_tab", self.overrides_tab))
        return tabs + ([("[time_off] tab", self.time_off_tab)] if self.time_off_tab else [])

    # -- reading ---------------------------------------------------------------------
    def read(self) -> RawRoster:
        return self.read_rendered(READ_PARAMS)

    def read_edits(self) -> RawRoster:
        """The tabs as people typed them: formulas, not their results. A volatile cell
        (=NOW(), =RAND()) reads the same until someone edits it, so the poll that compares
        these sees edits, never recalculation (writing the status tab recalculates)."""
        return self.read_rendered({**READ_PARAMS, "valueRenderOption": "FORMULA"})

    def read_rendered(self, params: dict[str, str]) -> RawRoster:
        ranges = [quote_tab(title) for _key, title in self.tabs()]
        try:
            body = self.send(lambda: self.http.values_batch_get(
                self.spreadsheet_id, ranges, params=dict(params)), "reading the roster")
        except MissingTab as missing:
            raise self.missing_tab_error(str(missing)) from None
        rotations, people, *rest = value_ranges(body, len(ranges))
        overrides = raw_tab(rest.pop(0), self.overrides_tab) if self.overrides_tab else None
        time_off = raw_tab(rest.pop(0), self.time_off_tab) if self.time_off_tab else None
        return RawRoster(raw_tab(rotations, self.rotations_tab), raw_tab(people, self.people_tab),
                         overrides, time_off)

    def missing_tab_error(self, google_message: str) -> SourceError:
        """Name the tab that is missing and the tabs that exist (one extra request)."""
        try:
            titles = self.tab_titles()
        except (SourceError, MissingTab):
            return SourceError(f"Spreadsheet {self.spreadsheet_id} has no tab named "
                               + " or ".join(f"'{title}'" for _key, title in self.tabs())
                               + f" ({google_message}): check "
                               + " and ".join(key for key, _title in self.tabs()) + ".")
        existing = ", ".join(f"'{title}'" for title in titles) or "none"
        known = {title.lower() for title in titles}
        problems = [f"The spreadsheet has no tab named '{name}' (tabs: {existing}); "
                    f"set {key}"
                    for key, name in self.tabs() if name.lower() not in known]
        return SourceError(". ".join(problems or [google_message]) + ".")

    def tab_titles(self) -> list[str]:
        metadata = self.send(lambda: self.http.fetch_sheet_metadata(
            self.spreadsheet_id, params={"includeGridData": "false",
                                         "fields": "sheets.properties.title"}),
            "listing the spreadsheet's tabs")
        return [str(sheet.get("properties", {}).get("title", ""))
                for sheet in metadata.get("sheets", [])]

    # -- writing the status tab ----------------------------------------------------
    def write_status(self, rows: list[list[str]]) -> None:
        """Replace the status tab's cells with `rows`, creating the tab on first use.

        RAW input, so a finding that starts with "=" is shown as text, never run as a formula.
        """
        tab = self.status_tab
        if tab is None:
            raise ConfigError("Set [source] status_tab to the tab each run should write to.")
        try:
            self.send(lambda: self.http.values_clear(self.spreadsheet_id, quote_tab(tab)),
                      "clearing the status tab", writing=True)
        except MissingTab:
            self.add_tab(tab)
        self.send(lambda: self.http.values_update(
            self.spreadsheet_id, f"{quote_tab(tab)}!A1", params={"valueInputOption": "RAW"},
            body={"majorDimension": "ROWS", "values": rows}),
            "writing the status tab", writing=True)

    def add_tab(self, title: str) -> None:
        body = {"requests": [{"addSheet": {"properties": {"title": title}}}]}
        try:
            self.send(lambda: self.http.batch_update(self.spreadsheet_id, body),
                      "adding the status tab", writing=True)
        except SourceError as error:
            if "already exists" not in str(error):  # an earlier attempt got through
                raise

    # -- writing a starter roster (`init --from-handbook`) ---------------------------
    def tab_rows(self, tab: str) -> list[list[Cell]] | None:
        """The tab's cells, or None when the spreadsheet has no such tab."""
        try:
            body = self.send(lambda: self.http.values_get(
                self.spreadsheet_id, quote_tab(tab), params=dict(READ_PARAMS)),
                f"reading the '{tab}' tab")
        except MissingTab:
            return None
        return [[to_cell(value) for value in row] for row in body.get("values", [])]

    def replace_tab(self, tab: str, rows: list[list[str]]) -> None:
        """Write `rows` from A1 of `tab` (created when missing), as text (RAW)."""
        if self.tab_rows(tab) is None:
            self.add_tab(tab)
        self.send(lambda: self.http.values_update(
            self.spreadsheet_id, f"{quote_tab(tab)}!A1", params={"valueInputOption": "RAW"},
            body={"majorDimension": "ROWS", "values": rows}),
            f"writing the '{tab}' tab", writing=True)

    # -- one request, retried and explained ----------------------------------------
    def send(self, call: Callable[[], T], what: str, writing: bool = False) -> T:
        """Run one Sheets request with the shared retry policy; failures become SourceError."""
        try:
            return with_retry(call, classify, f"Google Sheets: {what}")
        except gspread.exceptions.APIError as error:
            if is_unknown_range(error):
                raise MissingTab(api_message(error)) from None
            raise self.api_failure(error, what, writing) from None
        except TRANSPORT_ERRORS as error:
            raise self.transport_failure(error, what) from None

    def api_failure(self, error: gspread.exceptions.APIError, what: str,
                    writing: bool) -> SourceError:
        code, message = status_code(error), api_message(error)
        if code == 403 and "SERVICE_DISABLED" in detail_reasons(error):
            return SourceError("The Google Sheets API is not enabled in the service account's "
                               f"Google Cloud project; enable it. Google says: {message}")
        if code == 403 and not classify(error).retry:
            return SourceError(self.not_shared(writing))
        if code == 404:
            return SourceError(f"Spreadsheet {self.spreadsheet_id} was not found: check "
                               "[source] spreadsheet_id (the part of the sheet's URL between "
                               "/d/ and /edit).")
        if code == 401:
            return SourceError(f"Google did not accept the credentials of {self.email} "
                               f"({message}): check {CREDENTIALS_ENV}.")
        if classify(error).retry:
            return SourceError(f"Google Sheets kept failing while {what} (HTTP {code}: "
                               f"{message}); nothing was synced and the next run tries again.")
        return SourceError(f"Google Sheets answered HTTP {code} while {what}: {message}")

    def not_shared(self, writing: bool) -> str:
        known = "@" in self.email  # application default credentials may not tell
        who = f"The service account {self.email}" if known else \
            "The account of the application default credentials"
        whom = self.email if known else "that account"
        if writing:
            return (f"{who} cannot write the '{self.status_tab}' tab of spreadsheet "
                    f"{self.spreadsheet_id}: share the sheet with {whom} as Editor (needed for "
                    f"{self.written_for}).")
        return (f"{who} cannot read spreadsheet {self.spreadsheet_id}: share the sheet with "
                f"{whom} (Viewer is enough).")

    def transport_failure(self, error: Exception, what: str) -> SourceError:
        if isinstance(error, google.auth.exceptions.RefreshError) and not error.retryable:
            reason = error.args[0] if error.args else error
            return SourceError(f"Google refused the key of {self.email} ({reason}): check that "
                               f"{CREDENTIALS_ENV} names a current key of the service account "
                               "(keys can be deleted or disabled in the Cloud console).")
        where = failed_url(error) or self.endpoint
        if classify(error).retry:
            return SourceError(f"Google Sheets kept failing while {what}: the connection to "
                               f"{where} failed ({type(error).__name__}) after "
                               f"{DEFAULT_POLICY.attempts} attempts; nothing was synced and the "
                               "next run tries again. Check [source] sheets_endpoint and the "
                               "network.")
        return SourceError(f"Google Sheets could not be reached at {where} while {what}: "
                           f"{error}")


# -- building the client ---------------------------------------------------------------
def scopes_for(status_tab: str | bool | None) -> list[str]:
    """Read-only unless the run must write its status tab, cell notes or protection (or
    `init` a starter roster)."""
    return [READ_WRITE_SCOPE if status_tab else READONLY_SCOPE]


def http_client(creds: Any, endpoint: str) -> gspread.HTTPClient:
    """gspread's HTTP client on an authorised session, moved to `endpoint` if it differs."""
    session = AuthorizedSession(creds)
    if endpoint != SHEETS_ORIGIN:
        session.mount(SHEETS_ORIGIN, Redirect(endpoint))
    client = gspread.HTTPClient(auth=creds, session=session)
    client.set_timeout(TIMEOUT)
    return client


class Redirect(HTTPAdapter):
    """Sends https://sheets.googleapis.com requests to another root (gspread has no option)."""

    def __init__(self, endpoint: str) -> None:
        super().__init__()
        self.endpoint = endpoint

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        if request.url:
            request.url = request.url.replace(SHEETS_ORIGIN, self.endpoint, 1)
        return super().send(request, *args, **kwargs)


def checked_endpoint(endpoint: str) -> str:
    if not endpoint.startswith(("https://", "http://")):
        raise ConfigError(f"[source] sheets_endpoint {endpoint!r} is not a URL; use the API "
                          f"root, e.g. {SHEETS_ORIGIN}.")
    return endpoint.rstrip("/")


def checked_spreadsheet_id(value: str) -> str:
    value = value.strip()
    if SPREADSHEET_ID.fullmatch(value):
        return value
    found = ID_IN_URL.search(value)
    hint = f" (here: {found[1]})" if found else ""
    raise ConfigError(f"[source] spreadsheet_id {value!r} is not a spreadsheet id: use the "
                      f"part of the sheet's URL between /d/ and /edit{hint}.")


# -- the wire format -------------------------------------------------------------------
def quote_tab(title: str) -> str:
    """An A1 reference to a whole tab; quoting makes any title safe ('Sync status')."""
    return "'" + title.replace("'", "''") + "'"


def value_ranges(body: Any, count: int) -> list[dict[str, Any]]:
    ranges = list(body.get("valueRanges") or []) if isinstance(body, dict) else []
    return (ranges + [{}] * count)[:count]


def raw_tab(value_range: dict[str, Any], configured: str) -> RawTab:
    """The tab under the title Google echoes, so findings use the sheet's own spelling."""
    rows = [[to_cell(value) for value in row] for row in value_range.get("values") or []]
    return RawTab(echoed_title(value_range.get("range"), configured), rows)


def echoed_title(range_text: Any, fallback: str) -> str:
    """`'Sync status'!A1:Z1000` → `Sync status`."""
    text = str(range_text or "")
    title = text.rsplit("!", 1)[0] if "!" in text else ""
    if len(title) > 1 and title.startswith("'") and title.endswith("'"):
        title = title[1:-1].replace("''", "'")
    return title or fallback


def to_cell(value: Any) -> Cell:
    """Numbers stay numbers (date serials); booleans read as the sheet shows them."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def status_code(error: gspread.exceptions.APIError) -> int:
    code = getattr(error.response, "status_code", None)
    return int(code) if isinstance(code, int) else int(error.code)


def api_message(error: gspread.exceptions.APIError) -> str:
    return str(error.error.get("message") or "no message")


def detail_reasons(error: gspread.exceptions.APIError) -> set[str]:
    """Reasons in Google's newer `details[]` (ErrorInfo) and older `errors[]` lists."""
    items = [*(error.error.get("details") or []), *(error.error.get("errors") or [])]
    return {str(item.get("reason")) for item in items if isinstance(item, dict)}


def is_unknown_range(error: gspread.exceptions.APIError) -> bool:
    return status_code(error) == 400 and api_message(error).startswith("Unable to parse range")
