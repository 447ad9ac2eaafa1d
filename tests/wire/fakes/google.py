"""A fake Google (OAuth2 token endpoint, Sheets v4, Calendar v3) for the real client libraries.

Why: the sync job talks to Google through google-auth, gspread and google-api-python-client.
Mocking those libraries would hide exactly what we need to test (token refresh, 429 handling,
paging, batch callbacks, error parsing), so this fake answers real HTTP on 127.0.0.1 with the
request/response JSON and error bodies Google uses, and the libraries run unmodified.

Typical use::

    with FakeGoogle() as google:
        info = make_service_account(google)          # token_uri points at the fake
        google.sheets.add_spreadsheet("sheet1", "Roster", {"Rotations": rows},
                                      shared_with=[info["client_email"]])
        creds = service_account.Credentials.from_service_account_info(info, scopes=[...])
        gc = gspread_client(google, creds)            # sheets.googleapis.com -> fake
        cal = calendar_service(google, creds)         # api_endpoint -> fake
        batch = calendar_batch(google, callback)      # batch_uri -> fake

Time off and delegation::

        google.calendar.add_out_of_office("bolaji@example.com", date(2026, 12, 3),
                                          date(2026, 12, 6))         # all-day, end exclusive
        google.oauth.grant_delegation(info["client_email"], [CALENDAR_EVENTS_READONLY_SCOPE],
                                      subjects=["bolaji@example.com"])  # others: 401
        google.calendar.block_calendar("keegan@example.com")         # reads answer 403

Notes and protection: `google.sheets.set_note(sid, "Rotations", "C2", text)`,
`.note(...)`, `.notes(sid, tab)`, `.protect(...)`, `.protected_ranges(sid, tab)`.

Faults: `google.fail(r"/values:batchGet", google_error(429), times=2)` (path based, from the
base class; also applies to the parts of a Calendar batch) or `google.fail_if(predicate, ...)`.
"""

from __future__ import annotations

import base64
import binascii
import copy
import email.parser
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from http import HTTPStatus
from typing import Any, Literal, Self
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import gspread
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from dateutil import rrule  # type: ignore[import-untyped]
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from googleapiclient.discovery import Resource, build
from googleapiclient.http import BatchHttpRequest

from sync.sources.sheets import Redirect

from .base import DROP, FakeServer, Request, Response

SHEETS_ORIGIN = "https://sheets.googleapis.com"
GOOGLE_TOKEN_AUDIENCES = (
    "https://oauth2.googleapis.com/token",  # what google-auth puts in `aud`, whatever token_uri is
    "https://www.googleapis.com/oauth2/v4/token",
    "https://accounts.google.com/o/oauth2/token",
)
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

_AUTH = "https://www.googleapis.com/auth/"
SHEETS_SCOPE = _AUTH + "spreadsheets"
SHEETS_READONLY_SCOPE = _AUTH + "spreadsheets.readonly"
DRIVE_SCOPE = _AUTH + "drive"
CALENDAR_SCOPE = _AUTH + "calendar"
CALENDAR_READONLY_SCOPE = _AUTH + "calendar.readonly"
CALENDAR_EVENTS_SCOPE = _AUTH + "calendar.events"
CALENDAR_EVENTS_READONLY_SCOPE = _AUTH + "calendar.events.readonly"

Api = Literal["sheets", "calendar"]

# Which scopes let a token read / write each API (from the APIs' discovery documents).
_SCOPES_FOR: dict[tuple[Api, bool], frozenset[str]] = {
    ("sheets", False): frozenset({SHEETS_SCOPE, SHEETS_READONLY_SCOPE, DRIVE_SCOPE,
                                  _AUTH + "drive.readonly", _AUTH + "drive.file"}),
    ("sheets", True): frozenset({SHEETS_SCOPE, DRIVE_SCOPE, _AUTH + "drive.file"}),
    ("calendar", False): frozenset({CALENDAR_SCOPE, CALENDAR_READONLY_SCOPE, CALENDAR_EVENTS_SCOPE,
                                    _AUTH + "calendar.events.readonly",
                                    _AUTH + "calendar.events.owned"}),
    ("calendar", True): frozenset({CALENDAR_SCOPE, CALENDAR_EVENTS_SCOPE,
                                   _AUTH + "calendar.events.owned"}),
}
_ALL_SCOPES = frozenset().union(*_SCOPES_FOR.values())


# ======================================================================================
# Error bodies
# ======================================================================================

_STATUS_FOR_CODE = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    409: ("ALREADY_EXISTS", "The requested identifier already exists."),
    410: ("NOT_FOUND", "Resource has been deleted"),
    412: ("FAILED_PRECONDITION", "Precondition Failed"),
    429: ("RESOURCE_EXHAUSTED", "Quota exceeded."),
    500: ("INTERNAL", "Internal error encountered."),
    502: ("UNAVAILABLE", "Bad Gateway"),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
    504: ("DEADLINE_EXCEEDED", "The request timed out. Please try again."),
}


def google_error(code: int, status: str | None = None, message: str | None = None,
                 reason: str | None = None, domain: str | None = None,
                 retry_after: int | None = None) -> Response:
    """A Google JSON error (`{"error": {code, message, status, errors?}}`) for `fail()`.

    Clients key off these fields: gspread reads `error.code` (and `errors[0].domain` for
    403 usageLimits), googleapiclient reads `errors[0].reason` to decide on retries.
    """
    default_status, default_message = _STATUS_FOR_CODE.get(code, ("UNKNOWN", "Unknown error."))
    message = message or default_message
    error: dict[str, Any] = {"code": code, "message": message, "status": status or default_status}
    if reason is not None:
        error["errors"] = [{"message": message, "domain": domain or "global", "reason": reason}]
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return Response(code, {"error": error}, headers)


def calendar_error(code: int, reason: str, message: str, domain: str = "global") -> Response:
    """Calendar v3's older error shape: `errors[]` first, `code`, `message`, no `status`."""
    return Response(code, {"error": {
        "errors": [{"domain": domain, "reason": reason, "message": message}],
        "code": code,
        "message": message,
    }})


def sheets_rate_limited(retry_after: int | None = None) -> Response:
    """What Sheets answers when the per-minute read quota is used up."""
    return google_error(
        429, "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
        "per user' of service 'sheets.googleapis.com' for consumer 'project_number:1234567890'.",
        reason="rateLimitExceeded", domain="global", retry_after=retry_after)


def calendar_rate_limited(code: int = 403, reason: str = "rateLimitExceeded") -> Response:
    """Calendar's usage-limit answer: 403 (or 429) with domain usageLimits."""
    message = ("Calendar usage limits exceeded." if reason == "quotaExceeded"
               else "Rate Limit Exceeded")
    return calendar_error(code, reason, message, domain="usageLimits")


class GoogleApiError(Exception):
    """Raised inside handlers to short-circuit with a ready-made error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _sheets_fail(code: int, message: str) -> GoogleApiError:
    return GoogleApiError(google_error(code, message=message))


def _calendar_fail(code: int, reason: str, message: str, domain: str = "global") -> GoogleApiError:
    return GoogleApiError(calendar_error(code, reason, message, domain))


# ======================================================================================
# OAuth2: service-account keys, the JWT-bearer grant, bearer tokens
# ======================================================================================

@dataclass
class ServiceAccountKey:
    """A registered key; `delegation_allowed=False` makes `sub` grants fail (DWD not set up)."""

    key_id: str
    client_email: str
    client_id: str
    public_key: rsa.RSAPublicKey
    delegation_allowed: bool = True


@dataclass(frozen=True)
class TokenInfo:
    """Who a bearer token belongs to; handlers use it as the caller's identity."""

    token: str
    client_email: str | None
    scopes: frozenset[str]
    subject: str | None = None
    anonymous: bool = False
    issued_at: float = 0.0

    @property
    def identity(self) -> str | None:
        """The acting user: the delegated subject if any, else the service account."""
        return self.subject or self.client_email

    @property
    def service_account_without_dwd(self) -> bool:
        return not self.anonymous and self.subject is None


ANONYMOUS = TokenInfo(token="", client_email=None, scopes=_ALL_SCOPES, anonymous=True)


@dataclass(frozen=True)
class Delegation:
    """One domain-wide delegation entry: a client allowed `scopes` (for `subjects`, or all).

    Google's Admin console grants a client ID a list of scopes for every user of the domain;
    `subjects` narrows that to some users, so a test can have one person's calendar
    unreadable (fake's extension; Google itself has no per-user grant).
    """

    scopes: frozenset[str]
    subjects: frozenset[str] | None = None  # lower-cased; None: every user

    def allows(self, subject: str, scopes: frozenset[str]) -> bool:
        return ((self.subjects is None or subject.lower() in self.subjects)
                and scopes <= self.scopes)


class OAuthState:
    """Registered service-account keys and the tokens handed out for them.

    Delegation (a JWT grant with `sub`): a service account absent from `delegations` may
    act as anyone for any scope (the fake's historical default). Once a test calls
    `restrict_delegation` or `grant_delegation` for it, a grant with `sub` succeeds only
    when one entry covers that subject and *every* requested scope; otherwise the token
    endpoint answers 401 `unauthorized_client`, as Google does. `directory` (None: anyone)
    lists the Workspace users; a `sub` outside it answers 400 `invalid_grant`.
    """

    def __init__(self) -> None:
        self.keys: dict[str, ServiceAccountKey] = {}
        self.tokens: dict[str, TokenInfo] = {}
        self.grants: list[TokenInfo] = []  # every successful grant, in order
        self.delegations: dict[str, list[Delegation]] = {}  # client_email -> entries
        self.directory: set[str] | None = None
        self._counter = itertools.count(1)

    def restrict_delegation(self, client_email: str) -> None:
        """From now on `client_email` may impersonate only as `grant_delegation` allows."""
        self.delegations.setdefault(client_email, [])

    def grant_delegation(self, client_email: str, scopes: Iterable[str],
                         subjects: Iterable[str] | None = None) -> None:
        """Allow `client_email` to act as `subjects` (None: everyone) for these scopes."""
        entry = Delegation(frozenset(scopes),
                           None if subjects is None else frozenset(s.lower() for s in subjects))
        self.delegations.setdefault(client_email, []).append(entry)

    def revoke_delegation(self, client_email: str) -> None:
        """Remove every entry: `client_email` can impersonate nobody (strict, empty)."""
        self.delegations[client_email] = []

    def revoke_all(self) -> None:
        """Forget every token, so the next API call gets 401 and clients must refresh."""
        self.tokens.clear()

    def token_grant(self, form: Mapping[str, str], token_uri: str) -> Response:
        grant_type = form.get("grant_type", "")
        if grant_type != JWT_BEARER_GRANT:
            return _oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        try:
            key, claims = self._verify_jwt(form.get("assertion", ""))
        except _InvalidGrant as exc:
            return _oauth_error(400, "invalid_grant", str(exc))
        if claims.get("aud") not in (*GOOGLE_TOKEN_AUDIENCES, token_uri):
            return _oauth_error(400, "invalid_grant", "Invalid JWT: Failed audience check. "
                                "The right audience is https://oauth2.googleapis.com/token")
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if (not isinstance(iat, int | float) or not isinstance(exp, int | float)
                or exp - iat > 3600 or exp < now - 300 or iat > now + 300):
            return _oauth_error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived "
                                "token (60 minutes) and in a reasonable timeframe. Check your iat "
                                "and exp values in the assertion and use a clock with skew to "
                                "account for clock differences between systems.")
        scopes = frozenset(str(claims.get("scope") or "").split())
        if not scopes:
            return _oauth_error(400, "invalid_scope",
                                "Invalid OAuth scope or ID token audience provided.")
        subject = claims.get("sub")
        if subject:
            if self.directory is not None and str(subject).lower() not in self.directory:
                return _oauth_error(400, "invalid_grant", "Invalid email or User ID")
            entries = self.delegations.get(key.client_email)
            if not key.delegation_allowed or (
                    entries is not None and not any(e.allows(str(subject), scopes)
                                                    for e in entries)):
                return _oauth_error(401, "unauthorized_client", UNAUTHORIZED_CLIENT)
        token = f"ya29.fake-{next(self._counter)}-{secrets.token_urlsafe(12)}"
        info = TokenInfo(token, key.client_email, scopes, subject or None, issued_at=now)
        self.tokens[token] = info
        self.grants.append(info)
        return Response(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def lookup(self, authorization: str | None) -> TokenInfo | None:
        """The token's owner, or None; also accepts self-signed JWTs (always_use_jwt_access)."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        token = authorization[len("Bearer "):].strip()
        if token in self.tokens:
            return self.tokens[token]
        if token.count(".") == 2:
            try:
                key, claims = self._verify_jwt(token)
            except _InvalidGrant:
                return None
            scopes = frozenset(str(claims.get("scope") or "").split()) or _ALL_SCOPES
            return TokenInfo(token, key.client_email, scopes, claims.get("sub") or None)
        return None

    def _verify_jwt(self, assertion: str) -> tuple[ServiceAccountKey, dict[str, Any]]:
        """Check the RS256 signature against the registered public key named by `kid`."""
        try:
            header_b64, claims_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64url_decode(header_b64))
            claims = json.loads(_b64url_decode(claims_b64))
            signature = _b64url_decode(signature_b64)
        except (ValueError, binascii.Error) as exc:
            raise _InvalidGrant("Invalid JWT Signature.") from exc
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise _InvalidGrant("Invalid JWT Signature.")
        if header.get("alg") != "RS256":
            raise _InvalidGrant("Invalid JWT Signature.")
        candidates = ([self.keys[header["kid"]]] if header.get("kid") in self.keys else
                      [k for k in self.keys.values() if k.client_email == claims.get("iss")])
        signing_input = f"{header_b64}.{claims_b64}".encode()
        for key in candidates:
            if key.client_email != claims.get("iss"):
                continue
            try:
                key.public_key.verify(signature, signing_input, padding.PKCS1v15(),
                                      hashes.SHA256())
            except InvalidSignature:
                continue
            return key, claims
        raise _InvalidGrant("Invalid JWT Signature.")


UNAUTHORIZED_CLIENT = ("Client is unauthorized to retrieve access tokens using this method, "
                       "or client not authorized for any of the scopes requested.")


class _InvalidGrant(Exception):
    pass


def _oauth_error(status: int, error: str, description: str) -> Response:
    """The token endpoint's RFC 6749 error shape (not the API error shape)."""
    return Response(status, {"error": error, "error_description": description})


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_service_account(server: FakeGoogle, *,
                         client_email: str = "rotation-sync@test-project.iam.gserviceaccount.com",
                         project_id: str = "test-project", register: bool = True,
                         delegation_allowed: bool = True) -> dict[str, str]:
    """A fresh RSA key as a service-account JSON dict whose token_uri is the fake.

    `register=False` gives a key the fake doesn't know (→ "Invalid JWT Signature.").
    Calling it twice with the same email adds a second key to the same account.
    """
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_id = secrets.token_hex(20)
    client_id = str(100000000000000000000 + int.from_bytes(secrets.token_bytes(6), "big"))
    if register:
        with server.lock:
            server.oauth.keys[key_id] = ServiceAccountKey(
                key_id, client_email, client_id, private_key.public_key(), delegation_allowed)
    pem = private_key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": key_id,
        "private_key": pem,
        "client_email": client_email,
        "client_id": client_id,
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": f"{server.base_url}/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                + client_email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }


# ======================================================================================
# Sheets v4
# ======================================================================================

@dataclass(frozen=True)
class SheetError:
    """An error cell; the values API shows it as its display string, e.g. "#REF!"."""

    display: str = "#REF!"
    message: str = "Reference does not exist."
    formula: str = "=#REF!"

    @property
    def type(self) -> str:
        return {"#REF!": "REF", "#N/A": "N_A", "#DIV/0!": "DIVIDE_BY_ZERO", "#VALUE!": "VALUE",
                "#NAME?": "NAME", "#NUM!": "NUM", "#NULL!": "NULL_VALUE",
                "Loading...": "LOADING"}.get(self.display, "ERROR")


@dataclass(frozen=True)
class Volatile:
    """A volatile formula (=NOW(), =RAND(), =TODAY()): like Sheets, its value is computed
    anew on every read (Sheets recalculates on every change, the tool's own writes too);
    with valueRenderOption=FORMULA the formula itself is returned, which never changes."""

    formula: str

    def value(self) -> float:
        name = self.formula.upper()
        if name.startswith("=RAND"):
            return next(_RECALCULATIONS) / 1_000_003 % 1
        if name.startswith("=TODAY"):
            return float(to_serial(date.today()))
        return float(to_serial(datetime.now())) + next(_RECALCULATIONS) * 1e-7


_RECALCULATIONS = itertools.count(1)

# A stored cell. date/datetime cells behave like date-formatted cells: serial numbers when
# UNFORMATTED, "M/D/YYYY" (en_US) when FORMATTED. Plain int/float cells are plain numbers.
Cell = str | int | float | bool | date | datetime | SheetError | Volatile | None

_EPOCH = datetime(1899, 12, 30)


def to_serial(value: date | datetime) -> int | float:
    """Sheets' date serial number: days since 1899-12-30, time as the fraction."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return _json_number(delta.days + delta.seconds / 86400)
    return (value - _EPOCH.date()).days


def _json_number(value: int | float) -> int | float:
    """Google serialises whole doubles without a fraction (45663, not 45663.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass
class Tab:
    sheet_id: int
    title: str
    rows: list[list[Cell]]
    row_count: int = 1000
    column_count: int = 26
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> note

    def cell(self, row: int, col: int) -> Cell:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def set_cell(self, row: int, col: int, value: Cell) -> None:
        while len(self.rows) <= row:
            self.rows.append([])
        line = self.rows[row]
        while len(line) <= col:
            line.append(None)
        line[col] = value

    def properties(self, index: int) -> dict[str, Any]:
        return {"sheetId": self.sheet_id, "title": self.title, "index": index,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": self.row_count, "columnCount": self.column_count}}


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    tabs: list[Tab]
    shared_with: set[str] | None  # None: any authenticated caller may read and write
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)  # as stored

    def tab(self, title: str) -> Tab | None:
        """Exact title first, then case-insensitively (as A1 references resolve)."""
        exact = [t for t in self.tabs if t.title == title]
        folded = [t for t in self.tabs if t.title.lower() == title.lower()]
        matches = exact or folded
        return matches[0] if matches else None

    def tab_by_id(self, sheet_id: int) -> Tab | None:
        return next((t for t in self.tabs if t.sheet_id == sheet_id), None)


@dataclass(frozen=True)
class GridRange:
    """A resolved A1 range: 0-based, end-exclusive; `bounded` is False for open-ended ranges."""

    tab: Tab
    start_row: int
    end_row: int
    start_col: int
    end_col: int
    single_cell: bool = False  # a write to one cell treats it as the top-left anchor
    bounded: bool = False  # both corners explicit, so a write must fit inside

    def a1(self) -> str:
        return a1_range(self.tab.title, self.start_row, self.end_row, self.start_col, self.end_col)


def column_letters(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def quote_title(title: str) -> str:
    """Quote a sheet title the way Google echoes it in `range` (only when it needs it)."""
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title)
    looks_like_cell = re.fullmatch(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*", title)
    if plain and not looks_like_cell:
        return title
    return "'" + title.replace("'", "''") + "'"


def a1_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    first = f"{column_letters(start_col)}{start_row + 1}"
    if end_row - start_row == 1 and end_col - start_col == 1:
        return f"{quote_title(title)}!{first}"
    return f"{quote_title(title)}!{first}:{column_letters(end_col - 1)}{end_row}"


_A1_PART = re.compile(r"([A-Za-z]{0,3})(\d*)")


def parse_range(spreadsheet: Spreadsheet, text: str, *, for_write: bool = False) -> GridRange:
    """Resolve `'Tab'!A1:B2`, `Tab`, `'Tab'`, `A1:B2` (first tab), `Tab!A:C`, `Tab!2:5`…

    A missing tab or unparseable A1 part gives Google's 400 "Unable to parse range: <text>".
    Reads past the grid give "exceeds grid limits"; writes grow the grid instead.
    """
    unparseable = _sheets_fail(400, f"Unable to parse range: {text}")
    raw = text.strip()
    a1: str | None
    if raw.startswith("'"):
        title_chars, i = [], 1
        while i < len(raw):
            if raw[i] == "'":
                if raw[i + 1:i + 2] == "'":
                    title_chars.append("'")
                    i += 2
                    continue
                break
            title_chars.append(raw[i])
            i += 1
        else:
            raise unparseable
        title, rest = "".join(title_chars), raw[i + 1:]
        if rest and not rest.startswith("!"):
            raise unparseable
        a1 = rest[1:] if rest else None
        tab = spreadsheet.tab(title)
    elif "!" in raw:
        title, a1 = raw.split("!", 1)
        tab = spreadsheet.tab(title)
    else:
        tab = spreadsheet.tab(raw)
        a1 = None
        if tab is None and spreadsheet.tabs:  # a bare A1 range means the first tab
            tab, a1 = spreadsheet.tabs[0], raw
    if tab is None or a1 == "":
        raise unparseable
    if a1 is None:
        return GridRange(tab, 0, tab.row_count, 0, tab.column_count)

    parts = a1.split(":")
    if len(parts) > 2:
        raise unparseable
    refs = []
    for part in parts:
        ref = _A1_PART.fullmatch(part)
        if ref is None or not (ref[1] or ref[2]) or ref[2].startswith("0"):
            raise unparseable
        refs.append((ref[1], ref[2]))
    if len(refs) == 1:
        if not (refs[0][0] and refs[0][1]):
            raise unparseable
        refs.append(refs[0])
    (c1, r1), (c2, r2) = refs
    start_row = int(r1) - 1 if r1 else 0
    end_row = int(r2) if r2 else tab.row_count
    start_col = _column_index(c1) if c1 else 0
    end_col = _column_index(c2) + 1 if c2 else tab.column_count
    if end_row <= start_row:
        start_row, end_row = end_row - 1, start_row + 1
    if end_col <= start_col:
        start_col, end_col = end_col - 1, start_col + 1
    if not for_write and (end_row > tab.row_count or end_col > tab.column_count):
        raise _sheets_fail(400, f"Range ('{tab.title}'!{a1}) exceeds grid limits. "
                                f"Max rows: {tab.row_count}, max columns: {tab.column_count}")
    return GridRange(tab, start_row, end_row, start_col, end_col,
                     single_cell=len(parts) == 1, bounded=all((c1, r1, c2, r2)))


ValueRender = Literal["FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"]
DateTimeRender = Literal["SERIAL_NUMBER", "FORMATTED_STRING"]


def _format_date(value: date | datetime) -> str:
    text = f"{value.month}/{value.day}/{value.year}"
    if isinstance(value, datetime):
        text += f" {value.hour}:{value.minute:02d}:{value.second:02d}"
    return text


def _format_number(value: int | float) -> str:
    return str(value) if isinstance(value, int) else format(value, ".10g")


def render_cell(cell: Cell, value_render: str, date_render: str) -> Any:
    """One cell as values.get returns it; None means empty."""
    if cell is None or cell == "":
        return None
    if value_render == "FORMULA" and isinstance(cell, SheetError | Volatile):
        return cell.formula
    if isinstance(cell, Volatile):
        value = cell.value()
        return _format_number(value) if value_render == "FORMATTED_VALUE" else value
    if isinstance(cell, SheetError):
        return cell.display
    if isinstance(cell, bool):
        return ("TRUE" if cell else "FALSE") if value_render == "FORMATTED_VALUE" else cell
    if isinstance(cell, date):  # datetime is a date too
        if value_render == "FORMATTED_VALUE" or date_render == "FORMATTED_STRING":
            return _format_date(cell)
        return to_serial(cell)
    if isinstance(cell, int | float):
        return _format_number(cell) if value_render == "FORMATTED_VALUE" else _json_number(cell)
    return cell


def _trim(matrix: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty cells per line and trailing empty lines; inner blanks become ""."""
    lines = []
    for line in matrix:
        end = len(line)
        while end and line[end - 1] is None:
            end -= 1
        lines.append(["" if v is None else v for v in line[:end]])
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _parse_user_entered(value: Any) -> Cell:
    """USER_ENTERED input: numbers, TRUE/FALSE and dates are recognised as Sheets would."""
    if not isinstance(value, str):
        return value if isinstance(value, int | float | bool) else str(value)
    if value.startswith("'"):
        return value[1:]
    text = value.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", text):
        return float(text)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if us:
            return date(int(us[3]), int(us[1]), int(us[2]))
    except ValueError:
        pass
    return value  # formulas are stored as text; the fake doesn't evaluate them


def _grid_cell_data(cell: Cell) -> dict[str, Any]:
    """A CellData object for spreadsheets.get?includeGridData=true."""
    if cell is None or cell == "":
        return {}
    if isinstance(cell, Volatile):
        number = cell.value()
        return {"userEnteredValue": {"formulaValue": cell.formula},
                "effectiveValue": {"numberValue": number},
                "formattedValue": _format_number(number)}
    if isinstance(cell, SheetError):
        return {"userEnteredValue": {"formulaValue": cell.formula},
                "effectiveValue": {"errorValue": {"type": cell.type, "message": cell.message}},
                "formattedValue": cell.display}
    if isinstance(cell, bool):
        value: dict[str, Any] = {"boolValue": cell}
    elif isinstance(cell, date):
        value = {"numberValue": to_serial(cell)}
        return {"userEnteredValue": value, "effectiveValue": value,
                "formattedValue": _format_date(cell),
                "effectiveFormat": {"numberFormat": {"type": "DATE", "pattern": "M/d/yyyy"}}}
    elif isinstance(cell, int | float):
        value = {"numberValue": _json_number(cell)}
    else:
        value = {"stringValue": cell}
    return {"userEnteredValue": value, "effectiveValue": value,
            "formattedValue": render_cell(cell, "FORMATTED_VALUE", "SERIAL_NUMBER")}


class SheetsStore:
    """In-memory spreadsheets plus the Sheets v4 logic the handlers call."""

    def __init__(self, server: FakeGoogle) -> None:
        self._server = server
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self._sheet_ids = itertools.count(1_000_001, 7919)
        self._protected_ids = itertools.count(1_234_567_891, 104_729)

    # -- test set-up and inspection -------------------------------------------------
    def add_spreadsheet(self, spreadsheet_id: str, title: str,
                        tabs: Mapping[str, Sequence[Sequence[Cell]]], *,
                        shared_with: Iterable[str] | None = None) -> Spreadsheet:
        """Create a spreadsheet. `shared_with=None` means any caller; a list means only those."""
        with self._server.lock:
            sheet = Spreadsheet(spreadsheet_id, title, [],
                                None if shared_with is None else set(shared_with))
            for index, (tab_title, rows) in enumerate(tabs.items()):
                sheet.tabs.append(self._new_tab(tab_title, rows, 0 if index == 0 else None))
            self.spreadsheets[spreadsheet_id] = sheet
            return sheet

    def share(self, spreadsheet_id: str, email_address: str) -> None:
        with self._server.lock:
            sheet = self.spreadsheets[spreadsheet_id]
            sheet.shared_with = (sheet.shared_with or set()) | {email_address}

    def values(self, spreadsheet_id: str, tab_title: str) -> list[list[Cell]]:
        """The stored cells of a tab, trailing blanks trimmed (for assertions)."""
        with self._server.lock:
            tab = self.spreadsheets[spreadsheet_id].tab(tab_title)
            if tab is None:
                raise KeyError(tab_title)
            rows = [[c for c in row] for row in tab.rows]
            return [["" if c is None else c for c in row] for row in _trim(rows)]

    def _tab(self, spreadsheet_id: str, tab_title: str) -> Tab:
        tab = self.spreadsheets[spreadsheet_id].tab(tab_title)
        if tab is None:
            raise KeyError(tab_title)
        return tab

    def set_note(self, spreadsheet_id: str, tab_title: str, cell: str | tuple[int, int],
                 note: str | None) -> None:
        """Put (or with None remove) a note, as a person would; `cell` is "B3" or (row, col)
        0-based."""
        with self._server.lock:
            tab = self._tab(spreadsheet_id, tab_title)
            where = _cell_index(cell)
            if note:
                tab.notes[where] = note
            else:
                tab.notes.pop(where, None)

    def note(self, spreadsheet_id: str, tab_title: str, cell: str | tuple[int, int]
             ) -> str | None:
        with self._server.lock:
            return self._tab(spreadsheet_id, tab_title).notes.get(_cell_index(cell))

    def notes(self, spreadsheet_id: str, tab_title: str) -> dict[str, str]:
        """Every note of a tab keyed by A1 cell ("B3"), in row then column order."""
        with self._server.lock:
            tab = self._tab(spreadsheet_id, tab_title)
            return {f"{column_letters(c)}{r + 1}": text
                    for (r, c), text in sorted(tab.notes.items())}

    def protected_ranges(self, spreadsheet_id: str, tab_title: str | None = None
                         ) -> list[dict[str, Any]]:
        """The stored protected ranges (of one tab, or all), in the API's JSON shape."""
        with self._server.lock:
            sheet = self.spreadsheets[spreadsheet_id]
            wanted = None if tab_title is None else self._tab(spreadsheet_id, tab_title).sheet_id
            return [copy.deepcopy(p) for p in sheet.protected_ranges
                    if wanted is None or p["range"].get("sheetId", 0) == wanted]

    def protect(self, spreadsheet_id: str, tab_title: str, editors: Iterable[str] = (), *,
                description: str = "", warning_only: bool = False,
                rows: tuple[int, int] | None = None) -> dict[str, Any]:
        """Seed a protection (as if a person had set it in the sheet): the whole tab, or
        only `rows` (0-based, end exclusive), a header row say."""
        with self._server.lock:
            sheet = self.spreadsheets[spreadsheet_id]
            tab = self._tab(spreadsheet_id, tab_title)
            bounds = {"startRowIndex": rows[0], "endRowIndex": rows[1]} if rows else {}
            stored: dict[str, Any] = {"protectedRangeId": next(self._protected_ids),
                                      "range": _grid_range_json({"sheetId": tab.sheet_id,
                                                                 **bounds})}
            if description:
                stored["description"] = description
            if warning_only:
                stored["warningOnly"] = True
            else:
                stored["editors"] = {"users": list(editors)}
            sheet.protected_ranges.append(stored)
            return copy.deepcopy(stored)

    def _new_tab(self, title: str, rows: Sequence[Sequence[Cell]], sheet_id: int | None = None,
                 row_count: int | None = None, column_count: int | None = None) -> Tab:
        stored = [list(row) for row in rows]
        width = max((len(r) for r in stored), default=0)
        return Tab(next(self._sheet_ids) if sheet_id is None else sheet_id, title, stored,
                   row_count or max(1000, len(stored)), column_count or max(26, width))

    # -- access ----------------------------------------------------------------------
    def open(self, spreadsheet_id: str, caller: TokenInfo) -> Spreadsheet:
        sheet = self.spreadsheets.get(spreadsheet_id)
        if sheet is None:
            raise _sheets_fail(404, "Requested entity was not found.")
        if (sheet.shared_with is not None and not caller.anonymous
                and caller.identity not in sheet.shared_with):
            raise _sheets_fail(403, "The caller does not have permission")
        return sheet

    # -- reads -----------------------------------------------------------------------
    def metadata(self, sheet: Spreadsheet, include_grid_data: bool,
                 ranges: Sequence[str] = (), fields: str | None = None,
                 caller: TokenInfo | None = None) -> dict[str, Any]:
        """spreadsheets.get. `ranges` limits the tabs (and grid data) to those ranges;
        a `fields` mask wins over includeGridData, as the API documents, and prunes the
        answer to the fields it names (`sheets(properties(title),data(rowData(values(note))))`,
        `sheets.properties.title`, `a/b` all work)."""
        windows: dict[int, list[GridRange]] = {}
        for text in ranges:
            grid = parse_range(sheet, text)
            windows.setdefault(grid.tab.sheet_id, []).append(grid)
        with_data = include_grid_data if fields is None else bool(fields.strip())
        sheets = []
        for index, tab in enumerate(sheet.tabs):
            if ranges and tab.sheet_id not in windows:
                continue
            entry: dict[str, Any] = {"properties": tab.properties(index)}
            if with_data:
                grids = windows.get(tab.sheet_id) or [
                    GridRange(tab, 0, tab.row_count, 0, tab.column_count)]
                entry["data"] = [_grid_data(g) for g in grids]
            protected = [_protected_view(pr, caller) for pr in sheet.protected_ranges
                         if pr["range"].get("sheetId", 0) == tab.sheet_id]
            if protected:
                entry["protectedRanges"] = protected
            sheets.append(entry)
        result = {
            "spreadsheetId": sheet.spreadsheet_id,
            "properties": {"title": sheet.title, "locale": sheet.locale,
                           "autoRecalc": "ON_CHANGE", "timeZone": sheet.time_zone},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{sheet.spreadsheet_id}/edit",
        }
        if fields is not None and fields.strip():
            pruned: dict[str, Any] = apply_field_mask(result, parse_field_mask(fields))
            return pruned
        return result

    def value_range(self, sheet: Spreadsheet, range_text: str,
                    query: Mapping[str, list[str]]) -> dict[str, Any]:
        grid = parse_range(sheet, range_text)
        major = _param(query, "majorDimension", "ROWS",
                       ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED"))
        value_render = _param(query, "valueRenderOption", "FORMATTED_VALUE",
                              ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"))
        date_render = _param(query, "dateTimeRenderOption", "SERIAL_NUMBER",
                             ("SERIAL_NUMBER", "FORMATTED_STRING"))
        matrix = [[render_cell(grid.tab.cell(r, c), value_render, date_render)
                   for c in range(grid.start_col, grid.end_col)]
                  for r in range(grid.start_row, min(grid.end_row, len(grid.tab.rows)))]
        if major == "COLUMNS":
            width = grid.end_col - grid.start_col
            matrix = [[row[c] for row in matrix] for c in range(width)]
        result: dict[str, Any] = {"range": grid.a1(),
                                  "majorDimension": "COLUMNS" if major == "COLUMNS" else "ROWS"}
        values = _trim(matrix)
        if values:
            result["values"] = values
        return result

    # -- writes ----------------------------------------------------------------------
    def update(self, sheet: Spreadsheet, range_text: str, body: Mapping[str, Any],
               input_option: str | None, caller: TokenInfo | None = None) -> dict[str, Any]:
        if input_option not in ("RAW", "USER_ENTERED"):
            raise _sheets_fail(400, "'valueInputOption' is required but not specified"
                               if input_option is None else
                               f"Invalid value at 'value_input_option' ({input_option})")
        grid = parse_range(sheet, range_text, for_write=True)
        values = [list(row) for row in body.get("values") or []]
        if body.get("majorDimension") == "COLUMNS":
            width = max((len(col) for col in values), default=0)
            values = [[col[r] if r < len(col) else None for col in values] for r in range(width)]
        height, width = len(values), max((len(r) for r in values), default=0)
        if grid.bounded and not grid.single_cell:
            if height > grid.end_row - grid.start_row:
                raise _sheets_fail(400, f"Requested writing within range [{range_text}], but "
                                        f"tried writing to row [{grid.start_row + height}]")
            if width > grid.end_col - grid.start_col:
                raise _sheets_fail(400, f"Requested writing within range [{range_text}], but "
                                        f"tried writing to column "
                                        f"[{column_letters(grid.start_col + width - 1)}]")
        tab, cells = grid.tab, 0
        _check_protection(sheet.protected_ranges, tab, grid.start_row, grid.start_row + height,
                          grid.start_col, grid.start_col + width, caller)
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is None:  # null means "leave this cell alone"
                    continue
                stored = _parse_user_entered(value) if input_option == "USER_ENTERED" else value
                tab.set_cell(grid.start_row + r, grid.start_col + c, stored)
                cells += 1
        tab.row_count = max(tab.row_count, grid.start_row + height)
        tab.column_count = max(tab.column_count, grid.start_col + width)
        result: dict[str, Any] = {"spreadsheetId": sheet.spreadsheet_id}
        if height and width:
            result.update(updatedRange=a1_range(tab.title, grid.start_row, grid.start_row + height,
                                                grid.start_col, grid.start_col + width),
                          updatedRows=height, updatedColumns=width, updatedCells=cells)
        return result

    def append(self, sheet: Spreadsheet, range_text: str, body: Mapping[str, Any],
               input_option: str | None, caller: TokenInfo | None = None) -> dict[str, Any]:
        """values.append: write below the last non-empty row of the range's columns."""
        grid = parse_range(sheet, range_text, for_write=True)
        last = grid.start_row - 1
        for r in range(grid.start_row, len(grid.tab.rows)):
            if any(grid.tab.cell(r, c) not in (None, "")
                   for c in range(grid.start_col, grid.end_col)):
                last = r
        target = a1_range(grid.tab.title, last + 1, last + 2, grid.start_col, grid.start_col + 1)
        table = (a1_range(grid.tab.title, grid.start_row, last + 1, grid.start_col, grid.end_col)
                 if last >= grid.start_row else None)
        updates = self.update(sheet, target, body, input_option, caller)
        result: dict[str, Any] = {"spreadsheetId": sheet.spreadsheet_id, "updates": updates}
        if table:
            result["tableRange"] = table
        return result

    def clear(self, sheet: Spreadsheet, range_text: str, caller: TokenInfo | None = None) -> str:
        """values.clear: values only; notes and formats stay, as in Sheets."""
        grid = parse_range(sheet, range_text)
        _check_protection(sheet.protected_ranges, grid.tab, grid.start_row, grid.end_row,
                          grid.start_col, grid.end_col, caller)
        for r in range(grid.start_row, min(grid.end_row, len(grid.tab.rows))):
            for c in range(grid.start_col, min(grid.end_col, len(grid.tab.rows[r]))):
                grid.tab.rows[r][c] = None
        return grid.a1()

    def batch_update(self, sheet: Spreadsheet, body: Mapping[str, Any],
                     caller: TokenInfo | None = None) -> dict[str, Any]:
        """spreadsheets.batchUpdate; atomic like Google: one bad request applies nothing."""
        tabs = copy.deepcopy(sheet.tabs)
        protected = copy.deepcopy(sheet.protected_ranges)
        replies: list[dict[str, Any]] = []
        for i, request in enumerate(body.get("requests") or []):
            kind = next(iter(request), "")
            if kind == "updateCells":
                self._update_cells(tabs, protected, i, request["updateCells"] or {}, caller)
                replies.append({})
            elif kind == "addProtectedRange":
                added = self._add_protected(tabs, protected, i,
                                            request["addProtectedRange"] or {}, caller)
                replies.append({"addProtectedRange": {"protectedRange": added}})
            elif kind == "updateProtectedRange":
                self._update_protected(tabs, protected, i, request["updateProtectedRange"] or {})
                replies.append({})
            elif kind == "deleteProtectedRange":
                wanted = _int_id((request["deleteProtectedRange"] or {}).get("protectedRangeId"))
                doomed = next((p for p in protected if p["protectedRangeId"] == wanted), None)
                if doomed is None:
                    raise _sheets_fail(400, f"Invalid requests[{i}].deleteProtectedRange: "
                                            f"No protected range with id: {wanted}")
                protected.remove(doomed)
                replies.append({})
            elif kind == "addSheet":
                replies.append({"addSheet": {"properties": self._add_sheet(
                    tabs, i, request["addSheet"].get("properties") or {})}})
            elif kind == "deleteSheet":
                sheet_id = request["deleteSheet"].get("sheetId")
                victim = next((t for t in tabs if t.sheet_id == sheet_id), None)
                if victim is None:
                    raise _sheets_fail(400, f"Invalid requests[{i}].deleteSheet: "
                                            f"No grid with id: {sheet_id}")
                if len(tabs) == 1:
                    raise _sheets_fail(400, f"Invalid requests[{i}].deleteSheet: You can't "
                                            "remove all the sheets in a document.")
                tabs.remove(victim)
                protected = [p for p in protected if p["range"].get("sheetId", 0) != sheet_id]
                replies.append({})
            else:
                raise _sheets_fail(400, f"fake google: batchUpdate request {kind!r} is not "
                                        "implemented (only addSheet, deleteSheet, updateCells, "
                                        "add/update/deleteProtectedRange)")
        sheet.tabs = tabs
        sheet.protected_ranges = protected
        return {"spreadsheetId": sheet.spreadsheet_id, "replies": replies}

    # -- updateCells (notes and values) ----------------------------------------------
    def _update_cells(self, tabs: list[Tab], protected: list[dict[str, Any]], i: int,
                      request: Mapping[str, Any], caller: TokenInfo | None) -> None:
        """`rows[].values[]` CellData written from `start` (or over `range`, clearing the
        masked fields of the cells `rows` leaves out), only the fields in `fields`."""
        where = f"Invalid requests[{i}].updateCells"
        mask_text = str(request.get("fields") or "")
        if not mask_text.strip():
            raise _sheets_fail(400, f"{where}: At least one field must be specified.")
        mask = set(parse_field_mask(mask_text))
        if "*" in mask:
            mask = set(_CELL_FIELDS)
        if mask - set(_CELL_FIELDS):
            raise _sheets_fail(400, f"fake google: updateCells fields {sorted(mask)} are not "
                                    f"implemented (only {', '.join(_CELL_FIELDS)})")
        if ("start" in request) == ("range" in request):
            raise _sheets_fail(400, f"{where}: Exactly one of start or range must be set.")
        anchor = request.get("start") or request.get("range") or {}
        tab = next((t for t in tabs if t.sheet_id == anchor.get("sheetId", 0)), None)
        if tab is None:
            raise _sheets_fail(400, f"{where}: No grid with id: {anchor.get('sheetId', 0)}")
        rows = [list((row or {}).get("values") or []) for row in request.get("rows") or []]
        if "start" in request:
            r0, c0 = int(anchor.get("rowIndex", 0)), int(anchor.get("columnIndex", 0))
            r1 = r0 + len(rows)
            c1 = c0 + max((len(r) for r in rows), default=0)
        else:
            r0, c0 = int(anchor.get("startRowIndex", 0)), int(anchor.get("startColumnIndex", 0))
            r1 = int(anchor.get("endRowIndex", tab.row_count))
            c1 = int(anchor.get("endColumnIndex", tab.column_count))
        _check_protection(protected, tab, r0, r1, c0, c1, caller)
        for r in range(r0, r1):
            for c in range(c0, c1):
                line = rows[r - r0] if r - r0 < len(rows) else []
                if "start" in request and c - c0 >= len(line):
                    continue  # start: only the cells given are touched
                cell = line[c - c0] if c - c0 < len(line) else {}
                _write_cell_data(tab, r, c, cell or {}, mask)
        tab.row_count = max(tab.row_count, r1)
        tab.column_count = max(tab.column_count, c1)

    # -- protected ranges ------------------------------------------------------------
    def _add_protected(self, tabs: list[Tab], protected: list[dict[str, Any]], i: int,
                       request: Mapping[str, Any], caller: TokenInfo | None
                       ) -> dict[str, Any]:
        where = f"Invalid requests[{i}].addProtectedRange"
        wanted = copy.deepcopy(dict(request.get("protectedRange") or {}))
        grid = _grid_range_json(wanted.get("range") or {})
        if not any(t.sheet_id == grid.get("sheetId", 0) for t in tabs):
            raise _sheets_fail(400, f"{where}: No grid with id: {grid.get('sheetId', 0)}")
        range_id = _int_id(wanted.get("protectedRangeId"))
        if range_id is None:
            range_id = next(self._protected_ids)
        elif any(p["protectedRangeId"] == range_id for p in protected):
            raise _sheets_fail(400, f"{where}: A protected range with ID {range_id} "
                                    "already exists.")
        editors = {k: v for k, v in (wanted.get("editors") or {}).items() if v}
        if wanted.get("warningOnly"):
            if editors:
                raise _sheets_fail(400, f"{where}: ProtectedRange is warningOnly. Editors "
                                        "cannot be set on it.")
        else:
            users = list(editors.get("users") or [])
            me = caller.identity if caller is not None else None
            if me and me not in users:  # fake's choice: the requester keeps edit rights
                users.append(me)
            editors["users"] = users
        stored: dict[str, Any] = {"protectedRangeId": range_id, "range": grid}
        if wanted.get("description"):
            stored["description"] = str(wanted["description"])
        if wanted.get("warningOnly"):
            stored["warningOnly"] = True
        else:
            stored["editors"] = editors
        protected.append(stored)
        return _protected_view(stored, caller)

    def _update_protected(self, tabs: list[Tab], protected: list[dict[str, Any]], i: int,
                          request: Mapping[str, Any]) -> None:
        where = f"Invalid requests[{i}].updateProtectedRange"
        wanted = dict(request.get("protectedRange") or {})
        target = next((p for p in protected
                       if p["protectedRangeId"] == _int_id(wanted.get("protectedRangeId"))), None)
        if target is None:
            raise _sheets_fail(400, f"{where}: No protected range with id: "
                                    f"{wanted.get('protectedRangeId')}")
        mask_text = str(request.get("fields") or "")
        if not mask_text.strip():
            raise _sheets_fail(400, f"{where}: At least one field must be specified.")
        names = set(parse_field_mask(mask_text))
        if "*" in names:
            names = {"range", "description", "warningOnly", "editors"}
        for name in names:
            value = wanted.get(name)
            if name == "range":
                value = _grid_range_json(value or {})
            if value in (None, "", False):
                target.pop(name, None)
            else:
                target[name] = copy.deepcopy(value)

    def _add_sheet(self, tabs: list[Tab], i: int, props: Mapping[str, Any]) -> dict[str, Any]:
        title = props.get("title") or f"Sheet{len(tabs) + 1}"
        if any(t.title.lower() == title.lower() for t in tabs):
            raise _sheets_fail(400, f'Invalid requests[{i}].addSheet: A sheet with the name '
                                    f'"{title}" already exists. Please enter another name.')
        sheet_id = props.get("sheetId")
        if sheet_id is not None and any(t.sheet_id == sheet_id for t in tabs):
            raise _sheets_fail(400, f"Invalid requests[{i}].addSheet: "
                                    f"Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        tab = self._new_tab(title, [], sheet_id, grid.get("rowCount") or 1000,
                            grid.get("columnCount") or 26)
        index = min(int(props.get("index", len(tabs))), len(tabs))
        tabs.insert(index, tab)
        return tab.properties(index)


_CELL_FIELDS = ("note", "userEnteredValue")


def _int_id(value: Any) -> Any:
    """Int64 ids arrive as numbers or as decimal strings; Google reads both."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _cell_index(cell: str | tuple[int, int]) -> tuple[int, int]:
    if isinstance(cell, tuple):
        return cell
    found = re.fullmatch(r"([A-Za-z]{1,3})(\d+)", cell.strip())
    if found is None:
        raise ValueError(f"not a cell reference: {cell!r}")
    return int(found[2]) - 1, _column_index(found[1])


def _cell_data(tab: Tab, row: int, col: int) -> dict[str, Any]:
    data = _grid_cell_data(tab.cell(row, col))
    note = tab.notes.get((row, col))
    if note:
        data["note"] = note
    return data


def _grid_data(grid: GridRange) -> dict[str, Any]:
    """One GridData: rowData up to the last row with a value or note, trailing blanks cut;
    zero startRow/startColumn are left out, as proto3 JSON does."""
    tab = grid.tab
    extent = max([len(tab.rows), *(r + 1 for r, _ in tab.notes)], default=0)
    rows: list[dict[str, Any]] = []
    for r in range(grid.start_row, min(grid.end_row, extent)):
        cells = [_cell_data(tab, r, c) for c in range(grid.start_col, grid.end_col)]
        while cells and not cells[-1]:
            cells.pop()
        rows.append({"values": cells} if cells else {})
    while rows and not rows[-1]:
        rows.pop()
    data: dict[str, Any] = {}
    if grid.start_row:
        data["startRow"] = grid.start_row
    if grid.start_col:
        data["startColumn"] = grid.start_col
    if rows:
        data["rowData"] = rows
    data["rowMetadata"] = [{"pixelSize": 21} for _ in range(grid.end_row - grid.start_row)]
    data["columnMetadata"] = [{"pixelSize": 100} for _ in range(grid.end_col - grid.start_col)]
    return data


def _write_cell_data(tab: Tab, row: int, col: int, cell: Mapping[str, Any],
                     mask: set[str]) -> None:
    """updateCells on one cell: each masked field is set from `cell`, or cleared if absent."""
    if "note" in mask:
        if cell.get("note"):
            tab.notes[(row, col)] = str(cell["note"])
        else:
            tab.notes.pop((row, col), None)
    if "userEnteredValue" in mask:
        value = cell.get("userEnteredValue") or {}
        stored: Cell = None
        for key in ("stringValue", "numberValue", "boolValue", "formulaValue"):
            if key in value:
                stored = value[key]
        if stored is not None or tab.cell(row, col) is not None:
            tab.set_cell(row, col, stored)


def _grid_range_json(grid: Mapping[str, Any]) -> dict[str, Any]:
    """A GridRange echoed with the keys the caller sent (fake's choice: whether Google drops
    zero-valued keys such as `sheetId: 0` here is not documented, so callers should read
    them with a default of 0)."""
    keys = ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
    return {k: int(grid[k]) for k in keys if grid.get(k) is not None}


def _protected_view(stored: Mapping[str, Any], caller: TokenInfo | None) -> dict[str, Any]:
    view = copy.deepcopy(dict(stored))
    users = (stored.get("editors") or {}).get("users") or []
    view["requestingUserCanEdit"] = bool(
        stored.get("warningOnly") or caller is None or caller.anonymous
        or caller.identity in users)
    return view


def _check_protection(protected: Sequence[Mapping[str, Any]], tab: Tab, r0: int, r1: int,
                      c0: int, c1: int, caller: TokenInfo | None) -> None:
    """A write by a non-editor into a protected range is refused (400), as Google does."""
    if caller is None or caller.anonymous:
        return
    for stored in protected:
        grid = stored["range"]
        if grid.get("sheetId", 0) != tab.sheet_id or stored.get("warningOnly"):
            continue
        if caller.identity in ((stored.get("editors") or {}).get("users") or []):
            continue
        if (r0 < grid.get("endRowIndex", tab.row_count) and grid.get("startRowIndex", 0) < r1
                and c0 < grid.get("endColumnIndex", tab.column_count)
                and grid.get("startColumnIndex", 0) < c1):
            raise _sheets_fail(400, "You are trying to edit a protected cell or object. Please "
                                    "contact the spreadsheet owner to remove protection if you "
                                    "need to edit.")


FieldMask = dict[str, "FieldMask"]  # {} under a name: that field whole


def parse_field_mask(text: str) -> FieldMask:
    """Google's partial-response syntax: `a,b(c,d/e),f.g` into a tree of names."""
    pos = 0

    def name() -> str:
        nonlocal pos
        start = pos
        while pos < len(text) and text[pos] not in ",()/.":
            pos += 1
        word = text[start:pos].strip()
        if not word:
            raise _sheets_fail(400, f"Invalid field selection {text}")
        return word

    def selection() -> FieldMask:
        nonlocal pos
        tree: FieldMask = {}
        while True:
            path = [name()]
            while pos < len(text) and text[pos] in "/.":
                pos += 1
                path.append(name())
            sub: FieldMask = {}
            if pos < len(text) and text[pos] == "(":
                pos += 1
                sub = selection()
                if pos >= len(text) or text[pos] != ")":
                    raise _sheets_fail(400, f"Invalid field selection {text}")
                pos += 1
            _merge_mask(tree, path, sub)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            return tree

    tree = selection()
    if pos != len(text):
        raise _sheets_fail(400, f"Invalid field selection {text}")
    return tree


def _merge_mask(tree: FieldMask, path: list[str], sub: FieldMask) -> None:
    """Add `path` (selecting `sub`, or the whole field when empty) to `tree`."""
    head, rest = path[0], path[1:]
    if head in tree and not tree[head]:
        return  # already selected whole
    if rest:
        _merge_mask(tree.setdefault(head, {}), rest, sub)
    elif not sub:
        tree[head] = {}
    else:
        node = tree.setdefault(head, {})
        for key, value in sub.items():
            _merge_mask(node, [key], value)


def apply_field_mask(value: Any, mask: FieldMask) -> Any:
    """Keep only the masked fields; objects left empty are dropped, list items kept."""
    if not mask or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply_field_mask(item, mask) for item in value]
    if isinstance(value, dict):
        kept = {}
        for key, sub in mask.items():
            if key in value:
                pruned = apply_field_mask(value[key], sub)
                if pruned != {} or not sub:
                    kept[key] = pruned
        return kept
    return value


def _param(query: Mapping[str, list[str]], name: str, default: str,
           allowed: Sequence[str]) -> str:
    value = query.get(name, [default])[-1]
    if value not in allowed:
        raise _sheets_fail(400, f"Invalid value at '{name}', \"{value}\"")
    return value


# ======================================================================================
# Calendar v3
# ======================================================================================

_EVENT_ID = re.compile(r"[a-v0-9]{5,1024}")
EVENT_TYPES = ("birthday", "default", "focusTime", "fromGmail", "outOfOffice", "workingLocation")
MAX_INSTANCES = 250  # occurrences of an unbounded rule expanded without timeMax
_READ_ONLY_EVENT_FIELDS = ("kind", "etag", "htmlLink", "created", "updated", "creator",
                           "organizer", "iCalUID", "id")


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


def _deep_merge(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """PATCH semantics: objects merge key by key, arrays and scalars replace, null deletes."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


@dataclass
class Calendar:
    calendar_id: str
    summary: str
    time_zone: str = "UTC"
    readers: set[str] | None = None  # None: anyone may read
    writers: set[str] | None = None  # None: anyone may write
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    revisions: dict[str, int] = field(default_factory=dict)  # event id -> change number
    updated: str = ""
    owner: str | None = None  # a user's primary calendar: its id is this (lower-case) email
    read_error: Response | None = None  # answered to every read (block_calendar)


class CalendarStore:
    """In-memory calendars plus the Calendar v3 events logic the handlers call."""

    def __init__(self, server: FakeGoogle) -> None:
        self._server = server
        self.calendars: dict[str, Calendar] = {}
        self.page_size: int | None = None  # caps maxResults so paging is always exercised
        self._changes = itertools.count(1)
        self._sync_floor = 0  # sync tokens at or below this are expired (410)

    # -- test set-up and inspection -------------------------------------------------
    def add_calendar(self, calendar_id: str, *, summary: str | None = None,
                     time_zone: str = "UTC", readers: Iterable[str] | None = None,
                     writers: Iterable[str] | None = None) -> Calendar:
        """Create a calendar; `readers`/`writers` None means everyone (writers can also read)."""
        with self._server.lock:
            calendar = Calendar(calendar_id, summary or calendar_id, time_zone,
                                None if readers is None else set(readers),
                                None if writers is None else set(writers),
                                updated=_rfc3339(datetime.now(UTC)))
            self.calendars[calendar_id] = calendar
            return calendar

    def add_user_calendar(self, email: str, *, time_zone: str = "UTC",
                          readers: Iterable[str] = ()) -> Calendar:
        """A Workspace user's primary calendar (calendarId = their email, or "primary" as them).

        Only the user (a token delegated with `sub=email`) and `readers` may read it; anyone
        else gets 404 notFound, as Google answers for a calendar the caller cannot see.
        """
        with self._server.lock:
            owner = email.lower()
            if owner in self.calendars:
                return self.calendars[owner]
            calendar = Calendar(owner, email, time_zone, {owner, *(r.lower() for r in readers)},
                                {owner}, updated=_rfc3339(datetime.now(UTC)), owner=owner)
            self.calendars[owner] = calendar
            return calendar

    def block_calendar(self, calendar_id: str, response: Response | None = None) -> None:
        """Every read of this calendar answers `response` (default 403 forbidden)."""
        with self._server.lock:
            calendar = self.calendars.get(calendar_id) or self.calendars[calendar_id.lower()]
            calendar.read_error = response or calendar_error(403, "forbidden", "Forbidden")

    def add_out_of_office(self, email: str, start: date | datetime, end: date | datetime, *,
                          title: str = "Out of office", time_zone: str | None = None,
                          decline_message: str = "Declined because I am out of office",
                          auto_decline: str = "declineAllConflictingInvitations",
                          recurrence: Sequence[str] | None = None,
                          event_id: str | None = None) -> dict[str, Any]:
        """Seed an out-of-office event on `email`'s primary calendar (created if missing).

        Datetimes give a timed event (`dateTime` with offset plus `timeZone`, the shape the
        Calendar UI creates); naive datetimes are read in `time_zone` (default: the
        calendar's). Dates give an all-day event whose `end` is exclusive, as in the API.
        `recurrence` takes RFC 5545 lines, e.g. ["RRULE:FREQ=WEEKLY;COUNT=3"].
        """
        with self._server.lock:
            calendar = self.add_user_calendar(email)
            zone_name = time_zone or calendar.time_zone
            body: dict[str, Any] = {
                "summary": title,
                "start": _event_datetime(start, zone_name),
                "end": _event_datetime(end, zone_name),
                "eventType": "outOfOffice",
                "outOfOfficeProperties": {"autoDeclineMode": auto_decline,
                                          "declineMessage": decline_message},
                "transparency": "opaque",
                "visibility": "public",
            }
            if recurrence:
                body["recurrence"] = list(recurrence)
            if event_id:
                body["id"] = event_id
            return self.add_event(calendar.calendar_id, body, creator=calendar.calendar_id)

    def add_event(self, calendar_id: str, body: Mapping[str, Any], *,
                  creator: str = "colleague@example.com") -> dict[str, Any]:
        """Put an event straight into the store (a "foreign" event nobody synced), no checks."""
        with self._server.lock:
            calendar = self.calendars.get(calendar_id) or self.calendars[calendar_id.lower()]
            event_id = body.get("id") or self._new_event_id()
            event = self._stamp(calendar, dict(copy.deepcopy(body)), event_id, creator, None)
            calendar.events[event_id] = event
            return copy.deepcopy(event)

    add_foreign_event = add_event

    def events(self, calendar_id: str, *, include_cancelled: bool = True) -> list[dict[str, Any]]:
        with self._server.lock:
            return [copy.deepcopy(e) for e in self.calendars[calendar_id].events.values()
                    if include_cancelled or e["status"] != "cancelled"]

    def expire_sync_tokens(self) -> None:
        """Make every sync token issued so far answer 410 fullSyncRequired."""
        with self._server.lock:
            self._sync_floor = next(self._changes)

    # -- access ----------------------------------------------------------------------
    def open(self, calendar_id: str, caller: TokenInfo, write: bool) -> Calendar:
        if calendar_id == "primary" and caller.identity:
            calendar_id = caller.identity
        calendar = self.calendars.get(calendar_id) or self.calendars.get(calendar_id.lower())
        who = caller.identity
        if calendar is None:
            raise _calendar_fail(404, "notFound", "Not Found")
        if calendar.owner is not None and who:
            who = who.lower()  # email addresses compare case-insensitively
        if not caller.anonymous:
            can_write = calendar.writers is None or who in calendar.writers
            can_read = can_write or calendar.readers is None or who in calendar.readers
            if not can_read:
                raise _calendar_fail(404, "notFound", "Not Found")
            if write and not can_write:
                raise _calendar_fail(403, "requiredAccessLevel",
                                     "You need to have writer access to this calendar.")
        if calendar.read_error is not None:
            raise GoogleApiError(calendar.read_error)
        return calendar

    def event(self, calendar: Calendar, event_id: str) -> dict[str, Any]:
        event = calendar.events.get(event_id)
        if event is None:
            raise _calendar_fail(404, "notFound", "Not Found")
        return event

    # -- events.list -----------------------------------------------------------------
    def list_events(self, calendar: Calendar, query: Mapping[str, list[str]]
                    ) -> dict[str, Any]:
        one = {k: v[-1] for k, v in query.items()}
        sync_token = one.get("syncToken")
        since = 0
        if sync_token is not None:
            incompatible = {"iCalUID", "orderBy", "privateExtendedProperty", "q",
                            "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"}
            if incompatible & query.keys():
                raise _calendar_fail(400, "invalid", "Invalid Value")
            decoded = _decode_token(sync_token, "s")
            if decoded is None or decoded <= self._sync_floor:
                raise _calendar_fail(410, "fullSyncRequired",
                                     "Sync token is no longer valid, a full sync is required.")
            since = decoded
        show_deleted = one.get("showDeleted") == "true" or sync_token is not None
        filters = [self._property_filter("private", query.get("privateExtendedProperty", [])),
                   self._property_filter("shared", query.get("sharedExtendedProperty", []))]
        time_min = _parse_query_time(one.get("timeMin"), "timeMin")
        time_max = _parse_query_time(one.get("timeMax"), "timeMax")
        q = (one.get("q") or "").lower()
        event_types = query.get("eventTypes") or []
        if any(t not in EVENT_TYPES for t in event_types):
            raise _calendar_fail(400, "invalid", "Invalid Value")
        single = one.get("singleEvents") == "true"

        items = []
        for event_id, event in calendar.events.items():
            if event_types and event.get("eventType", "default") not in event_types:
                continue
            if event["status"] == "cancelled" and not show_deleted:
                continue
            if sync_token is not None and calendar.revisions.get(event_id, 0) <= since:
                continue
            if "iCalUID" in one and event.get("iCalUID") != one["iCalUID"]:
                continue
            if not all(f(event) for f in filters):
                continue
            if q and not any(q in str(event.get(k, "")).lower()
                             for k in ("summary", "description", "location")):
                continue
            if event.get("recurrence") and event["status"] != "cancelled":
                if single:
                    items += self._instances(calendar, event, time_min, time_max)
                    continue
                start, end = self._recurring_span(calendar, event)
            else:
                start, end = self._span(calendar, event)
            if (time_min and end <= time_min) or (time_max and start >= time_max):
                continue
            items.append(event)

        order_by = one.get("orderBy")
        if order_by == "startTime":
            if one.get("singleEvents") != "true":
                raise _calendar_fail(400, "badRequest", "The requested ordering is not "
                                     "available for the particular query.")
            items.sort(key=lambda e: self._span(calendar, e)[0])
        elif order_by == "updated":
            items.sort(key=lambda e: e["updated"])
        elif order_by is not None:
            raise _calendar_fail(400, "invalid", "Invalid Value")

        max_results = int(one.get("maxResults", 250))
        if max_results < 1:
            raise _calendar_fail(400, "invalid", "Invalid Value")
        page = min(max_results, 2500, self.page_size or 2500)
        offset = 0
        if "pageToken" in one:
            decoded = _decode_token(one["pageToken"], "p")
            if decoded is None:
                raise _calendar_fail(400, "invalid", "Invalid Value")
            offset = decoded
        chunk = items[offset:offset + page]
        result: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"p3{next(self._changes):014d}"',
            "summary": calendar.summary,
            "description": "",
            "updated": max([calendar.updated, *(e["updated"] for e in items)]),
            "timeZone": calendar.time_zone,
            "accessRole": "owner",
            "defaultReminders": [],
            "items": [copy.deepcopy(e) for e in chunk],
        }
        if offset + page < len(items):
            result["nextPageToken"] = _encode_token("p", offset + page)
        else:
            result["nextSyncToken"] = _encode_token("s", next(self._changes))
        return result

    def _property_filter(self, kind: str, constraints: list[str]
                         ) -> Callable[[dict[str, Any]], bool]:
        pairs = []
        for constraint in constraints:
            if "=" not in constraint:
                raise _calendar_fail(400, "invalid", "Invalid Value")
            pairs.append(tuple(constraint.split("=", 1)))

        def matches(event: dict[str, Any]) -> bool:
            props = (event.get("extendedProperties") or {}).get(kind) or {}
            return all(props.get(k) == v for k, v in pairs)

        return matches

    def _span(self, calendar: Calendar, event: Mapping[str, Any]) -> tuple[datetime, datetime]:
        return (_event_time(event.get("start") or {}, calendar.time_zone, "start"),
                _event_time(event.get("end") or {}, calendar.time_zone, "end"))

    # -- recurring events ------------------------------------------------------------
    def _rule(self, calendar: Calendar, event: Mapping[str, Any]
              ) -> tuple[rrule.rruleset, ZoneInfo, timedelta, bool]:
        """The event's RRULE/EXDATE lines as a rule set in wall-clock time of its zone."""
        start, end = self._span(calendar, event)
        zone = ZoneInfo((event.get("start") or {}).get("timeZone") or calendar.time_zone)
        all_day = "date" in (event.get("start") or {})
        local = start.astimezone(zone).replace(tzinfo=None)

        def wall_until(found: re.Match[str]) -> str:
            moment = datetime.strptime(found[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return "UNTIL=" + moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")

        lines = [re.sub(r"UNTIL=(\d{8}T\d{6})Z", wall_until, line)
                 for line in event.get("recurrence") or []]
        try:
            rules = rrule.rrulestr("\n".join(lines), dtstart=local, forceset=True)
        except (ValueError, TypeError) as exc:
            raise _calendar_fail(400, "invalid", "Invalid recurrence rule.") from exc
        return rules, zone, end - start, all_day

    def _recurring_span(self, calendar: Calendar, event: Mapping[str, Any]
                        ) -> tuple[datetime, datetime]:
        """First start to last end; an unbounded rule never ends."""
        rules, zone, duration, _ = self._rule(calendar, event)
        start = self._span(calendar, event)[0]
        text = ";".join(event.get("recurrence") or [])
        if "COUNT=" not in text and "UNTIL=" not in text:
            return start, datetime.max.replace(tzinfo=UTC)
        moments = list(rules)
        if not moments:
            return start, start
        return start, moments[-1].replace(tzinfo=zone) + duration

    def _instances(self, calendar: Calendar, event: Mapping[str, Any],
                   time_min: datetime | None, time_max: datetime | None
                   ) -> list[dict[str, Any]]:
        """singleEvents=true: one event per occurrence in the window (ids `<id>_<start>`).

        Without timeMax an unbounded rule is cut after MAX_INSTANCES (fake's choice).
        """
        rules, zone, duration, all_day = self._rule(calendar, event)
        found: list[datetime] = []
        for moment in rules:
            begin = moment.replace(tzinfo=zone)
            if time_max and begin >= time_max:
                break
            if len(found) >= MAX_INSTANCES:
                break
            if time_min and begin + duration <= time_min:
                continue
            found.append(begin)
        instances = []
        for begin in found:
            instance = {k: copy.deepcopy(v) for k, v in event.items() if k != "recurrence"}
            finish = begin + duration
            if all_day:
                instance["start"] = {"date": begin.date().isoformat()}
                instance["end"] = {"date": finish.date().isoformat()}
                suffix = begin.strftime("%Y%m%d")
            else:
                tz_name = (event.get("start") or {}).get("timeZone") or calendar.time_zone
                instance["start"] = {"dateTime": begin.isoformat(), "timeZone": tz_name}
                instance["end"] = {"dateTime": finish.isoformat(), "timeZone": tz_name}
                suffix = begin.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            instance["id"] = f"{event['id']}_{suffix}"
            instance["recurringEventId"] = event["id"]
            instance["originalStartTime"] = dict(instance["start"])
            instances.append(instance)
        return instances

    # -- writes ----------------------------------------------------------------------
    def insert(self, calendar: Calendar, body: Mapping[str, Any], caller: TokenInfo
               ) -> dict[str, Any]:
        event_id = body.get("id")
        if event_id is not None:
            if not isinstance(event_id, str) or not _EVENT_ID.fullmatch(event_id):
                raise _calendar_fail(400, "invalid", "Invalid resource id value.")
            if event_id in calendar.events:  # cancelled events keep their id forever
                raise _calendar_fail(409, "duplicate", "The requested identifier already exists.")
        _check_attendees(body, caller)
        event = {k: copy.deepcopy(v) for k, v in body.items() if k not in _READ_ONLY_EVENT_FIELDS}
        event.setdefault("status", "confirmed")
        event_id = event_id or self._new_event_id()
        event = self._stamp(calendar, event, event_id, caller.identity or "anonymous@example.com",
                            body.get("iCalUID"))
        self._validate_times(calendar, event)
        calendar.events[event_id] = event
        return event

    def patch(self, calendar: Calendar, event_id: str, body: Mapping[str, Any],
              caller: TokenInfo, if_match: str | None) -> dict[str, Any]:
        current = self._writable(calendar, event_id, if_match)
        _check_attendees(body, caller)
        merged = _deep_merge(copy.deepcopy(current),
                             {k: v for k, v in body.items() if k not in _READ_ONLY_EVENT_FIELDS})
        return self._replace(calendar, current, merged)

    def update(self, calendar: Calendar, event_id: str, body: Mapping[str, Any],
               caller: TokenInfo, if_match: str | None) -> dict[str, Any]:
        current = self._writable(calendar, event_id, if_match)
        _check_attendees(body, caller)
        replaced = {k: copy.deepcopy(v) for k, v in body.items()
                    if k not in _READ_ONLY_EVENT_FIELDS and v is not None}
        replaced.setdefault("status", "confirmed")
        for key in _READ_ONLY_EVENT_FIELDS:
            if key in current:
                replaced[key] = current[key]
        replaced.setdefault("sequence", current.get("sequence", 0))
        return self._replace(calendar, current, replaced)

    def delete(self, calendar: Calendar, event_id: str, if_match: str | None) -> None:
        event = self.event(calendar, event_id)
        if event["status"] == "cancelled":
            raise _calendar_fail(410, "deleted", "Resource has been deleted")
        self._check_etag(event, if_match)
        event["status"] = "cancelled"
        self._touch(calendar, event)

    def _writable(self, calendar: Calendar, event_id: str, if_match: str | None
                  ) -> dict[str, Any]:
        event = self.event(calendar, event_id)
        self._check_etag(event, if_match)
        return event

    def _check_etag(self, event: Mapping[str, Any], if_match: str | None) -> None:
        if if_match and if_match != "*" and if_match != event["etag"]:
            raise _calendar_fail(412, "conditionNotMet", "Precondition Failed")

    def _replace(self, calendar: Calendar, current: dict[str, Any], new: dict[str, Any]
                 ) -> dict[str, Any]:
        self._validate_times(calendar, new)
        if (new.get("start"), new.get("end")) != (current.get("start"), current.get("end")):
            new["sequence"] = int(current.get("sequence", 0)) + 1
        self._touch(calendar, new)
        calendar.events[current["id"]] = new
        return new

    def _stamp(self, calendar: Calendar, event: dict[str, Any], event_id: str, creator: str,
               ical_uid: str | None) -> dict[str, Any]:
        """Add the fields the server owns (etag, iCalUID, htmlLink, timestamps, people)."""
        now = _rfc3339(datetime.now(UTC))
        eid = base64.urlsafe_b64encode(f"{event_id} {calendar.calendar_id}".encode())
        stamped: dict[str, Any] = {
            "kind": "calendar#event",
            "etag": "",
            "id": event_id,
            "status": event.pop("status", "confirmed"),
            "htmlLink": "https://www.google.com/calendar/event?eid=" + eid.decode().rstrip("="),
            "created": now,
            "updated": now,
            **event,
            "creator": {"email": creator},
            "organizer": {"email": calendar.calendar_id, "displayName": calendar.summary,
                          "self": True},
            "iCalUID": ical_uid or f"{event_id}@google.com",
            "sequence": int(event.get("sequence", 0)),
        }
        stamped.setdefault("reminders", {"useDefault": True})
        stamped.setdefault("eventType", "default")
        self._touch(calendar, stamped)
        return stamped

    def _touch(self, calendar: Calendar, event: dict[str, Any]) -> None:
        change = next(self._changes)
        event["etag"] = f'"{3_400_000_000_000_000 + change}"'
        event["updated"] = _rfc3339(datetime.now(UTC))
        calendar.revisions[event["id"]] = change

    def _validate_times(self, calendar: Calendar, event: Mapping[str, Any]) -> None:
        for which in ("start", "end"):
            if not event.get(which):
                raise _calendar_fail(400, "required", f"Missing {which} time.")
        start, end = event["start"], event["end"]
        if ("date" in start) != ("date" in end):
            raise _calendar_fail(400, "invalid", "Start and end times must either both be "
                                 "date or both be dateTime.")
        begin, finish = self._span(calendar, event)
        if finish < begin:
            raise _calendar_fail(400, "timeRangeEmpty", "The specified time range is empty.")

    def _new_event_id(self) -> str:
        alphabet = "0123456789abcdefghijklmnopqrstuv"
        return "".join(secrets.choice(alphabet) for _ in range(26))


def _check_attendees(body: Mapping[str, Any], caller: TokenInfo) -> None:
    """Google refuses attendees from a service account that isn't impersonating a user."""
    if body.get("attendees") and caller.service_account_without_dwd:
        raise _calendar_fail(403, "forbiddenForServiceAccounts",
                             "Service accounts cannot invite attendees without Domain-Wide "
                             "Delegation of Authority.", domain="calendar")


def _event_time(when: Mapping[str, Any], calendar_tz: str, which: str) -> datetime:
    """An EventDateTime as an aware datetime (all-day dates at midnight in the zone)."""
    zone_name = when.get("timeZone") or calendar_tz
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _calendar_fail(400, "invalid", f"Invalid time zone definition for {which} time."
                             ) from exc
    if "date" in when and "dateTime" in when:
        raise _calendar_fail(400, "invalid", f"Invalid {which} time.")
    try:
        if "date" in when:
            day = date.fromisoformat(when["date"])
            return datetime(day.year, day.month, day.day, tzinfo=zone)
        moment = datetime.fromisoformat(when["dateTime"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _calendar_fail(400, "invalid", f"Invalid {which} time.") from exc
    if moment.tzinfo is None:
        if not when.get("timeZone"):
            raise _calendar_fail(400, "required",
                                 f"Missing time zone definition for {which} time.")
        moment = moment.replace(tzinfo=zone)
    return moment


def _event_datetime(value: date | datetime, zone_name: str) -> dict[str, str]:
    """An EventDateTime for a seeded event: all-day for a date, else dateTime + timeZone."""
    if not isinstance(value, datetime):
        return {"date": value.isoformat()}
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone_name))
    return {"dateTime": value.isoformat(), "timeZone": zone_name}


def _parse_query_time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _calendar_fail(400, "badRequest", "Bad Request")
    return moment


def _encode_token(prefix: str, number: int) -> str:
    raw = json.dumps({prefix: number}).encode()
    return "C" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, prefix: str) -> int | None:
    try:
        value = json.loads(_b64url_decode(token[1:]))[prefix]
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    return value if isinstance(value, int) else None


# ======================================================================================
# The server
# ======================================================================================

@dataclass
class BatchPartRequest(Request):
    """One inner request of a batch; kept in `FakeGoogle.inner_requests`."""

    batch_part: bool = True
    content_id: str = ""


AuthedHandler = Callable[[Request, re.Match[str], TokenInfo], Response]


@dataclass
class _PredicateFault:
    predicate: Callable[[Request], bool]
    response: Response
    remaining: int


class FakeGoogle(FakeServer):
    """OAuth2 token endpoint + Sheets v4 + Calendar v3 (+ Calendar batch) on 127.0.0.1.

    `requests` holds real HTTP round trips (one per batch); the parts of a batch go to
    `inner_requests`. `logical_calls()` / `logical_writes()` give API calls as Google counts them.
    `anonymous=True` accepts requests with no or unknown tokens (known tokens still apply).
    Note `fail(r"/calendar/v3")` also matches the batch envelope `/batch/calendar/v3`; anchor
    (`^/calendar/v3/`) to hit only the parts.
    """

    def __init__(self, *, anonymous: bool = False) -> None:
        super().__init__()
        self.anonymous = anonymous
        self.oauth = OAuthState()
        self.sheets = SheetsStore(self)
        self.calendar = CalendarStore(self)
        self.inner_requests: list[BatchPartRequest] = []
        self.predicate_faults: list[_PredicateFault] = []

        self.route("POST", r"/token", self._token)
        sid = r"/v4/spreadsheets/(?P<sid>[^/:]+)"
        rng = r"/values/(?P<range>[^/]+?)"
        self._api("GET", sid, "sheets", False, self._sheets_get)
        self._api("POST", sid + r":batchUpdate", "sheets", True, self._sheets_batch_update)
        self._api("GET", sid + r"/values:batchGet", "sheets", False, self._values_batch_get)
        self._api("POST", sid + r"/values:batchUpdate", "sheets", True, self._values_batch_update)
        self._api("POST", sid + r"/values:batchClear", "sheets", True, self._values_batch_clear)
        self._api("POST", sid + rng + r":clear", "sheets", True, self._values_clear)
        self._api("POST", sid + rng + r":append", "sheets", True, self._values_append)
        self._api("GET", sid + rng, "sheets", False, self._values_get)
        self._api("PUT", sid + rng, "sheets", True, self._values_update)

        cal = r"/calendar/v3/calendars/(?P<cal>[^/]+)"
        event = cal + r"/events/(?P<eid>[^/]+)"
        self._api("GET", cal, "calendar", False, self._calendar_get)
        self._api("GET", cal + r"/events", "calendar", False, self._events_list)
        self._api("POST", cal + r"/events", "calendar", True, self._events_insert)
        self._api("GET", event, "calendar", False, self._events_get)
        self._api("PATCH", event, "calendar", True, self._events_patch)
        self._api("PUT", event, "calendar", True, self._events_update)
        self._api("DELETE", event, "calendar", True, self._events_delete)
        self.route("POST", r"(?:/batch/calendar/v3|/batch)", self._batch)

    # -- lifecycle (typed for the subclass) ------------------------------------------
    def start(self) -> Self:
        super().start()
        return self

    def __enter__(self) -> Self:
        return self.start()

    # -- faults and log --------------------------------------------------------------
    def fail_if(self, predicate: Callable[[Request], bool], response: Response,
                times: int = 1) -> None:
        """Like `fail()` but matching on anything (e.g. an insert body's id inside a batch)."""
        with self.lock:
            self.predicate_faults.append(_PredicateFault(predicate, response, times))

    def logical_calls(self, method: str | None = None, path_pattern: str = ""
                      ) -> list[Request]:
        """API calls as Google counts them: batch parts instead of the batch envelopes."""
        with self.lock:
            calls = [r for r in self.requests if not re.fullmatch(r"/batch(/.*)?", r.path)]
            calls += self.inner_requests
            return [r for r in calls
                    if (method is None or r.method == method) and re.search(path_pattern, r.path)]

    def logical_writes(self) -> list[Request]:
        return [r for r in self.logical_calls()
                if r.method not in ("GET", "HEAD") and r.path != "/token"]

    def writes(self) -> list[Request]:
        """Non-GET round trips (a batch counts once), leaving out OAuth token grants."""
        return [r for r in super().writes() if r.path != "/token"]

    def reset_log(self) -> None:
        with self.lock:
            super().reset_log()
            self.inner_requests.clear()

    def reset(self) -> None:
        """Between the tests that share one server: no log, faults or data (keys stay)."""
        with self.lock:
            self.reset_log()
            self.faults.clear()
            self.predicate_faults.clear()
            self.sheets.spreadsheets.clear()
            self.calendar.calendars.clear()
            self.calendar.page_size = None

    def not_found(self, request: Request) -> Response:
        return google_error(404, message=f"fake google: no route for {request.method} "
                                         f"{request.path}")

    # -- auth --------------------------------------------------------------------------
    def _api(self, method: str, pattern: str, api: Api, write: bool,
             handler: AuthedHandler) -> None:
        """Register a route that authenticates, checks scopes and maps GoogleApiError."""

        def wrapped(request: Request, match: re.Match[str]) -> Response:
            for fault in self.predicate_faults:
                if fault.remaining > 0 and fault.predicate(request):
                    fault.remaining -= 1
                    return fault.response
            try:
                caller = self._caller(request, api)
                if not caller.scopes & _SCOPES_FOR[(api, write)]:
                    return _insufficient_scopes(api)
                return handler(request, match, caller)
            except GoogleApiError as exc:
                return exc.response

        self.route(method, pattern, wrapped)

    def _caller(self, request: Request, api: Api) -> TokenInfo:
        authorization = request.headers.get("authorization")
        caller = self.oauth.lookup(authorization)
        if caller is not None:
            return caller
        if self.anonymous:
            return ANONYMOUS
        if authorization:
            message = ("Request had invalid authentication credentials. Expected OAuth 2 access "
                       "token, login cookie or other valid authentication credential. See "
                       "https://developers.google.com/identity/sign-in/web/devconsole-project.")
        else:
            message = ("Request is missing required authentication credential. Expected OAuth 2 "
                       "access token, login cookie or other valid authentication credential. See "
                       "https://developers.google.com/identity/sign-in/web/devconsole-project.")
        error: dict[str, Any] = {"code": 401, "message": message, "status": "UNAUTHENTICATED"}
        if api == "calendar":
            error["errors"] = [{"message": "Invalid Credentials", "domain": "global",
                                "reason": "authError", "location": "Authorization",
                                "locationType": "header"}]
        raise GoogleApiError(Response(401, {"error": error}, {
            "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
                                'error="invalid_token"'}))

    def _token(self, request: Request, match: re.Match[str]) -> Response:
        return self.oauth.token_grant(request.form(), f"{self.base_url}/token")

    # -- Sheets handlers -------------------------------------------------------------
    def _sheet(self, match: re.Match[str], caller: TokenInfo) -> Spreadsheet:
        return self.sheets.open(unquote(match["sid"]), caller)

    def _sheets_get(self, request: Request, match: re.Match[str], caller: TokenInfo
                    ) -> Response:
        include = request.query.get("includeGridData", ["false"])[-1] == "true"
        fields = request.query.get("fields", [None])[-1]
        return Response(200, self.sheets.metadata(self._sheet(match, caller), include,
                                                  request.query.get("ranges", []), fields,
                                                  caller))

    def _values_get(self, request: Request, match: re.Match[str], caller: TokenInfo
                    ) -> Response:
        sheet = self._sheet(match, caller)
        return Response(200, self.sheets.value_range(sheet, unquote(match["range"]),
                                                     request.query))

    def _values_batch_get(self, request: Request, match: re.Match[str], caller: TokenInfo
                          ) -> Response:
        sheet = self._sheet(match, caller)
        ranges = [self.sheets.value_range(sheet, r, request.query)
                  for r in request.query.get("ranges", [])]
        body: dict[str, Any] = {"spreadsheetId": sheet.spreadsheet_id}
        if ranges:
            body["valueRanges"] = ranges
        return Response(200, body)

    def _values_update(self, request: Request, match: re.Match[str], caller: TokenInfo
                       ) -> Response:
        sheet = self._sheet(match, caller)
        option = request.query.get("valueInputOption", [None])[-1]
        return Response(200, self.sheets.update(sheet, unquote(match["range"]),
                                                request.json() or {}, option, caller))

    def _values_append(self, request: Request, match: re.Match[str], caller: TokenInfo
                       ) -> Response:
        sheet = self._sheet(match, caller)
        option = request.query.get("valueInputOption", [None])[-1]
        return Response(200, self.sheets.append(sheet, unquote(match["range"]),
                                                request.json() or {}, option, caller))

    def _values_clear(self, request: Request, match: re.Match[str], caller: TokenInfo
                      ) -> Response:
        sheet = self._sheet(match, caller)
        cleared = self.sheets.clear(sheet, unquote(match["range"]), caller)
        return Response(200, {"spreadsheetId": sheet.spreadsheet_id, "clearedRange": cleared})

    def _values_batch_clear(self, request: Request, match: re.Match[str], caller: TokenInfo
                            ) -> Response:
        sheet = self._sheet(match, caller)
        cleared = [self.sheets.clear(sheet, r, caller)
                   for r in (request.json() or {}).get("ranges", [])]
        return Response(200, {"spreadsheetId": sheet.spreadsheet_id, "clearedRanges": cleared})

    def _values_batch_update(self, request: Request, match: re.Match[str], caller: TokenInfo
                             ) -> Response:
        sheet = self._sheet(match, caller)
        body = request.json() or {}
        option = body.get("valueInputOption")
        responses = [self.sheets.update(sheet, item.get("range", ""), item, option, caller)
                     for item in body.get("data") or []]
        return Response(200, {
            "spreadsheetId": sheet.spreadsheet_id,
            "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
            "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
            "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0]
                                       for r in responses if "updatedRange" in r}),
            "responses": responses,
        })

    def _sheets_batch_update(self, request: Request, match: re.Match[str], caller: TokenInfo
                             ) -> Response:
        sheet = self._sheet(match, caller)
        return Response(200, self.sheets.batch_update(sheet, request.json() or {}, caller))

    # -- Calendar handlers -----------------------------------------------------------
    def _cal(self, match: re.Match[str], caller: TokenInfo, write: bool) -> Calendar:
        return self.calendar.open(unquote(match["cal"]), caller, write)

    def _calendar_get(self, request: Request, match: re.Match[str], caller: TokenInfo
                      ) -> Response:
        calendar = self._cal(match, caller, False)
        return Response(200, {"kind": "calendar#calendar", "etag": '"p3calendar"',
                              "id": calendar.calendar_id, "summary": calendar.summary,
                              "timeZone": calendar.time_zone})

    def _events_list(self, request: Request, match: re.Match[str], caller: TokenInfo
                     ) -> Response:
        calendar = self._cal(match, caller, False)
        return Response(200, self.calendar.list_events(calendar, request.query))

    def _events_get(self, request: Request, match: re.Match[str], caller: TokenInfo
                    ) -> Response:
        calendar = self._cal(match, caller, False)
        return Response(200, copy.deepcopy(self.calendar.event(calendar, unquote(match["eid"]))))

    def _events_insert(self, request: Request, match: re.Match[str], caller: TokenInfo
                       ) -> Response:
        calendar = self._cal(match, caller, True)
        event = self.calendar.insert(calendar, _json_object(request), caller)
        return Response(200, copy.deepcopy(event))

    def _events_patch(self, request: Request, match: re.Match[str], caller: TokenInfo
                      ) -> Response:
        calendar = self._cal(match, caller, True)
        event = self.calendar.patch(calendar, unquote(match["eid"]), _json_object(request),
                                    caller, request.headers.get("if-match"))
        return Response(200, copy.deepcopy(event))

    def _events_update(self, request: Request, match: re.Match[str], caller: TokenInfo
                       ) -> Response:
        calendar = self._cal(match, caller, True)
        event = self.calendar.update(calendar, unquote(match["eid"]), _json_object(request),
                                     caller, request.headers.get("if-match"))
        return Response(200, copy.deepcopy(event))

    def _events_delete(self, request: Request, match: re.Match[str], caller: TokenInfo
                       ) -> Response:
        calendar = self._cal(match, caller, True)
        self.calendar.delete(calendar, unquote(match["eid"]), request.headers.get("if-match"))
        return Response(204, b"")

    # -- batch -------------------------------------------------------------------------
    def _batch(self, request: Request, match: re.Match[str]) -> Response:
        """multipart/mixed in, multipart/mixed out, each part run through the normal routes."""
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/mixed"):
            return google_error(400, message="Request is not a multipart/mixed batch request.")
        envelope = email.parser.BytesParser().parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + request.body)
        if not envelope.is_multipart():
            return google_error(400, message="Failed to parse batch request.")
        outer_headers = {k: v for k, v in request.headers.items()
                         if not k.startswith("content-") and k not in ("host", "connection")}
        boundary = "batch_" + secrets.token_urlsafe(12)
        chunks = []
        for part in envelope.get_payload():
            if not isinstance(part, Message):
                continue
            content_id = part.get("Content-ID", "")
            inner = self._inner_request(part, outer_headers, content_id)
            response = self._dispatch_inner(inner)
            if response.status == -1:  # DROP inside a batch drops the whole connection
                return DROP
            response_id = f"<response-{content_id.strip().removeprefix('<')}"
            if not content_id:
                response_id = "<response-none>"
            chunks.append(f"--{boundary}\r\nContent-Type: application/http\r\n"
                          f"Content-ID: {response_id}\r\n\r\n".encode()
                          + _http_message(response) + b"\r\n")
        body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
        return Response(200, body, {"Content-Type": f"multipart/mixed; boundary={boundary}"})

    def _inner_request(self, part: Message, outer_headers: Mapping[str, str],
                       content_id: str) -> BatchPartRequest:
        payload = part.get_payload()
        text = payload if isinstance(payload, str) else ""
        request_line, _, rest = text.lstrip("\r\n").partition("\n")
        method, target, *_ = request_line.strip().split(" ")
        inner = email.parser.Parser().parsestr(rest)
        headers = dict(outer_headers)
        headers.update({k.lower(): v for k, v in inner.items()})
        body = inner.get_payload()
        parts = urlsplit(target)
        return BatchPartRequest(method, parts.path, parse_qs(parts.query), headers,
                                (body if isinstance(body, str) else "").encode(),
                                content_id=content_id)

    def _dispatch_inner(self, inner: BatchPartRequest) -> Response:
        with self.lock:
            self.inner_requests.append(inner)
            fault = self._take_fault(inner)
            if fault is not None:
                return fault
            if inner.path.startswith("/calendar/v3/"):
                for method, pattern, handler in self.routes:
                    found = pattern.match(inner.path)
                    if found and method == inner.method:
                        return handler(inner, found)
        return self.not_found(inner)


def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError as exc:
        raise _calendar_fail(400, "parseError", "Parse Error") from exc
    if not isinstance(body, dict):
        raise _calendar_fail(400, "parseError", "Parse Error")
    return body


def _insufficient_scopes(api: Api) -> Response:
    error: dict[str, Any] = {
        "code": 403,
        "message": "Request had insufficient authentication scopes.",
        "status": "PERMISSION_DENIED",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                     "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com",
                     "metadata": {"service": f"{api}.googleapis.com"}}],
    }
    if api == "calendar":
        error["errors"] = [{"message": "Insufficient Permission", "domain": "global",
                            "reason": "insufficientPermissions"}]
    return Response(403, {"error": error}, {
        "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
                            'error="insufficient_scope"'})


def _http_message(response: Response) -> bytes:
    """An inner HTTP response as Google writes it inside a batch reply (CRLF, reason phrase)."""
    payload, content_type = response.encoded()
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Unknown"
    headers = {"Content-Type": content_type, **response.headers,
               "Content-Length": str(len(payload))}
    if response.status == 204:
        headers.pop("Content-Type")
    head = f"HTTP/1.1 {response.status} {reason}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + payload


# ======================================================================================
# Pointing the real clients at the fake
# ======================================================================================

def fake_credentials(info: Mapping[str, str], scopes: Iterable[str], *,
                     subject: str | None = None) -> service_account.Credentials:
    """Real service-account credentials whose token grants go to the fake (`token_uri`).

    google-auth's regional-access-boundary lookup (a background GET to
    iamcredentials.googleapis.com per token) is off unless
    GOOGLE_SDK_EXPERIMENTAL_PYTHON_REGIONAL_ACCESS_BOUNDARY_LOOKUP_ENABLED is set; the
    suite's autouse fixture keeps that switch unset, so nothing leaves the loopback.
    """
    creds: service_account.Credentials = service_account.Credentials.from_service_account_info(
        info, scopes=list(scopes), subject=subject)
    return creds


def gspread_client(server: FakeServer, credentials: Credentials | None = None,
                   http_client: type[gspread.HTTPClient] = gspread.HTTPClient) -> gspread.Client:
    """A gspread client whose Sheets calls (and token fetches) go to the fake.

    With credentials: an AuthorizedSession (real token flow) with the redirect mounted.
    Without: a plain session, for `FakeGoogle(anonymous=True)`.
    """
    session: requests.Session = (AuthorizedSession(credentials) if credentials is not None
                                 else requests.Session())
    session.mount(SHEETS_ORIGIN, Redirect(server.base_url))
    client = gspread.Client(auth=credentials, session=session,  # type: ignore[arg-type]
                            http_client=http_client)
    client.set_timeout(10)
    return client


def calendar_service(server: FakeServer, credentials: Credentials | None = None) -> Resource:
    """A googleapiclient Calendar v3 service (offline discovery) aimed at the fake."""
    return build("calendar", "v3", credentials=credentials or AnonymousCredentials(),
                 client_options={"api_endpoint": f"{server.base_url}/calendar/v3/"},
                 static_discovery=True, cache_discovery=False)


def calendar_batch(server: FakeServer, callback: Callable[..., Any] | None = None
                   ) -> BatchHttpRequest:
    """`service.new_batch_http_request()` ignores api_endpoint, so build the batch ourselves."""
    return BatchHttpRequest(callback=callback, batch_uri=f"{server.base_url}/batch/calendar/v3")
