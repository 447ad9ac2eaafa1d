"""The text of `/rotation ...`: `who`, or `cover FROM TO [@engineer] [note]`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sync.core.cover.request import Refusal

USAGE = ("Use `/rotation who` or `/rotation cover 2026-12-10 2026-12-12 [@engineer] "
         "[note]`.")
SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
HANDLE = re.compile(r"@([A-Za-z0-9-]+)")


@dataclass(frozen=True)
class Ask:
    """`cover`: the days, who needs cover (a Slack user id or a People handle; None: the
    person asking) and the note."""

    first: date
    last: date
    slack_user: str | None = None
    handle: str | None = None
    note: str = ""


def parse(text: str) -> Ask | None:
    """None for `who`; an Ask for `cover ...`; Refusal for anything else."""
    words = text.split()
    if words == ["who"]:
        return None
    if not words or words[0] != "cover":
        raise Refusal(f"I did not understand {text.strip()[:60]!r}. {USAGE}")
    days = [as_day(word) for word in words[1:3]]  # a bad date is named before a missing one
    if len(days) < 2:
        raise Refusal(f"Say the first and the last day. {USAGE}")
    first, last = days
    rest = words[3:]
    mention = SLACK_MENTION.fullmatch(rest[0]) if rest else None
    handle = HANDLE.fullmatch(rest[0]) if rest and not mention else None
    note = " ".join(rest[1:] if mention or handle else rest)
    return Ask(first, last, mention[1] if mention else None, handle[1] if handle else None,
               note)


def as_day(word: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
            return date.fromisoformat(word)
    except ValueError:
        pass
    raise Refusal(f"{word[:20]!r} is not a date in the form YYYY-MM-DD. {USAGE}")
