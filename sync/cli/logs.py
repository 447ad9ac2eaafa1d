"""Logging set-up: human-readable lines by default, one JSON object per line for collectors.

Every line is redacted twice over: the RedactingFilter masks the message before any handler
sees it, and the formatters mask the finished line, because a traceback or an `extra` field
is formatted after filters run and could otherwise carry a token into the log.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from sync.cli.safe import plain
from sync.clients.secrets import RedactingFilter, redact

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LIBRARIES = ("apscheduler",)  # it logs every job start; the run's own line is enough
# Clients that log each failed attempt in their own words (slack_sdk at ERROR, urllib3's
# "Retrying (Retry(total=…))"): sync.clients.retry says it once per attempt, readably.
RETRY_NOISE = ("slack_sdk.web.base_client", "urllib3.connectionpool", "googleapiclient.http")


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return plain(super().format(record))


class JsonFormatter(logging.Formatter):
    """One object per line: time, level, logger, message, and `run`, `finding` or `error`
    when present."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": plain(record.getMessage()),
        }
        for field in ("run", "finding"):
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, default=str))


class RotationSyncHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our own handler, so reconfiguring replaces it and leaves others (pytest's) alone.
    Without an explicit stream it writes to whatever sys.stderr is at the time of the line,
    so a replaced stderr (a test runner's capture) never leaves it writing to a closed file."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream or sys.stderr)
        self.follows_stderr = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self.follows_stderr:
            self.stream = sys.stderr
        super().emit(record)


def setup_logging(log_format: LogFormat = "text", level: int = logging.WARNING,
                  stream: TextIO | None = None) -> logging.Handler:
    """Install (or replace) the one rotation-sync handler on the root logger."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, RotationSyncHandler)]:
        root.removeHandler(old)
    handler = RotationSyncHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else RedactingFormatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    warnings.showwarning = log_warning
    logging.getLogger("sync.findings").disabled = log_format != "json"  # JSON logs only
    for name in RETRY_NOISE:  # still there with DEBUG, for whoever digs deeper
        logging.getLogger(name).setLevel(logging.DEBUG if level <= logging.DEBUG
                                         else logging.CRITICAL)
    return handler


def log_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                file: TextIO | None = None, line: str | None = None) -> None:
    """A library's `warnings.warn` (the holidays package's "available only from 2001 to
    2035") as one log line of ours: same format, redacted, JSON when asked, never raw."""
    logging.getLogger("py.warnings").warning("%s: %s", category.__name__, message)


def json_logging() -> bool:
    """Whether stderr belongs to a log collector: then nothing but JSON lines goes there."""
    return any(isinstance(h, RotationSyncHandler) and isinstance(h.formatter, JsonFormatter)
               for h in logging.getLogger().handlers)
