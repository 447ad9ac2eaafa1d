"""Text a person reads is plain: no secret, no terminal control, never read as Rich markup.

A roster cell, an error body or a name may hold `[bold]`, an ESC sequence that rewrites
the terminal, or a token; everything printed or logged passes through `plain`, and user
text reaches Rich only as `Text` (never parsed as markup).
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

from sync.clients.secrets import redact

# ESC/CSI/OSC sequences first (so their payload goes too), then C0 (but tab and newline),
# DEL, C1, and the bidi overrides that make text read differently than it is.
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b.?")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    return CONTROLS.sub("", ESCAPES.sub("", text))


def plain(text: object) -> str:
    """Masked and free of terminal controls: safe to print or log."""
    return strip_controls(redact(str(text)))


def shown(text: object) -> Text:
    """User text for a Rich table cell or line: never parsed as markup."""
    return Text(plain(text))


def markup_safe(text: object) -> str:
    """User text inside a Rich markup string."""
    return escape(plain(text))
