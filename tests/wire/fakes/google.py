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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
from google.auth import _regional_access_boundary_utils as rab_utils
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


class OAuthState:
    """Registered service-account keys and the tokens handed out for them."""

    def __init__(self) -> None:
        self.keys: dict[str, ServiceAccountKey] = {}
        self.tokens: dict[str, TokenInfo] = {}
        self.grants: list[TokenInfo] = []  # every successful grant, in order
        self._counter = itertools.count(1)

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
        if subject and not key.delegation_allowed:
            return _oauth_error(401, "unauthorized_client",
                                "Client is unauthorized to retrieve access tokens using this "
                                "method, or client not authorized for any of the scopes requested.")
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


# A stored cell. date/datetime cells behave like date-formatted cells: serial numbers when
# UNFORMATTED, "M/D/YYYY" (en_US) when FORMATTED. Plain int/float cells are plain numbers.
Cell = str | int | float | bool | date | datetime | SheetError | None

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
    def metadata(self, sheet: Spreadsheet, include_grid_data: bool) -> dict[str, Any]:
        sheets = []
        for index, tab in enumerate(sheet.tabs):
            entry: dict[str, Any] = {"properties": tab.properties(index)}
            if include_grid_data:
                entry["data"] = [{"rowData": [{"values": [_grid_cell_data(c) for c in row]}
                                              for row in tab.rows]}]
            sheets.append(entry)
        return {
            "spreadsheetId": sheet.spreadsheet_id,
            "properties": {"title": sheet.title, "locale": sheet.locale,
                           "autoRecalc": "ON_CHANGE", "timeZone": sheet.time_zone},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{sheet.spreadsheet_id}/edit",
        }

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
               input_option: str | None) -> dict[str, Any]:
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
               input_option: str | None) -> dict[str, Any]:
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
        updates = self.update(sheet, target, body, input_option)
        result: dict[str, Any] = {"spreadsheetId": sheet.spreadsheet_id, "updates": updates}
        if table:
            result["tableRange"] = table
        return result

    def clear(self, sheet: Spreadsheet, range_text: str) -> str:
        grid = parse_range(sheet, range_text)
        for r in range(grid.start_row, min(grid.end_row, len(grid.tab.rows))):
            for c in range(grid.start_col, min(grid.end_col, len(grid.tab.rows[r]))):
                grid.tab.rows[r][c] = None
        return grid.a1()

    def batch_update(self, sheet: Spreadsheet, body: Mapping[str, Any]) -> dict[str, Any]:
        """spreadsheets.batchUpdate; atomic like Google: one bad request applies nothing."""
        tabs = copy.deepcopy(sheet.tabs)
        replies: list[dict[str, Any]] = []
        for i, request in enumerate(body.get("requests") or []):
            kind = next(iter(request), "")
            if kind == "addSheet":
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
                replies.append({})
            else:
                raise _sheets_fail(400, f"fake google: batchUpdate request {kind!r} is not "
                                        "implemented (only addSheet, deleteSheet)")
        sheet.tabs = tabs
        return {"spreadsheetId": sheet.spreadsheet_id, "replies": replies}

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

    def add_event(self, calendar_id: str, body: Mapping[str, Any], *,
                  creator: str = "colleague@example.com") -> dict[str, Any]:
        """Put an event straight into the store (a "foreign" event nobody synced), no checks."""
        with self._server.lock:
            calendar = self.calendars[calendar_id]
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
        calendar = self.calendars.get(calendar_id)
        who = caller.identity
        if calendar is None:
            raise _calendar_fail(404, "notFound", "Not Found")
        if caller.anonymous:
            return calendar
        can_write = calendar.writers is None or who in calendar.writers
        can_read = can_write or calendar.readers is None or who in calendar.readers
        if not can_read:
            raise _calendar_fail(404, "notFound", "Not Found")
        if write and not can_write:
            raise _calendar_fail(403, "requiredAccessLevel",
                                 "You need to have writer access to this calendar.")
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

        items = []
        for event_id, event in calendar.events.items():
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
            if time_min or time_max:
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
        self.route("GET", r"/v1/projects/-/serviceAccounts/(?P<email>[^/]+)/allowedLocations",
                   self._allowed_locations)
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

    def _allowed_locations(self, request: Request, match: re.Match[str]) -> Response:
        """IAM Credentials' regional-access-boundary lookup (see `redirect_iam_lookups`)."""
        if self.oauth.lookup(request.headers.get("authorization")) is None:
            return google_error(401)
        return Response(200, {"locations": ["us-central1"], "encodedLocations": "0x1"})

    # -- Sheets handlers -------------------------------------------------------------
    def _sheet(self, match: re.Match[str], caller: TokenInfo) -> Spreadsheet:
        return self.sheets.open(unquote(match["sid"]), caller)

    def _sheets_get(self, request: Request, match: re.Match[str], caller: TokenInfo
                    ) -> Response:
        include = request.query.get("includeGridData", ["false"])[-1] == "true"
        return Response(200, self.sheets.metadata(self._sheet(match, caller), include))

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
                                                request.json() or {}, option))

    def _values_append(self, request: Request, match: re.Match[str], caller: TokenInfo
                       ) -> Response:
        sheet = self._sheet(match, caller)
        option = request.query.get("valueInputOption", [None])[-1]
        return Response(200, self.sheets.append(sheet, unquote(match["range"]),
                                                request.json() or {}, option))

    def _values_clear(self, request: Request, match: re.Match[str], caller: TokenInfo
                      ) -> Response:
        sheet = self._sheet(match, caller)
        cleared = self.sheets.clear(sheet, unquote(match["range"]))
        return Response(200, {"spreadsheetId": sheet.spreadsheet_id, "clearedRange": cleared})

    def _values_batch_clear(self, request: Request, match: re.Match[str], caller: TokenInfo
                            ) -> Response:
        sheet = self._sheet(match, caller)
        cleared = [self.sheets.clear(sheet, r) for r in (request.json() or {}).get("ranges", [])]
        return Response(200, {"spreadsheetId": sheet.spreadsheet_id, "clearedRanges": cleared})

    def _values_batch_update(self, request: Request, match: re.Match[str], caller: TokenInfo
                             ) -> Response:
        sheet = self._sheet(match, caller)
        body = request.json() or {}
        option = body.get("valueInputOption")
        responses = [self.sheets.update(sheet, item.get("range", ""), item, option)
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
        return Response(200, self.sheets.batch_update(sheet, request.json() or {}))

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
    """Service-account credentials for the fake that never call out to real Google.

    Since google-auth 2.4x, every token refresh of a (non-delegated) service account starts a
    background GET to https://iamcredentials.googleapis.com/.../allowedLocations (the
    "regional access boundary" lookup). Seeding a long-lived boundary skips that lookup.
    Copies made by with_subject/with_scopes keep the seed.
    """
    creds: service_account.Credentials = service_account.Credentials.from_service_account_info(
        info, scopes=list(scopes), subject=subject)
    seed = getattr(creds, "_set_regional_access_boundary", None)
    if seed is not None:
        expiry = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=3650)
        seed({"encodedLocations": "0x1", "expiry": expiry})
    return creds


@contextmanager
def redirect_iam_lookups(server: FakeServer) -> Iterator[None]:
    """Point google-auth's regional-access-boundary lookups at the fake.

    For code under test that builds its own credentials (so `fake_credentials` can't seed
    them): the lookup then lands here (GET .../allowedLocations, from a background thread)
    instead of leaking to iamcredentials.googleapis.com.
    """
    original = rab_utils.get_service_account_rab_endpoint

    def endpoint(service_account_email: str) -> str:
        return (f"{server.base_url}/v1/projects/-/serviceAccounts/"
                f"{service_account_email}/allowedLocations")

    rab_utils.get_service_account_rab_endpoint = endpoint
    try:
        yield
    finally:
        rab_utils.get_service_account_rab_endpoint = original


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
