"""Secrets come only from the environment and never reach output, logs or the run history.

Masked: the environment's tokens, every access token a Google credential of this process
obtained (registered with `watch`), PEM key material, and whatever follows `Bearer ` or
`token=` (an error body that echoes a token is masked even when the variable is unset).
A URL's credentials are secrets too: its userinfo (`user:password@`), query parameters that
carry tokens or signatures (`?token=`, `&sig=`, `X-Amz-Signature=`, `key=`, ...) and the
secret path of a private calendar address (`/private-<hex>/`).
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any
from urllib.parse import urlsplit

from sync.errors import ConfigError

SECRET_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "GITHUB_TOKEN",
                    "ROTATION_SYNC_FEED_SECRET")
MASK = "[secret]"
PATTERNS = (
    re.compile(r"-----BEGIN[A-Z ]*PRIVATE KEY-----.*?(-----END[A-Z ]*PRIVATE KEY-----|\Z)",
               re.DOTALL),
    re.compile(r"(?<=Bearer )[^\s\"',;]+", re.IGNORECASE),
    re.compile(r"(?<=token=)[^\s\"',;&]+", re.IGNORECASE),
    re.compile(r"(?<=access_token\": \")[^\"]+|(?<=access_token\":\")[^\"]+"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{6,}|\bxapp-[A-Za-z0-9-]{6,}"),  # Slack tokens
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bya29\.[A-Za-z0-9._-]{6,}"),  # Google OAuth access tokens
    re.compile(r"(?<=://)[^/\s@\"'<>]+(?=@)"),  # a URL's user:password@
    re.compile(r"(?<=/private-)[0-9a-fA-F]{12,}"),  # a private calendar address's secret
)
# Query parameters whose names say they carry a credential or a signature.
SECRET_PARAMETER = re.compile(
    r"(?i)([?&;][\w.-]*(?:token|key|sig|secret|passw|pwd|auth|credential|session|code)"
    r"[\w.-]*=)[^&\s\"'#<>]+")
_watched: list[Any] = []


def secret(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"The environment variable {name} is not set: {why}")
    return value


def watch(credentials: Any) -> Any:
    """Remember a Google credential, so the access tokens it obtains are masked too."""
    _watched.append(credentials)
    return credentials


def known_values() -> list[str]:
    values = [os.environ.get(name, "").strip() for name in SECRET_VARIABLES]
    values += [str(getattr(creds, "token", None) or "") for creds in _watched]
    return sorted({v for v in values if len(v) >= 6}, key=len, reverse=True)


def redact(text: str) -> str:
    """Replace every known secret value and anything shaped like a token with a mask."""
    for value in known_values():
        text = text.replace(value, MASK)
    for pattern in PATTERNS:
        text = pattern.sub(MASK, text)
    return SECRET_PARAMETER.sub(lambda m: m[1] + MASK, text)


def shown_url(location: str) -> str:
    """A URL as it may be shown or stored: scheme, host, port and path only (no userinfo,
    no query, no fragment), its secret path masked; a path is shown as it is."""
    try:
        parts = urlsplit(location)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(an unreadable URL)"
    if not parts.scheme or not parts.netloc:
        return redact(location)
    return redact(f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}")


def redact_data(data: Any) -> Any:
    """The same masking through a JSON-like value (the run history, `--json` documents)."""
    if isinstance(data, str):
        return redact(data)
    if isinstance(data, dict):
        return {key: redact_data(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_data(value) for value in data]
    return data


class RedactingFilter(logging.Filter):
    """Installed on every handler, so even a library's log line cannot leak a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
