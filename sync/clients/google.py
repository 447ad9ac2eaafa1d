"""What the Sheets source and the Calendar target share: credentials and the retry verdict.

Credentials come from the service-account file named by GOOGLE_APPLICATION_CREDENTIALS (its
own `token_uri` is honoured) or application default credentials otherwise.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

import google.auth
import google.auth.exceptions
import requests
from google.oauth2 import service_account

from sync.clients.retry import Retryable, parse_retry_after
from sync.clients.secrets import watch
from sync.errors import ConfigError

CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}


def credentials(scopes: list[str], subject: str | None = None) -> Any:
    """Google credentials for `scopes`, acting as `subject` (domain-wide delegation) if set."""
    path = os.environ.get(CREDENTIALS_ENV, "").strip()
    creds = service_account_file(path, scopes) if path else default_credentials(scopes)
    if subject is None:
        return watch(creds)
    if not isinstance(creds, service_account.Credentials):
        raise ConfigError("[calendar] impersonate needs a service account: set "
                          f"{CREDENTIALS_ENV} to the service account's JSON key file.")
    return watch(creds.with_subject(subject))


def service_account_file(path: str, scopes: list[str]) -> Any:
    try:
        return service_account.Credentials.from_service_account_file(path, scopes=scopes)
    except FileNotFoundError:
        raise ConfigError(f"{CREDENTIALS_ENV} names {path}, which does not exist.") from None
    except (ValueError, KeyError, json.JSONDecodeError) as error:
        raise ConfigError(f"{CREDENTIALS_ENV} names {path}, which is not a service-account "
                          f"JSON key file ({type(error).__name__}).") from None


def default_credentials(scopes: list[str]) -> Any:
    try:
        creds, _project = google.auth.default(scopes=scopes)
    except google.auth.exceptions.DefaultCredentialsError:
        raise ConfigError(f"No Google credentials: set {CREDENTIALS_ENV} to a service "
                          "account's JSON key file (or configure application default "
                          "credentials).") from None
    return creds


def account_email(creds: Any) -> str:
    """The address to share the sheet or calendar with, for error messages."""
    return str(getattr(creds, "service_account_email", None) or "the service account")


def is_service_account(creds: Any) -> bool:
    return isinstance(creds, service_account.Credentials)


def classify(error: Exception) -> Retryable:
    """Google's transient failures: 429, 5xx, 403 rate limits, dropped connections."""
    if isinstance(error, google.auth.exceptions.RefreshError):
        return Retryable(error.retryable)  # the token endpoint's own verdict (5xx, 429)
    status, reasons, retry_after = http_details(error)
    if status is None:
        return Retryable(is_connection_error(error))
    if status == 429 or status >= 500 or status == 408:
        return Retryable(True, retry_after)
    if status == 403 and reasons & RATE_LIMIT_REASONS:
        return Retryable(True, retry_after)
    return Retryable(False)


def http_details(error: Exception) -> tuple[int | None, set[str], float | None]:
    """Status, error reasons and Retry-After from gspread's APIError or googleapiclient's
    HttpError (duck-typed, so this module imports neither)."""
    response = getattr(error, "resp", None) or getattr(error, "response", None)
    status = getattr(error, "status_code", None) or getattr(response, "status", None) \
        or getattr(response, "status_code", None)
    if status is None:
        return None, set(), None
    headers = getattr(response, "headers", None) or response or {}
    retry_after = parse_retry_after(header(headers, "retry-after"))
    return int(status), error_reasons(error), retry_after


def header(headers: Any, name: str) -> str | None:
    try:
        for key, value in dict(headers).items():
            if str(key).lower() == name:
                return str(value)
    except (TypeError, ValueError):
        return None
    return None


def error_reasons(error: Exception) -> set[str]:
    details = getattr(error, "error_details", None)
    if isinstance(details, list):
        return {str(item.get("reason")) for item in details if isinstance(item, dict)}
    payload = getattr(error, "error", None)  # gspread's APIError keeps the JSON error object
    if isinstance(payload, dict):
        return {str(item.get("reason")) for item in payload.get("errors", [])
                if isinstance(item, dict)}
    return set()


def is_connection_error(error: Exception) -> bool:
    import httplib2

    transient = (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError,
                 socket.timeout, httplib2.HttpLib2Error,
                 google.auth.exceptions.TransportError)  # a token fetch that lost its connection
    return isinstance(error, transient)
