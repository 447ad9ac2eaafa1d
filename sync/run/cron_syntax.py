"""Whether a `[schedule] cron` expression is plainly valid, without loading APScheduler.

Every command checks the config, but only `schedule` runs the cron. Most expressions are
numbers, ranges, steps and `*` ("0 2 * * *"): those are answered here, so `validate`, `plan`
and `sync` never load APScheduler. Anything else (day names, an out-of-range number, a step
longer than its range) goes to APScheduler itself (`sync.run.scheduler.cron_trigger`), the
one judge, which also words the error.
"""

from __future__ import annotations

import re

NICKNAMES = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
             "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
             "@hourly": "0 * * * *"}
BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))  # minute hour day month weekday
ITEM = re.compile(r"(\*|\d+(?:-\d+)?)(?:/(\d+))?")


def cron_fields(expression: str) -> list[str]:
    return NICKNAMES.get(expression.strip().lower(), expression).split()


def plainly_valid(expression: str) -> bool:
    """True only for what APScheduler surely accepts; False means "ask APScheduler"."""
    fields = cron_fields(expression)
    if len(fields) != 5 or (fields[2] != "*" and fields[4] != "*"):
        return False
    return all(plain_item(item, low, high)
               for field, (low, high) in zip(fields, BOUNDS, strict=True)
               for item in field.split(","))


def plain_item(item: str, low: int, high: int) -> bool:
    match = ITEM.fullmatch(item)
    if match is None:
        return False
    span, step = match.groups()
    first, _, last = span.partition("-")
    start, end = (low, high) if span == "*" else (int(first), int(last or first))
    if not low <= start <= end <= high:
        return False
    # a step needs a range to step through ("5/10" means something else to each cron)
    return step is None or ((span == "*" or bool(last)) and 1 <= int(step) <= end - start)
