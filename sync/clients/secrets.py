"""Secrets come only from the environment and never reach output or logs."""

from __future__ import annotations

import logging
import os

from sync.errors import ConfigError

SECRET_VARIABLES = ("SLACK_BOT_TOKEN", "GITHUB_TOKEN")
MASK = "[secret]"


def secret(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"The environment variable {name} is not set: {why}")
    return value


def redact(text: str) -> str:
    """Replace every known secret value (and any Bearer token) with a mask."""
    for name in SECRET_VARIABLES:
        value = os.environ.get(name, "").strip()
        if len(value) >= 6:
            text = text.replace(value, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Installed on every handler, so even a library's log line cannot leak a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
